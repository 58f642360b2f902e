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
MIN_HALF_WIDTH = 5.0  # percent: the price axis spans at least entry * (1 +- 5 %)
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
        price, what the trade has made or lost if the price goes straight there (the first of
        stop and liquidation closes it). Traces: 0 the liquidated zone, 1 the outcome curve,
        2 the planned loss (a horizontal line at minus the risk amount), 3 entry, 4 stop,
        5 liquidation price, 6 where the trade ends (a marker at the stop, or a red cross at
        the liquidation price), 7 a note when the liquidation price lies off the chart.
        Readout keys: ``quantity``, ``notional``, ``margin``, ``margin_percent``,
        ``loss_at_stop``, ``stop_price``, ``liquidation_price``, ``room_percent``.

    Notes
    -----
    All numbers come from ``position_size`` (fixed-fractional sizing, quantity = capital x
    risk / |entry - stop|; the isolated liquidation price from Binance's formula). The price
    axis spans the entry +- max(5 %, 2.5 x the stop distance), so it changes with the stop
    only: moving the leverage moves the liquidation line, not the axes. The y axis is set by
    the risk amount. Fees and slippage are left out of the figure.
    """
    probe = Position("long", entry_price, 1.0)  # validates entry_price
    entry_price = probe.entry_price
    low, high = CAPITAL_RANGE
    if not low <= capital <= high:
        raise ValueError(f"capital must be in [{low:,}, {high:,}] USDT, got {capital!r}")

    fig = plots.figure(x_title="BTC price (USDT)",
                       y_title="Trade result if the price goes there (USDT)",
                       title=f"Position sized from the risk, entry {entry_price:,.0f} USDT",
                       height=plots.HEIGHT + 40)
    fig.add_trace(plots.line("liquidated", "liquidation", dash="solid", width=0, x=[], y=[],
                             fill="toself", fillcolor=plots.COLORS["danger_zone"],
                             hoverinfo="skip"))
    fig.add_trace(plots.line("trade result (closed at the stop or liquidation)", "equity",
                             dash="solid",
                             hovertemplate="price %{x:,.0f}: %{y:+,.2f} USDT<extra></extra>"))
    fig.add_trace(plots.line("planned loss (risk amount)", "neutral", dash="dot", width=1.5,
                             hoverinfo="skip"))
    fig.add_trace(plots.line("entry", "entry", width=1.5, hoverinfo="skip"))
    fig.add_trace(plots.line("stop", "maintenance", dash="solid", width=2, hoverinfo="skip"))
    fig.add_trace(plots.line("liquidation price", "liquidation", width=2, hoverinfo="skip"))
    fig.add_trace(plots.marker("where the trade ends", "maintenance", size=13,
                               showlegend=False))
    fig.add_trace(_note())
    fig.update_layout(margin={"t": 95}, title={"y": 0.97})

    def compute(capital, risk, stop, leverage, side):
        sign = 1 if side == "long" else -1
        stop_price = entry_price * (1 - sign * stop / 100)
        quantity = capital * risk / 100 / abs(entry_price - stop_price)
        allowed = tiers.tier_for(quantity * entry_price).max_leverage
        used = min(leverage, allowed)
        sizing = position_size(capital, risk / 100, entry_price, stop_price, side=side,
                               leverage=used, tiers=tiers)
        liquidation = sizing.liquidation_price
        half = max(MIN_HALF_WIDTH, 2.5 * stop) / 100
        x_range = [entry_price * (1 - half), entry_price * (1 + half)]
        y_range = [-1.6 * max(sizing.risk_amount, sizing.margin if not
                              sizing.stop_before_liquidation else 0.0),
                   3.2 * sizing.risk_amount]
        prices = np.linspace(*x_range, 301)
        x, y = _outcome_curve(prices, side, entry_price, sizing.quantity, stop_price,
                              liquidation, sizing.margin, sizing.risk_amount)
        on_chart = liquidation is not None and x_range[0] <= liquidation <= x_range[1]
        room = None if liquidation is None else sign * (stop_price - liquidation) / \
            entry_price * 100

        if sizing.stop_before_liquidation:
            end = {"x": [stop_price], "y": [-sizing.risk_amount],
                   "marker": {"color": plots.COLORS["maintenance"], "symbol": "circle"}}
        else:
            end = {"x": [liquidation], "y": [-sizing.margin],
                   "marker": {"color": plots.COLORS["liquidation"], "symbol": "x"}}
        if liquidation is None:
            note = "no liquidation price: a 1x long cannot be liquidated"
        elif on_chart:
            note = ""
        else:
            note = f"liquidation price {liquidation:,.0f}: off the chart"
        edge = x_range[1] if side == "short" else x_range[0]
        if not on_chart and liquidation is not None:
            edge = x_range[1] if liquidation > x_range[1] else x_range[0]
        note_trace = {"x": [edge], "y": [0.45 * y_range[0]], "text": [note],
                      "textposition": "middle left" if edge == x_range[1] else "middle right"}

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

        zone_x, zone_y = _zone(side, liquidation, x_range, y_range)
        return Frame(
            traces={
                0: {"x": zone_x, "y": zone_y},
                1: {"x": x, "y": y},
                2: {"x": x_range, "y": [-sizing.risk_amount] * 2},
                3: dict(zip("xy", plots.vertical(entry_price, y_range))),
                4: dict(zip("xy", plots.vertical(stop_price, y_range))),
                5: dict(zip("xy", plots.vertical(liquidation if on_chart else None, y_range))),
                6: end,
                7: note_trace,
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
            layout={"xaxis": {"range": x_range}, "yaxis": {"range": y_range}},
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


def _zone(side, liquidation, x_range, y_range):
    """Polygon over the prices beyond ``liquidation`` (below it for a long, above for a short),
    clipped to the chart."""
    if liquidation is None:
        return [], []
    low, high = x_range
    edge = min(max(liquidation, low), high)
    left, right = (low, edge) if side == "long" else (edge, high)
    bottom, top = y_range
    return [left, right, right, left, left], [bottom, bottom, top, top, bottom]
