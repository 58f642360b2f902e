"""Bybit's classic-account isolated rule for USDT and inverse contracts (no fee in the price)."""

from __future__ import annotations

from .. import _margin
from .._contracts import Position
from .._tiers import MarginTiers
from . import bybit
from ._common import MarginQuote, positive_or_none, rate_at_entry


def liquidation_price(position: Position, initial: float, maintenance: float,
                      extra_margin: float) -> float | None:
    """Bybit classic isolated liquidation price, maintenance margin fixed at entry.

    Linear: ``LP = EP - s*(IM - MM)/Q - s*A/Q``; inverse: ``LP = Q / (Q/EP + s*(IM - MM + A))``
    with ``Q/EP`` the position value in coin. ``s`` +1 long, -1 short; None when no positive
    price liquidates.

    Notes
    -----
    Bybit, "Liquidation Price (USDT Contract)", isolated margin mode: "Liquidation Price (Long)
    = Entry Price - [(Initial Margin - Maintenance Margin)/Position Size] - (Extra Margin
    Added/Position Size)" (short: the signs flipped), MM = Position Value x MMR - MM Deduction,
    position value at entry. Inverse: Bybit, "Liquidation Price Calculation under Isolated Mode
    (Unified Trading Account)" as published until 2024 (inverse section): "LP = Contract
    Quantity / [Position Value ± (Initial Margin - Maintenance Margin)]"; the page's extra
    margin term is printed as a price (A/Q) though A is in coin, so here A enters where the
    condition equity = MM puts it, beside IM - MM.
    """
    s, q, entry = position.sign, position.quantity, position.entry_price
    cushion = initial - maintenance + extra_margin
    if position.is_inverse:
        denominator = q / entry + s * cushion
        return positive_or_none(q / denominator) if denominator > 0 else None
    return positive_or_none(entry - s * cushion / q)


def quote(position: Position, leverage: float, *, extra_margin: float,
          tiers: MarginTiers | None, mmr, maintenance_amount: float,
          taker_fee_rate: float) -> MarginQuote:
    """Bybit classic isolated margin: IM = value/leverage, MM on the value at entry.

    Arguments and units as in ``isolated_quote``, already checked there; ``tiers``: risk-limit
    tiers: the tier of the position value at entry.

    Notes
    -----
    Bybit, "Liquidation Price (USDT Contract)"; its example: long 1 BTC at 20,000 USDT, 50x,
    MMR 0.5 % -> IM 400, MM 100, LP 19,700. Bankruptcy price: Bybit, "Bankruptcy Price (USDT
    Contract)", ``EP x (1 - 1/Leverage)`` for a long without extra margin (19,600 there); with
    extra margin, the price where margin + PnL = 0. The page notes that fees to close make
    the real price differ slightly; ``fee_to_close`` is Bybit's "Order Cost (USDT Contract)"
    closing fee, position size x bankruptcy price x taker rate (``bybit.fee_to_close``).
    """
    rate = rate_at_entry(position, leverage, tiers, mmr, maintenance_amount)
    notional = position.notional()
    initial = notional / leverage
    maintenance = notional * rate.mmr - rate.deduction
    return MarginQuote(
        initial_margin=initial,
        maintenance_margin=maintenance,
        fee_to_close=bybit.fee_to_close(position, leverage, taker_fee_rate),
        liquidation_price=liquidation_price(position, initial, maintenance, extra_margin),
        bankruptcy_price=_margin.bankruptcy_price(position, initial + extra_margin),
    )
