"""Appendix A1: a coin-margined (inverse) position next to its USDT-margined (linear) twin."""

from __future__ import annotations

import numpy as np

from .. import plots
from .._contracts import Position
from .._margin import initial_margin, liquidation_price
from ._base import Explorer, Frame, Reading, slider, toggle


def twins(side: str, entry_price: float, usd_notional: float, leverage: float):
    """The same USD exposure as a linear position (margin in USDT) and an inverse one (margin
    in BTC), each with its initial margin at ``leverage``.

    Returns ``(linear, linear_margin, inverse, inverse_margin)``.
    """
    linear = Position(side, entry_price, usd_notional / entry_price)
    inverse = Position(side, entry_price, usd_notional, contract="inverse")
    return (linear, initial_margin(linear, leverage), inverse, initial_margin(inverse, leverage))


def inverse_vs_linear(entry_price: float = 60_000, usd_notional: float = 6_000,
                      mmr: float = 0.005) -> Explorer:
    """Equity in USD against the BTC price for a linear and an inverse twin.

    Parameters
    ----------
    entry_price : float
        BTC price at entry (USD; USDT is treated as USD).
    usd_notional : float
        Position size in USD for both twins.
    mmr : float
        One flat maintenance margin rate for both, so that only the contract type differs.

    Controls: ``side``, ``leverage`` (x), ``price_move`` (% from entry). The inverse twin's
    equity in USD is (margin + PnL, both in BTC) x price: its collateral moves with the price too.
    """
    prices = np.linspace(0.2 * entry_price, 2.0 * entry_price, 400)
    y_range = (-0.2 * usd_notional, 3.2 * usd_notional)
    fig = plots.figure(x_title="BTC price (USD)", y_title="Equity (USD)", height=420,
                       title=f"{usd_notional:,.0f} USD of BTC exposure: linear vs inverse")
    fig.add_trace(plots.line("linear (USDT margin)", "isolated", x=prices, y=prices * 0))
    fig.add_trace(plots.line("inverse (BTC margin)", "cross", x=prices, y=prices * 0))
    fig.add_trace(plots.line("linear liquidation", "isolated", dash="dash", width=1.5,
                             x=[None, None], y=[None, None]))
    fig.add_trace(plots.line("inverse liquidation", "cross", dash="dash", width=1.5,
                             x=[None, None], y=[None, None]))
    fig.add_trace(plots.marker("now (linear)", "isolated", x=[entry_price], y=[0]))
    fig.add_trace(plots.marker("now (inverse)", "cross", symbol="diamond", x=[entry_price],
                               y=[0]))
    fig.update_xaxes(range=[prices[0], prices[-1]])
    fig.update_yaxes(range=list(y_range))

    def compute(side, leverage, price_move):
        linear, linear_margin, inverse, inverse_margin = twins(side, entry_price, usd_notional,
                                                               leverage)
        price = entry_price * (1 + price_move / 100)
        linear_lp = liquidation_price(linear, linear_margin, mmr=mmr)
        inverse_lp = liquidation_price(inverse, inverse_margin, mmr=mmr)
        linear_equity = _alive(linear_margin + linear.pnl(prices), prices, linear.sign, linear_lp)
        inverse_equity = _alive((inverse_margin + inverse.pnl(prices)) * prices, prices,
                                inverse.sign, inverse_lp)
        dead = [name for name, lp, sign in (("linear", linear_lp, linear.sign),
                                            ("inverse", inverse_lp, inverse.sign))
                if lp is not None and sign * (price - lp) <= 0]
        # Once liquidated, an isolated position's margin is gone: equity 0.
        now_linear = 0.0 if "linear" in dead else linear_margin + linear.pnl(price)
        now_inverse = (0.0 if "inverse" in dead
                       else (inverse_margin + inverse.pnl(price)) * price)
        if len(dead) == 2:
            status = ("Both twins are liquidated at this price: each has lost its whole margin "
                      "(equity 0).")
        elif dead:
            status = (f"The {dead[0]} twin is liquidated at this price: its whole margin is lost "
                      f"(equity 0). The {'inverse' if dead[0] == 'linear' else 'linear'} twin "
                      "is still open.")
        elif inverse_lp is None:
            status = ("The inverse short is never liquidated at 1x: its BTC margin exactly "
                      "hedges it.")
        else:
            status = "Both twins are alive at this price."
        return Frame(
            traces={0: {"y": linear_equity}, 1: {"y": inverse_equity},
                    2: _line(linear_lp, y_range), 3: _line(inverse_lp, y_range),
                    4: {"x": [price], "y": [now_linear]}, 5: {"x": [price], "y": [now_inverse]}},
            readings=[
                Reading("linear_liquidation_price", "Linear liquidation price (USD)", linear_lp),
                Reading("inverse_liquidation_price", "Inverse liquidation price (USD)",
                        inverse_lp),
                Reading("linear_equity_usd", "Linear equity now (USD)", now_linear),
                Reading("inverse_equity_usd", "Inverse equity now (USD)", now_inverse),
                Reading("inverse_margin_btc", "Inverse margin (BTC)", inverse_margin,
                        "{:,.6f}"),
            ],
            status=status, status_kind="danger" if dead else "ok")

    controls = {
        "side": toggle("Side", ["long", "short"]),
        "leverage": slider("Leverage (x)", 1, 1, 20, 1, integer=True),
        "price_move": slider("Price move (%)", 0, -80, 100, 1),
    }
    return Explorer(controls, fig, compute)


def _alive(equity, prices, sign, liquidation):
    """Equity curve that stops (NaN, a gap in the plot) beyond the liquidation price."""
    if liquidation is None:
        return equity
    return np.where(sign * (prices - liquidation) > 0, equity, np.nan)


def _line(x, y_range):
    xs, ys = plots.vertical(x, y_range)
    return {"x": xs, "y": ys}
