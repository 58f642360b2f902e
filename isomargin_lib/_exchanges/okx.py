"""OKX's isolated margin rule for perpetual and expiry futures (taker fee in the threshold)."""

from __future__ import annotations

from .. import _margin
from .._contracts import Position
from .._tiers import MarginTiers
from ._common import MarginQuote, positive_or_none, rate_at_entry


def liquidation_price(position: Position, margin: float, mmr: float,
                      taker_fee_rate: float) -> float | None:
    """Isolated liquidation price with the taker fee in the denominator.

    Linear (USDT-margined): ``LP = (EP - s*M/Q) / (1 - s*(MMR + c))``.
    Inverse (coin-margined, Q in USD face value): ``LP = (1 + s*(MMR + c)) / (1/EP + s*M/Q)``.
    ``M`` isolated margin (IM + extra), ``c`` taker rate, ``s`` +1 long, -1 short; None when no
    positive price liquidates.

    Notes
    -----
    OKX, "Isolated margin mode" (Help Center, futures/perpetual positions): a position is
    liquidated when its margin ratio, (margin + unrealised PnL) / position value at the mark
    price, falls to the maintenance margin ratio plus the taker fee rate; solving that for the
    mark price gives the two formulas. Gate, "Liquidation Price & Bankruptcy Price" (Help
    Center, futures) publishes the same form: "Liquidation Price = (Entry Price ± Margin /
    Contract Multiplier / Size) / [1 ± (Maintenance Margin Ratio + Taker Rate)]", and for
    inverse contracts ``Size x EP x (1 ± MMR ± taker) / (Size ± Margin x EP)``.
    """
    s, q, entry = position.sign, position.quantity, position.entry_price
    threshold = mmr + taker_fee_rate
    if position.is_inverse:
        denominator = 1 / entry + s * margin / q
        return positive_or_none((1 + s * threshold) / denominator) if denominator > 0 else None
    return positive_or_none((entry - s * margin / q) / (1 - s * threshold))


def quote(position: Position, leverage: float, *, extra_margin: float,
          tiers: MarginTiers | None, mmr, maintenance_amount: float,
          taker_fee_rate: float) -> MarginQuote:
    """OKX isolated margin: IM = value/leverage, no deduction, fee rate added to MMR.

    Arguments and units as in ``isolated_quote``, already checked there; ``tiers``: position tiers;
    OKX picks the tier by position size (a ``basis="quantity"`` table, see ``tiers_from_okx``); a
    notional table is read at the value at entry. OKX has no maintenance deduction: every tier's
    ``maintenance_amount`` must be 0.

    Raises
    ------
    ValueError
        When a maintenance amount other than 0 is given or found in the tier.

    Notes
    -----
    OKX, "Isolated margin mode": initial margin = contract value x contracts x entry price /
    leverage (isolated); maintenance margin = position value x maintenance margin ratio
    (here at entry); liquidation: ``liquidation_price``. ``fee_to_close`` is the taker fee on
    the position value at the entry price, the fee term of OKX's threshold. Bankruptcy price:
    where margin + PnL = 0.
    """
    rate = rate_at_entry(position, leverage, tiers, mmr, maintenance_amount)
    if rate.deduction != 0:
        where = "the tier's maintenance_amount" if tiers is not None else "maintenance_amount"
        raise ValueError(f"{where} must be 0 for OKX and Gate (no maintenance deduction), got "
                         f"{rate.deduction:,.6g}: give a table with maintenance_amounts='none'")
    notional = position.notional()
    initial = notional / leverage
    margin = initial + extra_margin
    return MarginQuote(
        initial_margin=initial,
        maintenance_margin=notional * rate.mmr,
        fee_to_close=notional * taker_fee_rate,
        liquidation_price=liquidation_price(position, margin, rate.mmr, taker_fee_rate),
        bankruptcy_price=_margin.bankruptcy_price(position, margin),
    )
