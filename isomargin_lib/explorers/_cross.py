"""Lessons 03 and 04: cross margin against its isolated twin, and a portfolio under a shock."""

from __future__ import annotations

import numpy as np

from .. import plots
from .._accounts import IsolatedPosition, compare_shock, cross_twin, shocked_marks
from .._contracts import Position
from .._margin import maintenance_margin
from .._tiers import BINANCE_BTCUSDT
from ._base import Explorer, Frame, Reading, slider, toggle


def _kept_curve(grid, equity, liquidation):
    """Equity along a price grid for a long: ``equity(price)`` above the liquidation price,
    zero at and below it (the margin behind the position is gone). The liquidation price is
    inserted so that the drop is vertical."""
    if liquidation is None:
        return grid, equity(grid)
    below, above = grid[grid < liquidation], grid[grid > liquidation]
    x = np.concatenate([below, [liquidation, liquidation], above])
    y = np.concatenate([np.zeros(below.size), [0.0, float(equity(liquidation))], equity(above)])
    return x, y


def cross_vs_isolated(entry_price: float = 60_000, quantity: float = 0.1) -> Explorer:
    """A BTC long in cross mode next to its isolated twin (same position, margin = initial
    margin at the chosen leverage).

    Parameters
    ----------
    entry_price : float
        BTC price at entry (USDT).
    quantity : float
        Position size (BTC).

    Controls: ``wallet`` (USDT), ``leverage`` (x, sets the isolated twin's margin), ``move``
    (price move from entry, %). Maintenance margin follows ``BINANCE_BTCUSDT`` in both modes.
    Figure traces: 0 isolated equity, 1 cross equity, 2 maintenance margin, 3 isolated
    liquidation price, 4 cross liquidation price, 5 and 6 the current price on each curve.
    """
    position = Position("long", entry_price, quantity)
    grid = np.linspace(0.005 * entry_price, 1.5 * entry_price, 400)
    maintenance = BINANCE_BTCUSDT  # one rule for both twins

    fig = plots.figure(x_title="BTC mark price (USDT)", y_title="Equity behind the position (USDT)",
                       title=f"Long {quantity:g} BTC at {entry_price:,.0f} USDT: cross or isolated")
    fig.add_trace(plots.line("isolated: margin + PnL", "isolated", dash="solid"))
    fig.add_trace(plots.line("cross: wallet + PnL", "cross", dash="solid"))
    fig.add_trace(plots.line("maintenance margin", "maintenance", dash="dot", width=1.5,
                             x=grid, y=maintenance_margin(position, grid, tiers=maintenance)))
    fig.add_trace(plots.line("isolated liquidation price", "isolated", dash="dash", width=1.5))
    fig.add_trace(plots.line("cross liquidation price", "cross", dash="dash", width=1.5))
    fig.add_trace(plots.marker("isolated now", "isolated", showlegend=False))
    fig.add_trace(plots.marker("cross now", "cross", symbol="diamond", showlegend=False))
    fig.update_xaxes(range=[0, 1.5 * entry_price])
    fig.update_layout(height=430, margin={"t": 110}, title={"y": 0.97, "yanchor": "top"},
                      legend={"y": 1.04})

    def compute(wallet, leverage, move):
        price = entry_price * (1 + move / 100)
        isolated = IsolatedPosition(position, leverage, tiers=maintenance)
        cross = cross_twin(wallet, {"BTC": isolated})
        marks = {"BTC": price}
        iso_lp = isolated.liquidation_price()
        cross_lp = cross.liquidation_price("BTC", marks)
        iso_x, iso_y = _kept_curve(grid, isolated.equity, iso_lp)
        cross_x, cross_y = _kept_curve(grid, lambda p: wallet + position.pnl(p), cross_lp)
        iso_dead, cross_dead = isolated.is_liquidated(price), cross.is_liquidated(marks)
        iso_now = 0.0 if iso_dead else float(isolated.equity(price))
        cross_now = 0.0 if cross_dead else float(cross.equity(marks))
        top = 1.1 * (wallet + position.pnl(1.5 * entry_price))
        y_range = [-0.04 * top, top]

        if wallet < isolated.margin:
            status, kind = (f"The wallet ({wallet:,.0f} USDT) is smaller than the initial margin "
                            f"({isolated.margin:,.2f} USDT): the exchange would not open this "
                            "position. Raise the wallet or the leverage."), "warning"
        elif cross_dead:
            status, kind = (f"Both liquidated. Cross took the whole wallet ({wallet:,.0f} USDT); "
                            f"isolated lost only its margin ({isolated.margin:,.2f} USDT)."),\
                "danger"
        elif iso_dead:
            status, kind = (f"Isolated twin liquidated: its margin ({isolated.margin:,.2f} USDT) "
                            f"is gone, the rest of the wallet is safe. The cross position is "
                            f"still open, with the whole wallet at risk."), "danger"
        else:
            status, kind = "Neither position is liquidated at this price.", "ok"


        return Frame(
            traces={
                0: {"x": iso_x, "y": iso_y},
                1: {"x": cross_x, "y": cross_y},
                3: dict(zip("xy", plots.vertical(iso_lp, y_range))),
                4: dict(zip("xy", plots.vertical(cross_lp, y_range))),
                5: {"x": [price], "y": [iso_now]},
                6: {"x": [price], "y": [cross_now]},
            },
            readings=[
                Reading("price", "Mark price now (USDT)", price),
                Reading("isolated_liquidation_price", "Isolated liquidation price (USDT)",
                        iso_lp),
                Reading("cross_liquidation_price", "Cross liquidation price (USDT)", cross_lp),
                _distance_reading("isolated_distance_percent",
                                  "Isolated: price fall to liquidation (%)",
                                  fall_to_liquidation(iso_lp, price, iso_dead)),
                _distance_reading("cross_distance_percent", "Cross: price fall to liquidation (%)",
                                  fall_to_liquidation(cross_lp, price, cross_dead)),
                Reading("isolated_equity", "Isolated equity now (USDT)", iso_now),
                Reading("cross_equity", "Cross equity now (USDT)", cross_now),
                Reading("isolated_at_risk", "Isolated: wallet at risk (USDT)", isolated.margin),
                Reading("cross_at_risk", "Cross: wallet at risk (USDT)", wallet),
            ],
            status=status, status_kind=kind,
            layout={"yaxis": {"range": y_range}},
        )

    controls = {
        "wallet": slider("Wallet balance (USDT)", 3_000, 500, 10_000, 100),
        "leverage": slider("Leverage (x)", 10, 2, 50, 1, integer=True),
        "move": slider("Price move (%)", 0, -60, 40, 0.5, fmt=".1f"),
    }
    return Explorer(controls, fig, compute)


