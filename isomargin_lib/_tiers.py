"""Exchange margin tiers (leverage and margin brackets): the bigger the position, the lower the
maximum leverage and the higher the maintenance margin rate."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from . import _checks

QUOTE_UNITS = ("USDT", "USDC", "USD")
"""Units that are a quote currency (a linear contract's notional and margin are in one of these)."""
BASES = ("notional", "quantity")
AMOUNT_RULES = ("recurrence", "none")


@dataclass(frozen=True)
class Tier:
    """One notional bracket ``[floor, cap)`` of an exchange's margin table.

    Parameters
    ----------
    floor, cap : float
        Notional bounds of the bracket (quote currency for linear contracts, coin for inverse).
    max_leverage : float
        Highest leverage allowed for a position in this bracket, >= 1.
    mmr : float
        Maintenance margin rate, a fraction in [0, 1) (0.004 means 0.4 %).
    maintenance_amount : float
        Binance's "maintenance amount" (``cum``), subtracted from ``notional * mmr`` so that the
        maintenance margin is continuous across brackets.
    """

    floor: float
    cap: float
    max_leverage: float
    mmr: float
    maintenance_amount: float

    def __post_init__(self):
        floor = _checks.non_negative("floor", self.floor)
        cap = _checks._as_number("cap", self.cap)
        if not cap > floor:
            raise ValueError(f"cap must be > floor ({floor:g}), got {cap:g}")
        leverage = _checks.in_range("max_leverage", self.max_leverage, 1, math.inf, high_open=True)
        mmr = _checks.in_range("mmr", self.mmr, 0, 1, high_open=True)
        if mmr > 1 / leverage:
            raise ValueError(f"mmr must be <= 1/max_leverage = {1 / leverage:g} (initial margin "
                             f"rate), got {mmr:g}")
        amount = _checks.non_negative("maintenance_amount", self.maintenance_amount)
        for name, value in zip(("floor", "cap", "max_leverage", "mmr", "maintenance_amount"),
                               (floor, cap, leverage, mmr, amount)):
            object.__setattr__(self, name, value)

    def contains(self, notional: float) -> bool:
        """True when ``floor <= notional < cap``."""
        return self.floor <= notional < self.cap


def next_maintenance_amount(floor: float, mmr: float, previous: Tier) -> float:
    """Maintenance amount of the bracket that starts at ``floor`` with rate ``mmr``.

    Binance's recurrence ("How to Calculate Liquidation Price of USDⓈ-M Contracts"):
    ``cum_n = floor_n * (mmr_n - mmr_{n-1}) + cum_{n-1}``; it makes the maintenance margin
    ``notional * mmr - cum`` the same on both sides of every bracket boundary.
    """
    return floor * (mmr - previous.mmr) + previous.maintenance_amount


class MarginTiers:
    """A validated margin table: brackets sorted, contiguous from 0, amounts consistent.

    Parameters
    ----------
    tiers : sequence of Tier
        Brackets in increasing order of notional. The first starts at 0; each starts where the
        previous one ends; rates do not fall and maximum leverage does not rise with size; each
        ``maintenance_amount`` follows Binance's recurrence (see ``next_maintenance_amount``).
    name : str, optional
        A label, e.g. "Binance BTCUSDT (2024-10)".
    unit : str
        What the bracket bounds are counted in. With ``basis="notional"``: the notional currency,
        "USDT" (or "USDC", "USD") for a USDⓈ-M table, the coin (e.g. "BTC") for a COIN-M table.
        With ``basis="quantity"``: the base asset (e.g. "BTC") for a linear table, "USD" for an
        inverse table counted in USD face value. Default "USDT".
    basis : {"notional", "quantity"}
        "notional": brackets bound the position value (Binance's brackets, Bybit's risk limits).
        "quantity": brackets bound the position size (OKX's position tiers, counted in contracts,
        stored here converted to base asset or USD face value: ``Position.quantity``).
    maintenance_amounts : {"recurrence", "none"}
        "recurrence" (default): each ``maintenance_amount`` must follow Binance's recurrence
        (Bybit's "MM deduction" is the same). "none": a table whose exchange states no deduction
        (OKX); every ``maintenance_amount`` must be 0, and the maintenance margin jumps at each
        boundary.

    Raises
    ------
    ValueError
        When the tiers are empty, unsorted, overlapping, gapped or inconsistent, or ``unit``,
        ``basis`` or ``maintenance_amounts`` is not one of the allowed values.
    """

    def __init__(self, tiers, name: str = "custom tiers", *, unit: str = "USDT",
                 basis: str = "notional", maintenance_amounts: str = "recurrence"):
        if not (isinstance(unit, str) and unit.strip() and unit == unit.strip().upper()):
            raise ValueError(f"unit must be an upper-case currency or asset such as 'USDT' or "
                             f"'BTC', got {unit!r}")
        _checks.choice("basis", basis, BASES)
        _checks.choice("maintenance_amounts", maintenance_amounts, AMOUNT_RULES)
        tiers = tuple(tiers)
        if not tiers:
            raise ValueError("tiers must hold at least one Tier, got none")
        for i, tier in enumerate(tiers):
            if not isinstance(tier, Tier):
                raise ValueError(f"tiers[{i}] must be a Tier, got {type(tier).__name__}")
        if tiers[0].floor != 0:
            raise ValueError(f"tiers[0].floor must be 0, got {tiers[0].floor:g}")
        if tiers[0].maintenance_amount != 0:
            raise ValueError("tiers[0].maintenance_amount must be 0, got "
                             f"{tiers[0].maintenance_amount:g}")
        for i, (low, high) in enumerate(itertools.pairwise(tiers), start=1):
            if high.floor < low.floor:
                raise ValueError(f"tiers must be sorted by floor: tiers[{i}].floor = "
                                 f"{high.floor:g} < tiers[{i - 1}].floor = {low.floor:g}")
        for i, (low, high) in enumerate(itertools.pairwise(tiers), start=1):
            if high.floor != low.cap:
                kind = "overlaps" if high.floor < low.cap else "leaves a gap after"
                raise ValueError(f"tiers must be contiguous: tiers[{i}].floor = {high.floor:g} "
                                 f"{kind} tiers[{i - 1}].cap = {low.cap:g}")
            if high.mmr < low.mmr or high.max_leverage > low.max_leverage:
                raise ValueError(f"tiers[{i}] must have mmr >= {low.mmr:g} and max_leverage "
                                 f"<= {low.max_leverage:g}, got {high.mmr:g} and "
                                 f"{high.max_leverage:g}")
            if maintenance_amounts == "none":
                if high.maintenance_amount != 0:
                    raise ValueError(f"tiers[{i}].maintenance_amount must be 0 in a table with "
                                     "maintenance_amounts='none', got "
                                     f"{high.maintenance_amount:,.6g}")
                continue
            expected = next_maintenance_amount(high.floor, high.mmr, low)
            if not math.isclose(high.maintenance_amount, expected, rel_tol=1e-9, abs_tol=1e-6):
                raise ValueError(f"tiers[{i}].maintenance_amount must be {expected:,.6g} "
                                 f"(floor*(mmr - previous mmr) + previous amount), got "
                                 f"{high.maintenance_amount:,.6g}")
        self.tiers = tiers
        self.name = name
        self.unit = unit
        self.basis = basis
        self.maintenance_amounts = maintenance_amounts
        self._floors = np.array([tier.floor for tier in tiers])

    def __iter__(self):
        return iter(self.tiers)

    def __len__(self):
        return len(self.tiers)

    def __getitem__(self, index):
        return self.tiers[index]

    def __repr__(self):
        return (f"MarginTiers({self.name!r}, {len(self)} brackets up to "
                f"{self.tiers[-1].cap:,.0f} {self.unit})")

    @property
    def max_notional(self) -> float:
        """The cap of the largest bracket."""
        return self.tiers[-1].cap

    def tier_for(self, notional) -> Tier:
        """The bracket that contains ``notional`` (``floor <= notional < cap``).

        Raises
        ------
        ValueError
            When ``notional`` is negative, NaN, or at or above the largest cap.
        """
        notional = _checks.non_negative("notional", notional)
        if notional >= self.max_notional:
            raise ValueError(f"notional must be in [0, {self.max_notional:,.0f}) {self.unit} for "
                             f"{self.name}, got {notional:,.2f}")
        return self.tiers[int(np.searchsorted(self._floors, notional, side="right")) - 1]

    def rates(self, notional):
        """Vectorised lookup: arrays ``(mmr, maintenance_amount)`` for an array of notionals.

        Notionals at or above the largest cap get the last bracket (for plotting only; use
        ``tier_for`` to have them refused).
        """
        index = np.searchsorted(self._floors, np.asarray(notional, dtype=float), side="right") - 1
        index = np.clip(index, 0, len(self) - 1)
        mmr = np.array([tier.mmr for tier in self.tiers])[index]
        amount = np.array([tier.maintenance_amount for tier in self.tiers])[index]
        return mmr, amount


def check_units(position, tiers: MarginTiers) -> MarginTiers:
    """Return ``tiers``; raise unless its unit fits ``position``.

    One check for every place where a position meets a table (``_margin``, hence the accounts,
    and the exchange rules of ``isolated_quote``). A notional table of a quote currency belongs
    to linear positions, a coin table to inverse positions of that coin (when
    ``position.asset`` is given); a quantity table counts base asset (linear) or USD face value
    (inverse).

    Raises
    ------
    ValueError
        Naming the table's unit, the position's contract and asset, and the units allowed.
    """
    inverse = position.is_inverse
    if tiers.basis == "notional":
        quote = tiers.unit in QUOTE_UNITS
        if not inverse and not quote:
            raise ValueError(f"tiers.unit must be a quote currency ({', '.join(QUOTE_UNITS)}) for "
                             f"a linear position, got {tiers.unit!r} ({tiers.name}, a coin table "
                             "for inverse contracts)")
        if inverse and quote:
            raise ValueError(f"tiers.unit must be the position's coin for an inverse position "
                             f"(notional in coin), got {tiers.unit!r} ({tiers.name}, a "
                             "quote-currency table for linear contracts)")
        coin_table = inverse
    else:
        usd = tiers.unit == "USD"
        if inverse and not usd:
            raise ValueError(f"tiers.unit must be 'USD' (face value) for a quantity table used "
                             f"with an inverse position, got {tiers.unit!r} ({tiers.name})")
        if not inverse and tiers.unit in QUOTE_UNITS:
            raise ValueError(f"tiers.unit must be the base asset for a quantity table used with a "
                             f"linear position, got {tiers.unit!r} ({tiers.name})")
        coin_table = not inverse
    if coin_table and position.asset is not None and tiers.unit != position.asset:
        raise ValueError(f"tiers.unit must be the position's asset {position.asset!r}, got "
                         f"{tiers.unit!r} ({tiers.name} is a table of another coin)")
    return tiers


def tier_measure(position, tiers: MarginTiers, price=None):
    """What ``tiers`` brackets for ``position`` at ``price`` (default entry): the notional
    (``basis="notional"``) or the size ``position.quantity`` (``basis="quantity"``)."""
    if tiers.basis == "quantity":
        return position.quantity if np.ndim(price) == 0 else np.full(np.shape(price),
                                                                     position.quantity)
    return position.notional(price)


def _binance_btcusdt() -> MarginTiers:
    # (cap in USDT, max leverage, maintenance margin rate, maintenance amount in USDT)
    rows = [
        (50_000, 125, 0.004, 0),
        (600_000, 100, 0.005, 50),
        (3_000_000, 75, 0.0065, 950),
        (12_000_000, 50, 0.01, 11_450),
        (70_000_000, 25, 0.02, 131_450),
        (100_000_000, 20, 0.025, 481_450),
        (230_000_000, 10, 0.05, 2_981_450),
        (480_000_000, 5, 0.10, 14_481_450),
        (600_000_000, 4, 0.125, 26_481_450),
        (800_000_000, 3, 0.15, 41_481_450),
        (1_200_000_000, 2, 0.25, 121_481_450),
        (1_800_000_000, 1, 0.50, 421_481_450),
    ]
    floors = [0] + [row[0] for row in rows[:-1]]
    tiers = [Tier(floor, cap, lev, mmr, cum) for floor, (cap, lev, mmr, cum) in zip(floors, rows)]
    return MarginTiers(tiers, name="Binance USDⓈ-M BTCUSDT (2024-10)", unit="USDT")


BINANCE_BTCUSDT = _binance_btcusdt()
"""Binance USDⓈ-M BTCUSDT perpetual leverage and margin brackets, notional in USDT.

Source: Binance Futures "Leverage & Margin" table for BTCUSDT, October 2024. Exchanges revise
these tables; check the current one before trading.
"""


def _bybit_btcusdt() -> MarginTiers:
    # (risk limit value = cap in USDT, max leverage, maintenance margin rate, MM deduction in USDT)
    rows = [
        (300_000, 150, 0.0033, 0),
        (2_000_000, 100, 0.005, 510),
        (2_600_000, 90, 0.0056, 1_710),
    ]
    floors = [0] + [row[0] for row in rows[:-1]]
    tiers = [Tier(floor, cap, lev, mmr, ded) for floor, (cap, lev, mmr, ded) in zip(floors, rows)]
    return MarginTiers(tiers, name="Bybit BTCUSDT risk limits, first 3 tiers (2026-10)",
                       unit="USDT")


BYBIT_BTCUSDT = _bybit_btcusdt()
"""Bybit USDT perpetual BTCUSDT risk-limit tiers (position value in USDT), the first three.

Source: Bybit public API ``GET /v5/market/risk-limit?category=linear&symbol=BTCUSDT``, tiers 1-3
as returned in September-October 2026 (riskLimitValue 300,000 / 2,000,000 / 2,600,000 USDT;
maintenanceMargin 0.33 % / 0.5 % / 0.56 %; maxLeverage 150 / 100 / 90; mmDeduction 0 / 510 /
1,710), read from public client fixtures of that endpoint, not from Bybit's web page. The
deductions follow the same recurrence as Binance's maintenance amounts. Bybit lists many more
tiers for larger positions: load today's full table with ``tiers_from_bybit``.
"""
