"""Initial and maintenance margin, liquidation and bankruptcy prices, margin ratio.

Formulas follow Binance's published ones ("How to Calculate Liquidation Price of USDⓈ-M
Contracts", "Liquidation Price Calculation of COIN-M Futures"), one-way mode:

* linear (USDⓈ-M): ``LP = (WB - TMM1 + UPNL1 + cum - s*Q*EP) / (Q*MMR - s*Q)``
* inverse (COIN-M): ``LP = Q*(MMR + s) / (WB - TMM1 + UPNL1 + cum + s*Q/EP)``

``WB`` is the isolated margin (isolated mode) or the wallet balance (cross mode); ``TMM1`` and
``UPNL1`` the maintenance margin and unrealised PnL of the account's other cross positions
(zero in isolated mode); ``cum`` the bracket's maintenance amount; ``s`` +1 long, -1 short.
Both come from one condition: equity equals maintenance margin.
"""

from __future__ import annotations

import math

import numpy as np

from . import _checks
from ._contracts import Position
from ._tiers import MarginTiers, Tier, check_units, tier_measure


def _check_position(position) -> Position:
    if not isinstance(position, Position):
        raise ValueError(f"position must be a Position, got {type(position).__name__}")
    return position


def _check_tiers(tiers, position: Position | None = None) -> MarginTiers | None:
    """``tiers`` if it is None or a MarginTiers whose unit fits ``position`` (the one unit check,
    ``_tiers.check_units``, for every function where a position meets a table)."""
    if tiers is not None and not isinstance(tiers, MarginTiers):
        raise ValueError(f"tiers must be a MarginTiers or None, got {type(tiers).__name__}")
    if tiers is not None and position is not None:
        check_units(position, tiers)
    return tiers


class _Rate:
    """A maintenance rate and amount without bracket bounds (flat, as when ``mmr=`` is given)."""

    __slots__ = ("maintenance_amount", "mmr")

    def __init__(self, mmr: float, maintenance_amount: float):
        self.mmr = mmr
        self.maintenance_amount = maintenance_amount


def _flat_rate(mmr, maintenance_amount, tiers) -> _Rate | None:
    """The flat (mmr, amount) pair when no tiers are given; None when tiers decide."""
    if tiers is not None:
        if mmr is not None:
            raise ValueError("give either mmr or tiers, not both (tiers carry their own rates)")
        return None
    if mmr is None:
        raise ValueError("mmr is required when tiers is None (a fraction in [0, 1), e.g. 0.004)")
    mmr = _checks.in_range("mmr", mmr, 0, 1, high_open=True)
    amount = _checks.finite("maintenance_amount", maintenance_amount)
    return _Rate(mmr, amount)


def check_leverage(position: Position, leverage, tiers: MarginTiers | None = None) -> float:
    """Return ``leverage`` as a float; raise unless ``1 <= leverage <= max``.

    The maximum is the bracket's ``max_leverage`` for the notional at entry when ``tiers`` is
    given, unbounded otherwise.
    """
    high = math.inf
    if _check_tiers(tiers, position) is not None:
        high = tiers.tier_for(tier_measure(position, tiers)).max_leverage
    return _checks.in_range("leverage", leverage, 1, high, high_open=math.isinf(high))


def initial_margin(position: Position, leverage, *, tiers: MarginTiers | None = None) -> float:
    """Margin needed to open ``position`` at ``leverage``: notional at entry divided by leverage.

    Parameters
    ----------
    position : Position
    leverage : float
        >= 1; with ``tiers``, at most the bracket's maximum for the notional at entry.
    tiers : MarginTiers, optional
        When given, the leverage is checked against the bracket.

    Returns
    -------
    float
        Quote currency (linear) or coin (inverse).

    Notes
    -----
    Binance, "Leverage and Margin of USDⓈ-M Futures": initial margin = notional / leverage.
    """
    _check_position(position)
    leverage = check_leverage(position, leverage, tiers)
    return position.notional() / leverage


