"""Binance hedge mode in cross margin: a long and a short of one symbol share one liquidation
price, because one mark price moves both legs at once.

Binance, "How to Calculate Liquidation Price of USDⓈ-M Contracts" (hedge-mode terms)::

    LP = (WB - TMM1 + UPNL1 + cumL + cumS - L*EPL + S*EPS) / (L*MMR_L + S*MMR_S - L + S)

and "How to Calculate Liquidation Price of COIN-M Futures Contracts" (L, S in USD face value,
balances in coin)::

    LP = (L*MMR_L + S*MMR_S + L - S) / (WB - TMM1 + UPNL1 + cumL + cumS + L/EPL - S/EPS)

``L``, ``S``: sizes of the long and short legs; ``EPL``, ``EPS`` their entry prices; ``MMR_L``,
``cumL``... each leg's own bracket; ``TMM1``, ``UPNL1`` the maintenance margin and unrealised PnL
of the account's positions in OTHER symbols. One-way mode is the case with one leg. Both come
from the cross liquidation condition: equity = total maintenance margin.
"""

from __future__ import annotations

import itertools

from ._contracts import Position
from ._tiers import tier_measure


def _brackets(rule):
    """Each (mmr, maintenance amount, tier or None) a leg's rule allows."""
    if rule.tiers is None:
        return [(rule.mmr, rule.maintenance_amount, None)]
    return [(tier.mmr, tier.maintenance_amount, tier) for tier in rule.tiers]


def _root(legs, rates, balance):
    """The one price where equity = maintenance for fixed brackets; None if none is > 0.

    Linear: equity - maintenance = A + B*P. Inverse: A - C/P (see the module docstring).
    """
    contract_is_inverse = legs[0][0].is_inverse
    base = balance + sum(amount for _, amount, _ in rates)
    if contract_is_inverse:
        a = base + sum(p.sign * p.quantity / p.entry_price for p, _ in legs)
        c = sum(p.quantity * (mmr + p.sign) for (p, _), (mmr, _, _) in zip(legs, rates))
        return c / a if a != 0 and c / a > 0 else None
    a = base - sum(p.sign * p.quantity * p.entry_price for p, _ in legs)
    b = sum(p.quantity * (p.sign - mmr) for (p, _), (mmr, _, _) in zip(legs, rates))
    return -a / b if b != 0 and -a / b > 0 else None


def _fits(tier, tiers, position: Position, price: float) -> bool:
    if tier is None:
        return True
    size = tier_measure(position, tiers, price)  # notional at the price, or the quantity
    slack = 1e-12 * max(size, 1.0)  # a root on a bracket boundary is not lost to rounding
    return tier.floor - slack <= size < tier.cap + slack


def shared_liquidation_price(legs, wallet_balance: float, *, mark: float,
                             other_maintenance: float = 0.0, other_pnl: float = 0.0):
    """Liquidation price shared by the legs of one symbol in a cross account.

    Parameters
    ----------
    legs : list of (Position, rule)
        One or two positions of one symbol (a long and a short in hedge mode), each with its
        maintenance rule (an object with ``mmr``, ``maintenance_amount`` and ``tiers``).
    wallet_balance : float
        Cross wallet balance (quote currency, or coin for inverse contracts).
    mark : float
        The symbol's current mark price: where brackets allow two roots, the nearer one is the
        one the price reaches first.
    other_maintenance, other_pnl : float
        TMM1 and UPNL1: maintenance margin and unrealised PnL of the other symbols.

    Returns
    -------
    float or None
        Mark price of the symbol at which the account is liquidated (quote currency per base
        asset); None when no positive price liquidates it.

    Notes
    -----
    With tiers each leg takes the bracket that contains its notional AT the liquidation price
    (Binance's rule); every combination of brackets is tried (at most 12 x 12 here) and the
    roots that fall in their own brackets are kept. A hedged account can have two: a nearly
    hedged long is liquidated by a fall, and also by a large rise, which raises the maintenance
    margin of both legs while their PnL nearly cancels.
    """
    balance = wallet_balance - other_maintenance + other_pnl
    roots = []
    for rates in itertools.product(*(_brackets(rule) for _, rule in legs)):
        price = _root(legs, rates, balance)
        if price is not None and all(_fits(tier, rule.tiers, p, price)
                                     for (p, rule), (_, _, tier) in zip(legs, rates)):
            roots.append(price)
    return min(roots, key=lambda price: abs(price - mark)) if roots else None


def check_legs(symbol: str, positions) -> None:
    """Raise unless ``positions`` (one symbol's) hold at most one long and one short."""
    sides = [p.side for p in positions]
    if len(sides) != len(set(sides)):
        raise ValueError(f"symbol {symbol!r} may hold at most one long and one short position "
                         f"(Binance hedge mode); got sides {sides}")

