"""Lesson 01: leverage sets the position size; PnL and ROE follow the price, long or short."""

from __future__ import annotations

import numpy as np

from .. import _checks, plots
from .._contracts import SIDES, Position
from .._margin import initial_margin, return_on_equity
from ._base import Explorer, Frame, Reading, slider, toggle

MAX_MOVE = 30.0  # percent: the price-move slider and the x axis span entry * (1 +- 30 %)
# Grey, not red: a short's PnL line is drawn in the course's red (COLORS["short"]).
GONE_FILL = "rgba(150, 150, 150, 0.25)"


def _margin_gone_zone(x_range, y_low, margin):
    """Closed polygon below PnL = -margin: losses there exceed the whole margin."""
    low, high = x_range
    return [low, high, high, low, low], [-margin, -margin, y_low, y_low, -margin]


def leverage_and_pnl(entry_price: float = 60_000, margin: float = 1_000,
                     max_leverage: int = 100) -> Explorer:
    """PnL of a long or a short against the price, for a margin put up at a chosen leverage.

    Parameters
    ----------
    entry_price : float
        BTC price at entry (USDT), > 0.
    margin : float
        Initial margin put up (USDT), > 0. The position's notional is ``margin * leverage`` and
        its quantity ``margin * leverage / entry_price`` BTC.
    max_leverage : int
        Right end of the leverage slider, >= 2.

    Returns
    -------
    Explorer
        Controls ``leverage`` (x), ``price_move`` (% from entry) and ``side`` ("long" or
        "short"). Traces: 0 the zone where the whole margin is gone, 1 the line PnL = -margin,
        2 the entry price, 3 PnL (USDT) against price, 4 the current price on that line (a
        dark red cross once the whole margin is gone, a triangle on the edge when the PnL is off
        the chart). Readout keys: ``quantity``,
        ``notional``, ``price``, ``pnl``, ``roe_percent``, ``remaining_margin``.

    Notes
    -----
    Linear PnL ``s*q*(price - entry)`` and ROE = PnL / initial margin, as published by Binance
    ("How to Calculate Profit and Loss for Futures Contracts"); computed by ``Position.pnl`` and
    ``return_on_equity``.
    """
    probe = Position("long", entry_price, 1.0)  # validates entry_price
    margin = _checks.positive("margin", margin)
    max_leverage = _checks.whole_number("max_leverage", max_leverage, 2)

    x_range = (probe.entry_price * (1 - MAX_MOVE / 100), probe.entry_price * (1 + MAX_MOVE / 100))
    y_range = (-3 * margin, 3 * margin)
    prices = np.linspace(*x_range, 241)

    def position_for(leverage, side):
        return Position(side, entry_price, margin * leverage / entry_price)

    fig = plots.figure(x_title="BTC price (USDT)", y_title="PnL (USDT)",
                       title=f"{margin:,.0f} USDT of margin, position opened at "
                             f"{entry_price:,.0f} USDT")
    zone_x, zone_y = _margin_gone_zone(x_range, y_range[0], margin)
    fig.add_trace(plots.line("whole margin lost", "liquidation", dash="solid", width=0,
                             x=zone_x, y=zone_y, fill="toself",
                             fillcolor=GONE_FILL, hoverinfo="skip"))
    fig.add_trace(plots.line("PnL = -margin", "liquidation", width=1.5,
                             x=list(x_range), y=[-margin, -margin], hoverinfo="skip"))
    entry_x, entry_y = plots.vertical(entry_price, y_range)
    fig.add_trace(plots.line("entry price", "entry", width=1.5, x=entry_x, y=entry_y,
                             hoverinfo="skip"))
    fig.add_trace(plots.line("PnL", "long", x=prices, y=np.zeros_like(prices),
                             hovertemplate="price %{x:,.0f}: PnL %{y:,.2f} USDT<extra></extra>"))
    fig.add_trace(plots.marker("current price", "long", x=[entry_price], y=[0.0]))
    fig.update_xaxes(range=list(x_range))
    fig.update_yaxes(range=list(y_range))

    def compute(leverage, price_move, side):
        position = position_for(leverage, side)
        price = entry_price * (1 + price_move / 100)
        pnl = float(position.pnl(price))
        roe = 100 * float(return_on_equity(position, price, leverage))
        remaining = margin + pnl
        exactly_all = bool(np.isclose(remaining, 0.0, rtol=0.0, atol=1e-9 * margin))
        if exactly_all:
            remaining = 0.0  # no "-0.00" when the loss equals the margin
        shown = float(np.clip(pnl, *y_range))
        gone = exactly_all or remaining < 0
        symbol = ("triangle-up" if shown < pnl else "triangle-down" if shown > pnl
                  else "x" if gone else "circle")
        color = plots.COLORS["liquidation"] if gone else plots.COLORS[side]
        if gone:
            how_much = "all of" if exactly_all else "more than"
            status = (f"The whole margin is gone: a {abs(price_move):g} % move against a "
                      f"{leverage:g}x {side} loses {-pnl:,.2f} USDT, {how_much} the "
                      f"{margin:,.0f} USDT put up. (An exchange closes it earlier: lesson 02.)")
            kind = "danger"
        elif pnl < 0:
            status = (f"Losing: {roe:,.1f} % of the margin, {leverage:g} times the "
                      f"{abs(price_move):g} % price move.")
            kind = "warning"
        elif pnl > 0:
            status = (f"Gaining: +{roe:,.1f} % on the margin, {leverage:g} times the "
                      f"{abs(price_move):g} % price move.")
            kind = "ok"
        else:
            status = "The price has not moved: PnL is zero. Move the price slider."
            kind = "ok"
        return Frame(
            traces={
                3: {"y": position.pnl(prices), "line": {"color": plots.COLORS[side]}},
                4: {"x": [price], "y": [shown],
                    "marker": {"color": color, "symbol": symbol}},
            },
            readings=[
                Reading("quantity", "Position size (BTC)", position.quantity, "{:,.4f}"),
                Reading("notional", "Notional at entry (USDT)", position.notional()),
                Reading("initial_margin", "Initial margin (USDT)",
                        initial_margin(position, leverage)),
                Reading("price", "Current price (USDT)", price),
                Reading("pnl", "PnL (USDT)", pnl, "{:+,.2f}"),
                Reading("roe_percent", "ROE, PnL / margin (%)", roe, "{:+,.2f}"),
                Reading("remaining_margin", "Margin + PnL (USDT)", remaining,
                        "{:,.2f}: margin gone" if gone else "{:,.2f}"),
            ],
            status=status, status_kind=kind,
        )

    controls = {
        "leverage": slider("Leverage (x)", 1, 1, max_leverage, 1, integer=True),
        "price_move": slider("Price move from entry (%)", 0.0, -MAX_MOVE, MAX_MOVE, 0.5,
                             fmt=".1f"),
        "side": toggle("Side", list(SIDES)),
    }
    return Explorer(controls, fig, compute)
