"""Bybit's isolated margin rule of the Unified Trading Account (UTA), with the fee to close."""

from __future__ import annotations

from .._contracts import Position
from .._tiers import MarginTiers
from ._common import MarginQuote, positive_or_none, rate_at_entry


def fee_to_close(position: Position, leverage: float, taker_fee_rate: float) -> float:
    """Bybit's estimated fee to close: the position's value at the bankruptcy price x taker.

    Linear: ``Q * EP * (1 - s/L) * c`` (USDT); inverse: ``Q / EP * (1 + s/L) * c`` (coin),
    ``s`` +1 long, -1 short, ``c`` the taker fee rate.

    Notes
    -----
    Bybit, "Liquidation Price Calculation under Isolated Mode (Unified Trading Account)":
    "Estimated Fee to Close Position = Position Size / Avg Entry Price x (1 ± 1/Leverage) x Taker
    Fee Rate" (inverse), and for USDT contracts the same at the bankruptcy price
    ``EP x (1 - 1/Leverage)`` (long) of "Bankruptcy Price (USDT Contract)".
    """
    s, q, entry = position.sign, position.quantity, position.entry_price
    if position.is_inverse:
        return q / entry * (1 + s / leverage) * taker_fee_rate
    return q * entry * (1 - s / leverage) * taker_fee_rate


def liquidation_price(position: Position, leverage: float, extra_margin: float, mmr: float,
                      deduction: float, taker_fee_rate: float) -> float | None:
    """Bybit UTA isolated liquidation price (mark price, quote currency per base asset).

    Linear (USDT perpetual), ``s`` +1 long, -1 short, ``A`` extra margin, ``c`` taker rate::

        LP = [Q*EP - s*(Q*EP/L + A/(1 - s*c) + MM deduction)] / [Q*(1 - s*MMR)]

    Inverse (Q in USD face value, A in coin)::

        LP = Q*(1 + s*MMR) / [Q/EP + s*(Q/EP/L + A/(1 + s*c) + MM deduction)]

    Returns None when no positive price liquidates.

    Notes
    -----
    Bybit, "Liquidation Price Calculation under Isolated Mode (Unified Trading Account)",
    sections "USDT Perpetual and Expiry Contracts" and "Inverse Perpetual and Expiry
    Contracts". Both solve equity = maintenance margin, where equity = position margin
    (initial margin incl. fee to close, plus A) + unrealised PnL and maintenance margin =
    position value x MMR - MM deduction + fee to close at the bankruptcy price: the fees
    cancel except on the extra margin, which enters as ``A/(1 ∓ c)``.
    """
    s, q, entry = position.sign, position.quantity, position.entry_price
    if position.is_inverse:
        denominator = q / entry + s * (q / entry / leverage
                                       + extra_margin / (1 + s * taker_fee_rate) + deduction)
        return positive_or_none(q * (1 + s * mmr) / denominator) if denominator > 0 else None
    numerator = q * entry - s * (q * entry / leverage
                                 + extra_margin / (1 - s * taker_fee_rate) + deduction)
    return positive_or_none(numerator / (q * (1 - s * mmr)))


def bankruptcy_price(position: Position, leverage: float, extra_margin: float,
                     taker_fee_rate: float) -> float | None:
    """Bybit's bankruptcy price: the liquidation price with MMR and MM deduction zero.

    Linear: ``EP*(1 - s/L) - s*A/(Q*(1 - s*c))``; inverse: ``Q / (Q/EP*(1 + s/L) +
    s*A/(1 + s*c))``. Without extra margin these are Bybit's "Bankruptcy Price (USDT
    Contract)" ``EP x (1 ∓ 1/Leverage)`` and, inverse, ``EP x L/(L ± 1)``: the price where the
    position margin pays the loss and the fee to close there.
    """
    return liquidation_price(position, leverage, extra_margin, 0.0, 0.0, taker_fee_rate)


def quote(position: Position, leverage: float, *, extra_margin: float,
          tiers: MarginTiers | None, mmr, maintenance_amount: float,
          taker_fee_rate: float) -> MarginQuote:
    """Bybit UTA isolated margin: initial and maintenance margin both count the fee to close.

    Arguments and units as in ``isolated_quote``, already checked there; ``tiers``: risk-limit
    tiers: the tier of the position value at entry gives MMR and MM deduction.

    Notes
    -----
    Bybit, "Liquidation Price Calculation under Isolated Mode (Unified Trading Account)":
    Initial Margin = Position Value / Leverage + Estimated Fee to Close Position; Maintenance
    Margin = Position Value x MMR - MM Deduction + Estimated Fee to Close Position (position
    value at entry here, as in the page's worked example); MMR and deduction from the risk
    limit tier (Bybit, "Maintenance Margin (USDT Contract)"). Formulas: ``fee_to_close``,
    ``liquidation_price``, ``bankruptcy_price`` of this module.
    """
    rate = rate_at_entry(position, leverage, tiers, mmr, maintenance_amount)
    notional = position.notional()
    fee = fee_to_close(position, leverage, taker_fee_rate)
    return MarginQuote(
        initial_margin=notional / leverage + fee,
        maintenance_margin=notional * rate.mmr - rate.deduction + fee,
        fee_to_close=fee,
        liquidation_price=liquidation_price(position, leverage, extra_margin, rate.mmr,
                                            rate.deduction, taker_fee_rate),
        bankruptcy_price=bankruptcy_price(position, leverage, extra_margin, taker_fee_rate),
    )
