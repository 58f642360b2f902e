"""Lesson 06: size a position from the capital at risk and the stop distance; leverage only
decides the margin tied up and where the liquidation price sits, before or beyond the stop."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .. import plots
from .._contracts import SIDES, Position
from .._risk import position_size
from .._tiers import BINANCE_BTCUSDT, MarginTiers
from ._base import Explorer, Frame, Reading, slider, toggle

CAPITAL_RANGE = (1_000, 50_000)  # USDT, the capital slider
X_RANGE = (-25.0, 25.0)  # price move from entry (%), the fixed x axis: covers the widest stop
Y_RANGE = (-2.5, 4.0)  # trade result in R (multiples of the planned loss), the fixed y axis
TIGHT_BUFFER = 1.0  # percent of entry: less room than this between stop and liquidation warns


def _outcome_curve(prices, side, entry_price, quantity, stop, liquidation, margin, risk):
    """What the trade has made or lost when the price has gone straight to ``prices``.

    On the profitable side: the PnL. On the losing side the first of stop and liquidation
    closes the position: beyond the stop the loss stays the risk amount; beyond a liquidation
    price that comes first the loss is the whole isolated margin. The closing price is
    inserted twice so that the step is vertical.
    """
    sign = 1 if side == "long" else -1
    stop_first = liquidation is None or sign * (stop - liquidation) > 0
    exit_price, exit_loss = (stop, risk) if stop_first else (liquidation, margin)
    pnl = sign * quantity * (prices - entry_price)
    beyond = sign * (prices - exit_price) < 0
    y = np.where(beyond, -exit_loss, pnl)
    cut = np.searchsorted(prices, exit_price)
    at_exit = sign * quantity * (exit_price - entry_price)
    pair = [at_exit, -exit_loss] if side == "short" else [-exit_loss, at_exit]
    x = np.insert(prices, cut, [exit_price, exit_price])
    y = np.insert(y, cut, pair)
    return x, y


LARGE_MARGIN_SHARE = 0.5  # margin above half the capital earns a warning


def stop_and_size(capital: float = 10_000, entry_price: float = 60_000,
                  tiers: MarginTiers = BINANCE_BTCUSDT) -> Explorer:
    """Fixed-fractional position sizing with a stop, and where the liquidation price sits.

    Parameters
    ----------
    capital : float
        Starting value of the capital slider (USDT), within ``CAPITAL_RANGE``.
    entry_price : float
        BTC price at entry (USDT), > 0.
    tiers : MarginTiers
        Maintenance margin brackets (default: Binance BTCUSDT).

    Returns
    -------
    Explorer
        Controls ``capital`` (USDT), ``risk`` (% of capital lost at the stop), ``stop`` (stop
        distance, % of entry), ``leverage`` (x) and ``side``. The figure shows, against the
        price move from entry (%), what the trade has made or lost if the price goes straight
        there (the first of stop and liquidation closes it), in R: multiples of the planned
        loss (the risk amount), so -1 is the loss at the stop. Traces: 0 the liquidated zone,
        1 the outcome curve, 2 entry and the planned loss (-1 R; static), 3 stop,
        4 liquidation price, 5 where the trade ends (a marker at the stop, or a red cross at
        the liquidation price, at minus the margin in R), 6 a note when the liquidation price
        lies off the chart.
        Readout keys: ``quantity``, ``notional``, ``margin``, ``margin_percent``,
        ``loss_at_stop``, ``stop_price``, ``liquidation_price``, ``room_percent``.

    Notes
    -----
    All numbers come from ``position_size`` (fixed-fractional sizing, quantity = capital x
    risk / |entry - stop|; the isolated liquidation price from Binance's formula). Both axes
    are fixed (``X_RANGE``, ``Y_RANGE``; they cover every stop distance): a slider move
    updates trace data only. In R the picture does not depend on capital or risk; their
    effect is in the readout, in USDT. Fees and slippage are left out of the figure.
    """
    probe = Position("long", entry_price, 1.0)  # validates entry_price
    entry_price = probe.entry_price
    low, high = CAPITAL_RANGE
    if not low <= capital <= high:
        raise ValueError(f"capital must be in [{low:,}, {high:,}] USDT, got {capital!r}")

    fig = plots.figure(x_title="Price move from entry (%)",
                       y_title="Trade result (R: multiples of the planned loss)",
                       title=f"Position sized from the risk, entry {entry_price:,.0f} USDT",
                       height=plots.HEIGHT + 40)
    fig.add_trace(plots.line("liquidated", "liquidation", dash="solid", width=0, x=[], y=[],
                             fill="toself", fillcolor=plots.COLORS["danger_zone"],
                             hoverinfo="skip"))
    fig.add_trace(plots.line("trade result (closed at the stop or liquidation)", "equity",
                             dash="solid",
                             hovertemplate="move %{x:+.2f} %: %{y:+.2f} R<extra></extra>"))
    # Entry (x = 0) and the planned loss (-1 R) never move: one static trace.
    fig.add_trace(plots.line("entry / planned loss (−1 R)", "neutral", dash="dot", width=1.5,
                             x=[0, 0, None, *X_RANGE], y=[*Y_RANGE, None, -1, -1],
                             hoverinfo="skip"))
    fig.add_trace(plots.line("stop", "maintenance", dash="solid", width=2, hoverinfo="skip"))
    fig.add_trace(plots.line("liquidation price", "liquidation", width=2, hoverinfo="skip"))
    fig.add_trace(plots.marker("where the trade ends", "maintenance", size=13,
                               showlegend=False))
    fig.add_trace(_note())
    fig.update_xaxes(range=list(X_RANGE))
    fig.update_yaxes(range=list(Y_RANGE))
    fig.update_layout(margin={"t": 95}, title={"y": 0.97})
    grid = np.linspace(*X_RANGE, 201)

    def moved(price):
        """A price as its move from entry (%)."""
        return 100 * (np.asarray(price, dtype=float) / entry_price - 1)

    def compute(capital, risk, stop, leverage, side):
        sign = 1 if side == "long" else -1
        stop_price = entry_price * (1 - sign * stop / 100)
        quantity = capital * risk / 100 / abs(entry_price - stop_price)
        allowed = tiers.tier_for(quantity * entry_price).max_leverage
        used = min(leverage, allowed)
        sizing = position_size(capital, risk / 100, entry_price, stop_price, side=side,
                               leverage=used, tiers=tiers)
        liquidation = sizing.liquidation_price
        one_r = sizing.risk_amount
        prices = entry_price * (1 + grid / 100)
        x, y = _outcome_curve(prices, side, entry_price, sizing.quantity, stop_price,
                              liquidation, sizing.margin, one_r)
        x, y = moved(x), y / one_r
        liquidation_move = None if liquidation is None else float(moved(liquidation))
        on_chart = liquidation_move is not None and X_RANGE[0] <= liquidation_move <= X_RANGE[1]
        room = None if liquidation is None else sign * (stop_price - liquidation) / \
            entry_price * 100

        if sizing.stop_before_liquidation:
            end = {"x": [-sign * stop], "y": [-1.0],
                   "marker": {"color": plots.COLORS["maintenance"], "symbol": "circle"}}
        else:
            end = {"x": [liquidation_move], "y": [-sizing.margin / one_r],
                   "marker": {"color": plots.COLORS["liquidation"], "symbol": "x"}}
        if liquidation is None:
            note = "no liquidation price: a 1x long cannot be liquidated"
        elif on_chart:
            note = ""
        else:
            note = f"liquidation price {liquidation:,.0f}: off the chart"
        edge = X_RANGE[1] if side == "short" else X_RANGE[0]
        if not on_chart and liquidation_move is not None:
            edge = X_RANGE[1] if liquidation_move > X_RANGE[1] else X_RANGE[0]
        note_trace = {"x": [edge], "y": [0.6 * Y_RANGE[0]], "text": [note],
                      "textposition": "middle left" if edge == X_RANGE[1] else "middle right"}

        if not sizing.stop_before_liquidation:
            move = 100 * abs(liquidation / entry_price - 1)
            status = (f"STOP NEVER FIRES: the liquidation price {liquidation:,.2f} comes before "
                      f"the stop {stop_price:,.2f}. A {move:.2f} % move liquidates the position "
                      f"and takes its whole margin ({sizing.margin:,.2f} USDT) before the stop "
                      f"is reached. Lower the leverage: the loss at the stop stays "
                      f"{sizing.risk_amount:,.2f} USDT.")
            kind = "danger"
        elif not sizing.fits_in_capital:
            status = (f"The margin ({sizing.margin:,.2f} USDT) is more than the capital "
                      f"({capital:,.0f} USDT): the exchange would not open this position. "
                      f"Raise the leverage (the loss at the stop does not change) or widen "
                      f"the stop.")
            kind = "warning"
        elif used < leverage:
            status = (f"The exchange allows at most {allowed:g}x for a notional of "
                      f"{sizing.notional:,.0f} USDT: the numbers are shown at {used:g}x.")
            kind = "warning"
        elif room is not None and room < TIGHT_BUFFER:
            status = (f"The stop fires first, but only just: liquidation is {room:.2f} % of "
                      f"the price beyond it. A gap or slippage past the stop could reach it.")
            kind = "warning"
        else:
            status = (f"The stop fires first: a {stop:g} % move closes the trade for a loss of "
                      f"{sizing.risk_amount:,.2f} USDT ({risk:g} % of capital).")
            kind = "ok"
            share = sizing.margin / capital
            if share > LARGE_MARGIN_SHARE:
                status += (f" But the margin ties up {100 * share:.0f} % of the capital: little "
                           "is left for other trades, and a gap past the stop could take all of "
                           "it. Raise the leverage a little or size down.")
                kind = "warning"

        zone_x, zone_y = plots.liquidated_zone(side, liquidation_move, X_RANGE, Y_RANGE)
        return Frame(
            traces={
                0: {"x": zone_x, "y": zone_y},
                1: {"x": x, "y": y},
                3: dict(zip("xy", plots.vertical(-sign * stop, Y_RANGE))),
                4: dict(zip("xy", plots.vertical(liquidation_move if on_chart else None,
                                                 Y_RANGE))),
                5: end,
                6: note_trace,
            },
            readings=[
                Reading("quantity", "Position size (BTC)", sizing.quantity, "{:,.5f}"),
                Reading("notional", "Notional (USDT)", sizing.notional),
                Reading("margin", "Margin tied up (USDT)", sizing.margin),
                Reading("margin_percent", "Margin, % of capital", 100 * sizing.margin / capital),
                Reading("loss_at_stop", "Loss at the stop (USDT)", sizing.risk_amount),
                Reading("stop_price", "Stop price (USDT)", stop_price),
                Reading("liquidation_price", "Liquidation price (USDT)", liquidation),
                Reading("room_percent", "Liquidation beyond the stop by (% of entry)", room),
            ],
            status=status, status_kind=kind,
        )

    controls = {
        "capital": slider("Capital (USDT)", capital, low, high, 500),
        "risk": slider("Risk per trade (% of capital)", 1.0, 0.25, 5.0, 0.25, fmt=".2f"),
        "stop": slider("Stop distance (% from entry)", 2.0, 0.5, 20.0, 0.25, fmt=".2f"),
        "leverage": slider("Leverage (x)", 10, 1, 100, 1, integer=True),
        "side": toggle("Side", list(SIDES)),
    }
    return Explorer(controls, fig, compute)


def _note():
    """An empty text trace for a note drawn in data coordinates (updated with the data)."""
    return go.Scatter(name="note", mode="text", x=[None], y=[None], text=[""],
                      textfont={"color": plots.COLORS["liquidation"]}, showlegend=False,
                      hoverinfo="skip")