LIQUIDATED = "liquidated"


def fall_to_liquidation(liquidation, price, liquidated, sign=1):
    """Distance to liquidation as a positive percentage in the adverse direction (a fall for
    a long, ``sign=1``; a rise for a short, ``sign=-1``): how far the price can still move
    against the position. ``"liquidated"`` once it has happened; None when no positive price
    liquidates the position."""
    if liquidated:
        return LIQUIDATED
    if liquidation is None:
        return None
    return _no_negative_zero(100 * sign * (price - liquidation) / price)


def _distance_reading(key, label, value):
    return Reading(key, label, value, "{}" if value == LIQUIDATED else "{:,.2f}")


def _no_negative_zero(value: float, decimals: int = 2) -> float:
    """``value`` with anything that would print as "-0.00" turned into 0.0."""
    return 0.0 if abs(value) < 0.5 * 10 ** -decimals else float(value)


# The lesson 04 portfolio: (name, side, entry price, leverage, beta, maintenance rule).
PORTFOLIO = (
    ("BTC long", "long", 60_000.0, 3, 1.0, {"tiers": BINANCE_BTCUSDT}),
    ("ETH long", "long", 3_000.0, 20, 1.3, {"mmr": 0.005}),
    ("SOL short", "short", 150.0, 5, 1.6, {"mmr": 0.005}),
)
MODES = ("both", "isolated", "cross")
MOVES = ("with betas", "same for all")
SHOCK_LIMIT = 50  # % either way, the shock slider's range
WALLET_RANGE = (1_500, 10_000)  # USDT, the wallet slider
MARGIN_RANGE = (100, 500)  # USDT, the isolated margin slider