def maintenance_margin(position: Position, price, *, mmr=None, maintenance_amount=0.0,
                       tiers: MarginTiers | None = None):
    """Maintenance margin at ``price``: ``notional(price) * mmr - maintenance_amount``.

    Parameters
    ----------
    position : Position
    price : float or numpy.ndarray
        Mark price, quote currency per base asset.
    mmr : float, optional
        Maintenance margin rate in [0, 1); required without ``tiers``.
    maintenance_amount : float
        Amount subtracted (Binance's ``cum``); ignored with ``tiers``.
    tiers : MarginTiers, optional
        Use the bracket that contains the notional at ``price``.

    Returns
    -------
    float or numpy.ndarray
        Quote currency (linear) or coin (inverse).

    Notes
    -----
    Binance, "How to Calculate Liquidation Price of USDⓈ-M Contracts":
    maintenance margin = notional * maintenance margin rate - maintenance amount.
    """
    _check_position(position)
    rate = _flat_rate(mmr, maintenance_amount, _check_tiers(tiers, position))
    price = _checks.positive_prices("price", price)
    notional = position.notional(price)
    if rate is not None:
        return notional * rate.mmr - rate.maintenance_amount
    measure = tier_measure(position, tiers, price)
    if np.ndim(notional) == 0:
        tier = tiers.tier_for(measure)
        return notional * tier.mmr - tier.maintenance_amount
    rates, amounts = tiers.rates(measure)
    return notional * rates - amounts


def _liquidation_price_flat(position, margin, mmr, cum, other_maintenance, other_pnl):
    """Closed-form liquidation price for one (mmr, cum) pair.

    Returns a positive price, or None when no positive price liquidates. Raises when every
    positive price liquidates (the account is below maintenance margin already at any price).
    """
    s, q = position.sign, position.quantity
    balance = margin - other_maintenance + other_pnl + cum
    if position.is_inverse:
        numerator = q * (mmr + s)
        denominator = balance + s * q / position.entry_price
        # Long: numerator > 0, a root needs denominator > 0. Short: numerator < 0.
        if s > 0 and denominator <= 0:
            _raise_always_liquidated(margin)
        if s < 0 and denominator >= 0:
            return None
        return numerator / denominator
    numerator = balance - s * q * position.entry_price
    denominator = q * (mmr - s)
    # Long: denominator < 0, a root needs numerator < 0. Short: denominator > 0.
    if s > 0 and numerator >= 0:
        return None
    if s < 0 and numerator <= 0:
        _raise_always_liquidated(margin)
    return numerator / denominator


def _raise_always_liquidated(margin):
    raise ValueError(f"margin = {margin:,.8g} cannot carry this position: equity is below the "
                     "maintenance margin at every positive price (add margin or reduce the "
                     "other positions' losses)")


def liquidation_price(position: Position, margin, *, mmr=None, maintenance_amount=0.0,
                      tiers: MarginTiers | None = None, other_maintenance=0.0, other_pnl=0.0):
    """Mark price at which ``position`` is liquidated: equity equals maintenance margin.

    Parameters
    ----------
    position : Position
    margin : float
        Isolated mode: the position's isolated margin. Cross mode: the wallet balance. Quote
        currency (linear) or coin (inverse), > 0.
    mmr, maintenance_amount : float
        Flat maintenance margin rate in [0, 1) and amount; or give ``tiers`` instead.
    tiers : MarginTiers, optional
        Use the bracket that contains the notional AT the liquidation price (Binance's rule).
    other_maintenance, other_pnl : float
        Cross mode: maintenance margin (TMM1) and unrealised PnL (UPNL1) of the account's other
        positions. Zero in isolated mode.

    Returns
    -------
    float or None
        The liquidation price (quote currency per base asset), or None when no positive price
        liquidates the position (e.g. a 1x inverse short).

    Raises
    ------
    ValueError
        On bad input, when the account is below maintenance margin at every price, or when the
        notional at the liquidation price lies beyond the largest bracket.

    Notes
    -----
    Binance, "How to Calculate Liquidation Price of USDⓈ-M Contracts" (one-way mode)::

        LP = (WB - TMM1 + UPNL1 + cum - s*Q*EP) / (Q*MMR - s*Q)

    and "Liquidation Price Calculation of COIN-M Futures" (Q in USD face value, balances in coin)::

        LP = Q*(MMR + s) / (WB - TMM1 + UPNL1 + cum + s*Q/EP)

    Equity minus maintenance margin is strictly monotonic in price (its slope never vanishes
    because MMR < 1), so at most one bracket holds a root; that bracket is the answer.
    """
    _check_position(position)
    margin = _checks.positive("margin", margin)
    other_maintenance = _checks.non_negative("other_maintenance", other_maintenance)
    other_pnl = _checks.finite("other_pnl", other_pnl)
    rate = _flat_rate(mmr, maintenance_amount, _check_tiers(tiers, position))
    if rate is not None:
        return _liquidation_price_flat(position, margin, rate.mmr, rate.maintenance_amount,
                                       other_maintenance, other_pnl)
    for tier in tiers:
        price = _liquidation_price_flat(position, margin, tier.mmr, tier.maintenance_amount,
                                        other_maintenance, other_pnl)
        if price is not None and _within(tier, tier_measure(position, tiers, price)):
            return price
    # No bracket holds a root: the first bracket tells whether there is none at all (returns
    # None or raises); otherwise the root lies beyond the largest bracket.
    first = tiers[0]
    if _liquidation_price_flat(position, margin, first.mmr, first.maintenance_amount,
                               other_maintenance, other_pnl) is None:
        return None
    raise ValueError(f"the notional at the liquidation price exceeds the largest bracket of "
                     f"{tiers.name} ({tiers.max_notional:,.0f}): reduce quantity")


