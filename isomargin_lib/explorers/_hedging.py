"""Lesson 09: a hedged pair (BTC long + ETH short) in isolated and in cross margin."""

from __future__ import annotations

import numpy as np

from .. import plots
from .._accounts import compare_shock, hedged_pair_positions, margin_to_survive, shocked_marks
from ._base import Explorer, Frame, Reading, slider, toggle

MAX_MOVE = 50                             # % either way: the market-move slider and the x axis
MODES = ("both", "isolated", "cross")


def _leg_curves(pair, betas, moves):
    """Over an array of market moves (%): each leg's PnL, maintenance margin and isolated
    equity (0 where it is liquidated)."""
    pnl, maintenance, equity = {}, {}, {}
    for name, leg in pair.items():
        prices = leg.position.entry_price * (1 + betas[name] * moves / 100)
        pnl[name] = np.asarray(leg.pnl(prices), dtype=float)
        maintenance[name] = np.asarray(leg.maintenance_margin(prices), dtype=float)
        alive = leg.margin + pnl[name] > maintenance[name]
        equity[name] = np.where(alive, leg.margin + pnl[name], 0.0)
    return pnl, maintenance, equity


def hedged_pair() -> Explorer:
    """A BTC long hedged by an ETH short, in isolated and in cross margin, under a market move.

    Returns
    -------
    Explorer
        Controls: ``move`` (market move, %: BTC moves by it, ETH by ``beta`` times it),
        ``hedge_ratio`` (ETH short notional / BTC long notional), ``beta`` (how ETH follows the
        market; 1 = like BTC, negative = the other way), ``leverage`` (x, both legs; sets the
        isolated margins), ``wallet`` (all funds, USDT) and ``mode`` (which curves to show).
        Traces, against the market move: 0 isolated BTC long equity, 1 isolated ETH short
        equity, 2 isolated account, 3 cross account, 4 the current move, 5 isolated and 6
        cross account now. Readout keys: ``isolated_needed``, ``cross_needed`` (margin to
        survive a move of this size either way), ``isolated_liquidated``,
        ``cross_liquidated``, ``isolated_equity``, ``cross_equity``, ``pair_pnl``.

    Notes
    -----
    Outcomes from ``compare_shock`` (liquidation judged at the final prices; a liquidated
    position loses all the margin behind it) and ``margin_to_survive``; after Binance,
    "Liquidation Protocols" and "What Are Cross Margin and Isolated Margin Mode".
    """
    moves = np.linspace(-MAX_MOVE, MAX_MOVE, 201)
    fig = plots.figure(x_title="Market move: BTC price change (%)", y_title="USDT",
                       height=440)
    fig.add_trace(plots.line("isolated: BTC long leg", "isolated", dash="dash", width=1.5,
                             x=moves))
    fig.add_trace(plots.line("isolated: ETH short leg", "isolated", dash="dot", width=1.5,
                             x=moves))
    fig.add_trace(plots.line("isolated: whole account", "isolated", dash="solid", width=3,
                             x=moves))
    fig.add_trace(plots.line("cross: whole account", "cross", dash="solid", width=3, x=moves))
    fig.add_trace(plots.line("market move now", "entry", width=1.5, hoverinfo="skip"))
    fig.add_trace(plots.marker("isolated now", "isolated", showlegend=False))
    fig.add_trace(plots.marker("cross now", "cross", symbol="diamond", showlegend=False))
    fig.update_xaxes(range=[-MAX_MOVE, MAX_MOVE])
    fig.update_layout(margin={"t": 80}, legend={"y": 1.04})

    def compute(move, hedge_ratio, beta, leverage, wallet, mode):
        pair = hedged_pair_positions(hedge_ratio, leverage)
        betas = {"BTC long": 1.0, "ETH short": beta}
        margins = sum(leg.margin for leg in pair.values())
        pnl, maintenance, equity = _leg_curves(pair, betas, moves)
        total_pnl = sum(pnl.values())
        iso_curve = wallet - margins + sum(equity.values())
        cross_alive = wallet + total_pnl > sum(maintenance.values())
        cross_curve = np.where(cross_alive, wallet + total_pnl, 0.0)
        marks = shocked_marks(pair, move, betas=betas)
        size = abs(move)
        needed = margin_to_survive(pair, [shocked_marks(pair, -size, betas=betas),
                                          shocked_marks(pair, size, betas=betas)])
        opens = wallet >= margins
        if opens:
            result = compare_shock(wallet, pair, marks)
            iso, cross = result["isolated"], result["cross"]
            iso_now, cross_now = iso.wallet_left, cross.wallet_left
            iso_dead, cross_dead = iso.liquidated, cross.liquidated
        else:
            iso_now = cross_now = None
            iso_dead = cross_dead = ()
        top = 1.1 * max(float(iso_curve.max()), float(cross_curve.max()), wallet)
        y_range = [-0.04 * top, top]
        shown = {"isolated": mode in ("both", "isolated"), "cross": mode in ("both", "cross")}

        if not opens:
            status = (f"The wallet ({wallet:,.0f} USDT) is smaller than the initial margin of "
                      f"the legs ({margins:,.2f} USDT): the exchange would not open them. "
                      "Raise the wallet or the leverage.")
            kind = "warning"
        elif cross_dead:
            status = (f"Cross: the account is liquidated: every leg is closed and the whole "
                      f"wallet ({wallet:,.0f} USDT) is gone. Isolated: {_names(iso_dead)} "
                      f"liquidated, {iso_now:,.2f} USDT left.")
            kind = "danger"
        elif iso_dead:
            survivors = [n for n in pair if n not in iso_dead]
            alone = (f" {survivors[0]} is left open ALONE: the account is no longer hedged."
                     if survivors else "")
            lost = "their margins" if len(iso_dead) > 1 else "its margin"
            status = (f"Isolated: {_names(iso_dead)} liquidated, {lost} lost.{alone} "
                      f"Cross: nothing liquidated, every leg still open.")
            kind = "danger" if len(iso_dead) == len(pair) else "warning"
        else:
            status, kind = "No leg is liquidated in either mode.", "ok"

        price_x, price_y = plots.vertical(move, y_range)
        return Frame(
            traces={
                0: {"y": equity["BTC long"], "visible": shown["isolated"]},
                1: {"y": equity.get("ETH short", moves * np.nan),
                    "visible": shown["isolated"]},
                2: {"y": iso_curve, "visible": shown["isolated"]},
                3: {"y": cross_curve, "visible": shown["cross"]},
                4: {"x": price_x, "y": price_y},
                5: {"x": [move], "y": [iso_now], "visible": shown["isolated"]},
                6: {"x": [move], "y": [cross_now], "visible": shown["cross"]},
            },
            readings=[
                Reading("isolated_needed", f"Isolated: margin to survive ±{size:g} % (USDT)",
                        needed.isolated),
                Reading("cross_needed", f"Cross: wallet to survive ±{size:g} % (USDT)",
                        needed.cross),
                Reading("isolated_liquidated", "Isolated: liquidated", _names(iso_dead), "{}"),
                Reading("cross_liquidated", "Cross: liquidated", _names(cross_dead), "{}"),
                Reading("isolated_equity", "Isolated: account equity (USDT)", iso_now),
                Reading("cross_equity", "Cross: account equity (USDT)", cross_now),
                Reading("pair_pnl", "PnL of the pair, both legs (USDT)",
                        sum(float(leg.pnl(marks[n])) for n, leg in pair.items())),
            ],
            status=status, status_kind=kind,
            layout={"yaxis": {"range": y_range}},
        )

    controls = {
        "move": slider("Market move (%)", 0, -MAX_MOVE, MAX_MOVE, 1),
        "hedge_ratio": slider("Hedge ratio (ETH short / BTC long notional)", 1.0, 0, 2, 0.01,
                              fmt=".2f"),
        "beta": slider("ETH beta (its move / the market's)", 1.0, -1, 1.8, 0.1, fmt=".1f"),
        "leverage": slider("Leverage, both legs (x)", 10, 2, 50, 1, integer=True),
        "wallet": slider("Wallet balance (USDT)", 3_000, 500, 10_000, 100),
        "mode": toggle("Show", MODES),
    }
    return Explorer(controls, fig, compute)


def _names(names) -> str:
    return ", ".join(names) if names else "none"