def build_portfolio(margin, spec=PORTFOLIO) -> tuple[dict, dict]:
    """The lesson 04 portfolio with ``margin`` (USDT) of isolated margin behind each position.

    Each position's size is ``margin * leverage`` of notional at entry. Returns
    ``(positions, betas)``: dict name -> IsolatedPosition and dict name -> beta.
    """
    positions, betas = {}, {}
    for name, side, entry, leverage, beta, rule in spec:
        position = Position(side, entry, margin * leverage / entry)
        positions[name] = IsolatedPosition(position, leverage, **rule)
        betas[name] = beta
    return positions, betas


def portfolio_shock(spec=PORTFOLIO) -> Explorer:
    """One portfolio, one market shock, isolated and cross side by side.

    Parameters
    ----------
    spec : tuple
        Positions as ``(name, side, entry price, leverage, beta, maintenance rule)``; default
        ``PORTFOLIO`` (BTC long 3x, ETH long 20x, SOL short 5x).

    Controls: ``shock`` (market move, %), ``betas`` ("with betas": each price moves beta times
    the market; "same for all"), ``wallet`` (USDT), ``margin`` (isolated margin per position,
    USDT; also sets each position's size at its leverage) and ``mode`` (which bars to show).
    Figure traces: 0 isolated change per position, 1 cross change per position (left panel;
    last category "rest of the wallet": what a cross liquidation takes on top of the positions'
    own losses, above zero when the positions lost more than the wallet and the insurance fund
    pays the deficit); 2 isolated and 3 cross wallet left, 4 wallet before (right panel).
    Readouts ``isolated_change`` and ``cross_change``: the wallet's gain (+) or loss (−), the
    same sign as the bars.
    """
    names = [row[0] for row in spec]
    categories = [*names, "rest of the wallet"]
    fig = plots.figure(x_title="", y_title="Gain (+) or loss (−) (USDT)", rows=1, cols=2,
                       column_widths=[0.7, 0.3], horizontal_spacing=0.12, height=420,
                       subplot_titles=("What each position did to the account",
                                       "Wallet after the shock"))
    fig.update_layout(barmode="group", hovermode="closest", margin={"t": 90},
                      legend={"y": 1.1})
    for mode in ("isolated", "cross"):
        fig.add_trace(_bars(mode, categories), row=1, col=1)
    for mode in ("isolated", "cross"):
        fig.add_trace(_bars(mode, [mode], showlegend=False), row=1, col=2)
    fig.add_trace(plots.line("wallet before", "entry", width=1.5, x=["isolated", "cross"]),
                  row=1, col=2)
    fig.update_yaxes(title_text="USDT", row=1, col=2)
    # Fixed axes, set once: they cover every control setting (the largest wallet, the largest
    # margin and the largest shock either way), so a slider move updates data only.
    swing = [MARGIN_RANGE[1] * row[3] * max(abs(row[4]), 1.0) * SHOCK_LIMIT / 100
             for row in spec]
    fig.update_yaxes(range=[-1.1 * max(WALLET_RANGE[1], *swing), 1.15 * max(swing)],
                     row=1, col=1)
    fig.update_yaxes(range=[0, 1.1 * (WALLET_RANGE[1] + sum(swing))], row=1, col=2)

    def compute(shock, betas, wallet, margin, mode):
        positions, beta = build_portfolio(margin, spec)
        if betas == "same for all":
            beta = dict.fromkeys(names, 1.0)
        result = compare_shock(wallet, positions, shocked_marks(positions, shock, betas=beta))
        iso, cross = result["isolated"], result["cross"]

        def bars(outcome):
            y = [_no_negative_zero(v) for v in
                 [*(outcome.change[n] for n in names), -outcome.forfeited]]
            dead = [n in outcome.liquidated for n in names] + [outcome.forfeited != 0]
            text = ["liquidated" if d else "" for d in dead]
            if outcome.forfeited < 0:
                # The positions lost more than the whole wallet; the exchange's insurance fund
                # pays the deficit, so this bar is above zero. It is not a gain: the bars still
                # add up to minus the whole wallet.
                text[-1] = "insurance fund pays: not a gain"
            return {"y": y, "text": text,
                    "marker.pattern.shape": ["x" if d else "" for d in dead]}

        shown = {"isolated": mode in ("both", "isolated"), "cross": mode in ("both", "cross")}
        traces = {
            0: {**bars(iso), "visible": shown["isolated"]},
            1: {**bars(cross), "visible": shown["cross"]},
            2: {"y": [iso.wallet_left], "visible": shown["isolated"],
                "text": [f"{iso.wallet_left:,.0f}"]},
            3: {"y": [cross.wallet_left], "visible": shown["cross"],
                "text": ["liquidated" if cross.liquidated else f"{cross.wallet_left:,.0f}"]},
            4: {"y": [wallet, wallet]},
        }
        if cross.liquidated:
            status = (f"Cross: the margin ratio reached 100 %. An account this small is "
                      f"usually closed in full: all {len(names)} positions, healthy ones too, "
                      f"and the whole wallet is gone. Isolated: "
                      f"{_names(iso.liquidated)} liquidated, {iso.wallet_left:,.0f} USDT left.")
            kind = "danger"
        elif iso.liquidated:
            whose = "its margin" if len(iso.liquidated) == 1 else "their margins"
            status = (f"Isolated: {_names(iso.liquidated)} liquidated, {whose} lost. Cross: "
                      f"nothing liquidated: the one wallet carries every position's gain and "
                      f"loss together.")
            kind = "warning"
        else:
            status, kind = "No position is liquidated in either mode.", "ok"
        return Frame(
            traces=traces,
            readings=[
                Reading("isolated_change", "Isolated: gain (+) or loss (−) (USDT)",
                        _no_negative_zero(-iso.loss)),
                Reading("cross_change", "Cross: gain (+) or loss (−) (USDT)",
                        _no_negative_zero(-cross.loss)),
                Reading("isolated_liquidated", "Isolated: liquidated", _names(iso.liquidated),
                        "{}"),
                Reading("cross_liquidated", "Cross: liquidated", _names(cross.liquidated), "{}"),
                Reading("isolated_wallet_left", "Isolated: wallet left (USDT)", iso.wallet_left),
                Reading("cross_wallet_left", "Cross: wallet left (USDT)", cross.wallet_left),
            ],
            status=status, status_kind=kind,
        )

    controls = {
        "shock": slider("Market move (%)", 0, -SHOCK_LIMIT, SHOCK_LIMIT, 1),
        "betas": toggle("Price moves", MOVES),
        "wallet": slider("Wallet balance (USDT)", 3_000, *WALLET_RANGE, 100),
        "margin": slider("Margin per position, both modes (USDT)", 500, *MARGIN_RANGE, 10),
        "mode": toggle("Show", MODES),
    }
    return Explorer(controls, fig, compute)


def _bars(mode, categories, *, showlegend=True):
    import plotly.graph_objects as go

    return go.Bar(name=mode, x=categories, y=[0.0] * len(categories), legendgroup=mode,
                  showlegend=showlegend, marker={"color": plots.COLORS[mode]},
                  text=[""] * len(categories), textposition="outside", cliponaxis=False)


def _names(names) -> str:
    return ", ".join(names) if names else "none"