def _within(tier: Tier, notional: float) -> bool:
    # A relative tolerance so that a root on a bracket boundary is not lost to rounding.
    slack = 1e-12 * max(notional, 1.0)
    return tier.floor - slack <= notional < tier.cap + slack


def bankruptcy_price(position: Position, margin, *, other_pnl=0.0):
    """Mark price at which equity reaches zero: the margin (plus other PnL) is all lost.

    Parameters
    ----------
    position : Position
    margin : float
        Isolated margin, or the cross wallet balance, > 0.
    other_pnl : float
        Cross mode: unrealised PnL of the account's other positions.

    Returns
    -------
    float or None
        Price in quote currency per base asset; None when no positive price empties the account.

    Notes
    -----
    Solves ``margin + other_pnl + pnl(P) = 0`` with the PnL formulas of ``Position``; the same
    condition as the bankruptcy price of Bybit's Help Center ("Bankruptcy Price"): the
    liquidation price with a maintenance margin of zero.
    """
    _check_position(position)
    margin = _checks.positive("margin", margin)
    balance = margin + _checks.finite("other_pnl", other_pnl)
    if balance <= 0:
        raise ValueError(f"margin + other_pnl must be > 0 for a bankruptcy price, got {balance:g}")
    s, q, entry = position.sign, position.quantity, position.entry_price
    if position.is_inverse:
        denominator = balance + s * q / entry
        if denominator == 0:  # a short whose balance covers exactly all it can lose
            return None
        price = s * q / denominator
    else:
        price = entry - balance / (s * q)
    return price if price > 0 else None


def margin_ratio(position: Position, margin, price, *, mmr=None, maintenance_amount=0.0,
                 tiers: MarginTiers | None = None):
    """Maintenance margin divided by equity (margin + PnL) at ``price``; 1 means liquidation.

    Parameters
    ----------
    position : Position
    margin : float
        Isolated margin (quote currency or coin), > 0.
    price : float or numpy.ndarray
        Mark price.
    mmr, maintenance_amount, tiers
        As in ``maintenance_margin``.

    Returns
    -------
    float or numpy.ndarray
        A fraction (0.25 = 25 %); ``inf`` where equity is zero or negative.

    Notes
    -----
    Binance, "Margin Ratio" in USDⓈ-M Futures: margin ratio = maintenance margin / margin
    balance; the position is liquidated when it reaches 100 %.
    """
    margin = _checks.positive("margin", margin)
    maintenance = maintenance_margin(position, price, mmr=mmr,
                                     maintenance_amount=maintenance_amount, tiers=tiers)
    equity = margin + position.pnl(price)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(equity > 0, maintenance / np.where(equity > 0, equity, 1.0), np.inf)
    return float(ratio) if np.ndim(ratio) == 0 else ratio


def return_on_equity(position: Position, price, leverage):
    """Return on the initial margin ("ROE" on exchanges) at ``price``, as a fraction.

    Notes
    -----
    Binance, "How to Calculate Profit and Loss for Futures Contracts": ROE = unrealised PnL /
    initial margin, with initial margin = notional at entry / leverage. So ROE = leverage x the
    relative price move for a linear position.
    """
    return position.pnl(price) / initial_margin(position, leverage)


def liquidation_move_percent(position: Position, margin, *, price=None, **maintenance):
    """Price move, in percent of ``price`` (default: entry), that reaches the liquidation price.

    Negative for a long (the price must fall), positive for a short. Keyword arguments are those
    of ``liquidation_price``. Returns None when no positive price liquidates.
    """
    reference = position.entry_price if price is None else _checks.positive("price", price)
    liquidation = liquidation_price(position, margin, **maintenance)
    return None if liquidation is None else 100 * (liquidation / reference - 1)
