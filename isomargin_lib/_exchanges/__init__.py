"""Each exchange's isolated margin rule behind one function: ``isolated_quote``.

One module per exchange (``binance``, ``bybit``, ``bybit_classic``, ``okx``, ``gate``), each
with a ``quote`` function of the same signature; this module checks the arguments once and
dispatches.
"""

from __future__ import annotations

from .. import _checks, _margin
from .._contracts import Position
from .._fees import TAKER_RATES
from . import binance, bybit, bybit_classic, gate, okx
from ._common import MarginQuote

EXCHANGES = ("binance", "bybit", "bybit_classic", "okx", "gate")
"""The exchanges ``isolated_quote`` knows: Binance, Bybit (Unified Trading Account), Bybit's
classic account, OKX, Gate."""

_RULES = {"binance": binance.quote, "bybit": bybit.quote, "bybit_classic": bybit_classic.quote,
          "okx": okx.quote, "gate": gate.quote}


def isolated_quote(position: Position, leverage, *, exchange: str, extra_margin=0.0, tiers=None,
                   mmr=None, maintenance_amount=0.0, taker_fee_rate=None) -> MarginQuote:
    """Initial and maintenance margin, fee to close, liquidation and bankruptcy price of one
    isolated position, by the published rule of ``exchange``.

    Parameters
    ----------
    position : Position
        Linear (margin in USDT) or inverse (margin in the coin).
    leverage : float
        Leverage chosen for the position, >= 1; with ``tiers`` at most the tier's maximum.
    exchange : {"binance", "bybit", "bybit_classic", "okx", "gate"}
        Whose rule (see ``EXCHANGES``).
    extra_margin : float
        Margin added to the isolated position after opening, >= 0 (margin currency).
    tiers : MarginTiers, optional
        The exchange's table, read with its own rule: Binance the bracket at the liquidation
        price, Bybit the risk-limit tier of the position value, OKX and Gate the tier of the
        position size. Its unit must fit the position (``ValueError`` otherwise).
    mmr : float, optional
        Flat maintenance margin rate in [0, 1), when ``tiers`` is None.
    maintenance_amount : float
        Flat maintenance amount (Binance) or MM deduction (Bybit), >= 0; must be 0 for OKX and
        Gate.
    taker_fee_rate : float, optional
        Taker fee rate in [0, 0.01]; default the exchange's regular-user rate
        (``TAKER_RATES``).

    Returns
    -------
    MarginQuote
        Floats in the margin currency (prices in quote currency per base asset); None where no
        price exists.

    Raises
    ------
    ValueError
        Naming the argument, its value and what is allowed: unknown exchange, negative extra
        margin, mmr and tiers both or neither, a table of the wrong unit, leverage above the
        tier, or a leverage so high for the rate that the position is liquidated at entry.

    Notes
    -----
    Each exchange module's docstrings cite the page of each formula: ``binance.quote``,
    ``bybit.quote``, ``bybit_classic.quote``, ``okx.quote``, ``gate.quote``.
    """
    _checks.choice("exchange", exchange, EXCHANGES)
    _margin._check_position(position)
    _margin._check_tiers(tiers, position)
    flat = _margin._flat_rate(mmr, maintenance_amount, tiers)
    leverage = _checks.in_range("leverage", leverage, 1, float("inf"), high_open=True)
    extra_margin = _checks.non_negative("extra_margin", extra_margin)
    if flat is not None:
        _checks.non_negative("maintenance_amount", flat.maintenance_amount)
    rate = TAKER_RATES[exchange] if taker_fee_rate is None else taker_fee_rate
    rate = _checks.in_range("taker_fee_rate", rate, 0, 0.01)
    result = _RULES[exchange](
        position, leverage, extra_margin=extra_margin, tiers=tiers,
        mmr=None if flat is None else flat.mmr,
        maintenance_amount=0.0 if flat is None else flat.maintenance_amount,
        taker_fee_rate=rate)
    _refuse_liquidated_at_entry(position, leverage, result)
    return result


def _refuse_liquidated_at_entry(position: Position, leverage: float, result: MarginQuote):
    price = result.liquidation_price
    if price is not None and position.sign * (position.entry_price - price) <= 0:
        raise ValueError(f"leverage = {leverage:g} is too high for this maintenance margin: the "
                         f"liquidation price {price:,.2f} is not on the losing side of the entry "
                         f"price {position.entry_price:,.2f} (allowed: a leverage whose initial "
                         "margin exceeds the maintenance margin and the fee to close)")


__all__ = ["EXCHANGES", "MarginQuote", "isolated_quote"]
