"""Binance's isolated margin rule (USDⓈ-M and COIN-M futures, one-way mode)."""

from __future__ import annotations

from .. import _margin
from .._contracts import Position
from .._tiers import MarginTiers
from ._common import MarginQuote


def quote(position: Position, leverage: float, *, extra_margin: float,
          tiers: MarginTiers | None, mmr, maintenance_amount: float,
          taker_fee_rate: float) -> MarginQuote:
    """Binance isolated margin: the library's one-way formula with margin = IM + extra margin.

    Arguments and units as in ``isolated_quote``, already checked there; ``tiers``: brackets; the
    bracket that contains the notional AT the liquidation price is used for the liquidation price
    (Binance's rule), the bracket at entry for the quote's maintenance margin.

    Notes
    -----
    Binance, "How to Calculate Liquidation Price of USDⓈ-M Contracts" and "Liquidation Price
    Calculation of COIN-M Futures", isolated mode (TMM1 = UPNL1 = 0, WB = isolated wallet
    balance = initial margin + added margin):
    ``LP = (WB + cum - s*Q*EP) / (Q*MMR - s*Q)`` and ``LP = Q*(MMR + s) / (WB + cum + s*Q/EP)``.
    Initial margin = notional / leverage ("Leverage and Margin of USDⓈ-M Futures").
    Binance counts no closing fee in margin or liquidation price; ``fee_to_close`` is the fee
    of a market close at the entry price, notional x taker rate ("Binance Futures Fee Structure
    & Fee Calculations"). The bankruptcy price is where the isolated margin is used up.
    """
    initial = _margin.initial_margin(position, leverage, tiers=tiers)
    margin = initial + extra_margin
    rule = {"tiers": tiers} if tiers is not None else {
        "mmr": mmr, "maintenance_amount": maintenance_amount}
    return MarginQuote(
        initial_margin=initial,
        maintenance_margin=float(_margin.maintenance_margin(position, position.entry_price,
                                                            **rule)),
        fee_to_close=position.notional() * taker_fee_rate,
        liquidation_price=_margin.liquidation_price(position, margin, **rule),
        bankruptcy_price=_margin.bankruptcy_price(position, margin),
    )
