"""What every exchange rule shares: the quote it returns and how a flat rate or a tier table
gives the maintenance margin rate and deduction of a position."""

from __future__ import annotations

from dataclasses import dataclass

from .. import _checks
from .._contracts import Position
from .._tiers import MarginTiers, tier_measure


@dataclass(frozen=True)
class MarginQuote:
    """An exchange's numbers for one isolated position, in the margin currency.

    Attributes
    ----------
    initial_margin : float
        Margin to open at the chosen leverage, as the exchange defines it (USDT for linear,
        coin for inverse contracts); extra margin added later is not included.
    maintenance_margin : float
        Maintenance margin at the entry price (the value the exchange's page shows for a new
        position), including the fee to close where the exchange counts it.
    fee_to_close : float
        The taker fee of closing the whole position, as the exchange estimates it.
    liquidation_price : float or None
        Mark price that triggers liquidation (quote currency per base asset); None when no
        positive price liquidates the position.
    bankruptcy_price : float or None
        Price at which the position's margin is used up; None when no positive price does.
    """

    initial_margin: float
    maintenance_margin: float
    fee_to_close: float
    liquidation_price: float | None
    bankruptcy_price: float | None


@dataclass(frozen=True)
class Rate:
    """A maintenance margin rate and deduction (maintenance amount) picked for a position."""

    mmr: float
    deduction: float


def rate_at_entry(position: Position, leverage: float, tiers: MarginTiers | None, mmr,
                  maintenance_amount: float) -> Rate:
    """The flat ``(mmr, maintenance_amount)``, or the tier of ``tiers`` that holds the position
    at entry (its value for a notional table, its size for a quantity table); with tiers the
    leverage must not exceed the tier's maximum.

    Raises
    ------
    ValueError
        When the leverage is above the tier's ``max_leverage`` or the position lies beyond the
        largest tier.
    """
    if tiers is None:
        return Rate(mmr, maintenance_amount)
    tier = tiers.tier_for(tier_measure(position, tiers))
    _checks.in_range("leverage", leverage, 1, tier.max_leverage)
    return Rate(tier.mmr, tier.maintenance_amount)


def positive_or_none(price: float) -> float | None:
    """``price`` as a float when it is a positive finite number, else None."""
    return float(price) if 0 < price < float("inf") else None
