"""Lesson 00: a first slider, leverage against the distance to liquidation."""

from __future__ import annotations

import numpy as np

from .. import plots
from .._contracts import Position
from .._margin import initial_margin, liquidation_move_percent, liquidation_price
from .._tiers import BINANCE_BTCUSDT
from ._base import Explorer, Frame, Reading, slider


def leverage_distance(entry_price: float = 60_000, quantity: float = 0.1,
                      max_leverage: int = 125) -> Explorer:
    """How far the price can fall before an isolated long is liquidated, by leverage.

    Parameters
    ----------
    entry_price : float
        BTC price at entry (USDT).
    quantity : float
        Position size (BTC); margin is ``entry_price * quantity / leverage``.
    max_leverage : int
        Right end of the slider (at most the bracket's maximum for this notional).

    The maintenance margin follows ``BINANCE_BTCUSDT``. Controls: ``leverage``.
    """
    position = Position("long", entry_price, quantity)

    def move_at(leverage):
        margin = initial_margin(position, leverage, tiers=BINANCE_BTCUSDT)
        move = liquidation_move_percent(position, margin, tiers=BINANCE_BTCUSDT)
        return margin, move

    grid = np.arange(1, max_leverage + 1)
    # Falls are shown as positive percentages. A 1x long cannot be liquidated: the curve starts
    # at 100 % (the price would have to fall to zero).
    curve = np.array([_fall(move_at(lev)[1]) for lev in grid])

    fig = plots.figure(x_title="Leverage (x)", y_title="Price fall that liquidates (%)",
                       title=f"Long {quantity:g} BTC at {entry_price:,.0f} USDT, isolated")
    fig.add_trace(plots.line("distance to liquidation", "liquidation", dash="solid", x=grid,
                             y=curve, hovertemplate="%{x}x: %{y:.2f} %<extra></extra>"))
    fig.add_trace(plots.marker("your leverage", "isolated", x=[1], y=[100.0]))
    fig.update_yaxes(range=[0, 101])
    fig.update_xaxes(range=[0, max_leverage + 2])

    def compute(leverage):
        margin, move = move_at(leverage)
        price = liquidation_price(position, margin, tiers=BINANCE_BTCUSDT)
        status = ("At 1x a long is never liquidated: the price would have to reach zero."
                  if move is None else
                  f"A {-move:.2f} % fall from {entry_price:,.0f} liquidates this position.")
        return Frame(
            traces={1: {"x": [leverage], "y": [_fall(move)]}},
            readings=[
                Reading("margin", "Margin (USDT)", margin),
                Reading("liquidation_price", "Liquidation price (USDT)", price),
                Reading("distance_percent", "Price fall to liquidation (%)",
                        None if move is None else _fall(move)),
            ],
            status=status, status_kind="ok" if leverage <= 5 else "warning"
            if leverage <= 20 else "danger",
        )

    controls = {"leverage": slider("Leverage (x)", 1, 1, max_leverage, 1, integer=True)}
    return Explorer(controls, fig, compute)


def _fall(move_percent):
    """A price move to liquidation (negative for a long) as a positive fall in percent; 100 %
    (the price at zero) when no positive price liquidates."""
    return 100.0 if move_percent is None else -move_percent
