"""Funding: the periodic payment between longs and shorts that keeps a perpetual's price near
the coin's price."""

from __future__ import annotations

from . import _checks
from ._contracts import Position


def funding_payment(position: Position, mark_price, rate):
    """What ``position`` receives at one funding time (negative: what it pays).

    Parameters
    ----------
    position : Position
    mark_price : float or numpy.ndarray
        Mark price at the funding time, quote currency per base asset, > 0.
    rate : float
        The funding rate of that interval, a fraction in [-0.01, 0.01] (0.0001 = 0.01 %).

    Returns
    -------
    float or numpy.ndarray
        Settlement currency: quote currency (USDT) for linear contracts, coin for inverse.
        ``-s * notional(mark) * rate``: with a positive rate longs pay and shorts receive.

    Notes
    -----
    Binance, "Introduction to Binance Futures Funding Rates": funding amount = nominal value of
    the position x funding rate, the nominal value taken at the mark price; when the rate is
    positive, longs pay shorts, when negative, shorts pay longs; only positions open at the
    funding time pay or receive it (every 8 hours for BTCUSDT, at 00:00, 08:00 and 16:00 UTC;
    other contracts may settle every 4 hours, and the exchange can change an interval).
    """
    if not isinstance(position, Position):
        raise ValueError(f"position must be a Position, got {type(position).__name__}")
    rate = _checks.in_range("rate", rate, -0.01, 0.01)
    return -position.sign * position.notional(mark_price) * rate
