"""Gate's isolated margin rule for perpetual futures: the same published form as OKX's."""

from __future__ import annotations

from .._contracts import Position
from .._tiers import MarginTiers
from . import okx
from ._common import MarginQuote


def quote(position: Position, leverage: float, *, extra_margin: float,
          tiers: MarginTiers | None, mmr, maintenance_amount: float,
          taker_fee_rate: float) -> MarginQuote:
    """Gate isolated margin, computed with OKX's rule (``okx.quote``; same units and returns).

    Notes
    -----
    Gate, "Liquidation Price & Bankruptcy Price" (Help Center, futures; also "Calculation of
    Liquidation Price", perpetual): "Liquidation Price = (Entry Price ± Margin / Contract
    Multiplier / Size) / [1 ± (Maintenance Margin Ratio + Taker Rate)]" ("-" long, "+" short),
    the form ``okx.liquidation_price`` implements (with Size x Contract Multiplier = Q, the
    position in base asset). Inverse: "Size x EP x (1 ± MMR ± Taker rate) / (Size ± Margin x
    EP)", the same as OKX's inverse form. Gate's maintenance margin ratio comes from its risk
    limit table; Gate states no deduction, so ``maintenance_amount`` must be 0.
    """
    return okx.quote(position, leverage, extra_margin=extra_margin, tiers=tiers, mmr=mmr,
                     maintenance_amount=maintenance_amount, taker_fee_rate=taker_fee_rate)
