"""Trading fees: what closing a position (by hand at market, or by liquidation) costs."""

from __future__ import annotations

from . import _checks
from ._contracts import Position

BINANCE_USDM_TAKER_RATE = 0.0005
"""Binance USDⓈ-M futures taker fee rate of a regular (VIP 0) user: 0.0500 %.

Source: Binance, "Binance Futures Fee Structure & Fee Calculations" (fee schedule checked in
2024): regular users pay 0.0200 % maker and 0.0500 % taker on USDⓈ-M futures. Rates vary by
venue, contract, VIP level and discounts (e.g. paying fees in BNB); check the current schedule.
"""

BYBIT_TAKER_RATE = 0.00055
"""Bybit derivatives taker fee rate of a regular (non-VIP) user: 0.0550 %.

Source: Bybit, "Trading Fee Structure" (non-VIP perpetual and futures: 0.0200 % maker,
0.0550 % taker; checked 2024-2026), the rate used in Bybit's own worked example of
"Liquidation Price Calculation under Isolated Mode (Unified Trading Account)".
"""

OKX_SWAP_TAKER_RATE = 0.0005
"""OKX perpetual/expiry futures taker fee rate of a regular (Lv1) user: 0.050 %.

Source: OKX, "Fees" page, "Futures and Perp" tab, regular users Lv1 (0.020 % maker, 0.050 %
taker; checked 2024-2025).
"""

GATE_FUTURES_TAKER_RATE = 0.0005
"""Gate perpetual futures taker fee rate of a VIP 0 user: 0.050 %.

Source: Gate, "Fee Rate Overview" / "Futures Trading Fee Calculation" (VIP 0 futures 0.020 %
maker, 0.050 % taker, as checked in 2024). Gate has revised its futures schedule since (a 2025
Gate blog post quotes 0.065 % taker for standard users): check the current page and pass
``taker_fee_rate=``.
"""

TAKER_RATES = {"binance": BINANCE_USDM_TAKER_RATE, "bybit": BYBIT_TAKER_RATE,
               "bybit_classic": BYBIT_TAKER_RATE, "okx": OKX_SWAP_TAKER_RATE,
               "gate": GATE_FUTURES_TAKER_RATE}
"""Default taker fee rate of a regular user on each exchange of ``EXCHANGES``."""


def taker_fee(position: Position, price=None, *, rate=BINANCE_USDM_TAKER_RATE):
    """Fee paid to close ``position`` at market (as a taker) at ``price``.

    Parameters
    ----------
    position : Position
    price : float or numpy.ndarray, optional
        Price at which the position is closed (quote currency per base asset); default: entry.
    rate : float
        Taker fee rate, a fraction in [0, 0.01] (0.0005 means 0.05 %); default Binance's
        regular USDⓈ-M rate ``BINANCE_USDM_TAKER_RATE``.

    Returns
    -------
    float or numpy.ndarray
        Quote currency for linear contracts (USDT), coin for inverse contracts.

    Raises
    ------
    ValueError
        When ``position`` is not a Position, ``price`` is not > 0, or ``rate`` is out of range.

    Notes
    -----
    Binance, "Binance Futures Fee Structure & Fee Calculations": fee = notional value x fee
    rate, the notional being taken at the trade price (``Position.notional``). A market close or
    a stop-market order is a taker trade. A liquidation is a forced close and is charged too
    (Binance, for one, charges a liquidation fee that goes to its insurance fund); the taker fee
    is a first estimate of what closing costs, not the exact liquidation fee of any venue.
    """
    if not isinstance(position, Position):
        raise ValueError(f"position must be a Position, got {type(position).__name__}")
    rate = _checks.in_range("rate", rate, 0, 0.01)
    return position.notional(price) * rate
