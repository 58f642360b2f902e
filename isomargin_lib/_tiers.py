"""Exchange margin tiers (leverage and margin brackets): the bigger the position, the lower the
maximum leverage and the higher the maintenance margin rate."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from . import _checks


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

    Raises
    ------
    ValueError
        When the tiers are empty, unsorted, overlapping, gapped or inconsistent.
    """

    def __init__(self, tiers, name: str = "custom tiers"):
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
            expected = next_maintenance_amount(high.floor, high.mmr, low)
            if not math.isclose(high.maintenance_amount, expected, rel_tol=1e-9, abs_tol=1e-6):
                raise ValueError(f"tiers[{i}].maintenance_amount must be {expected:,.6g} "
                                 f"(floor*(mmr - previous mmr) + previous amount), got "
                                 f"{high.maintenance_amount:,.6g}")
        self.tiers = tiers
        self.name = name
        self._floors = np.array([tier.floor for tier in tiers])

    def __iter__(self):
        return iter(self.tiers)

    def __len__(self):
        return len(self.tiers)

    def __getitem__(self, index):
        return self.tiers[index]

    def __repr__(self):
        return f"MarginTiers({self.name!r}, {len(self)} brackets up to {self.tiers[-1].cap:,.0f})"

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
            raise ValueError(f"notional must be in [0, {self.max_notional:,.0f}) for {self.name}, "
                             f"got {notional:,.2f}")
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
    return MarginTiers(tiers, name="Binance USDⓈ-M BTCUSDT (2024-10)")


BINANCE_BTCUSDT = _binance_btcusdt()
"""Binance USDⓈ-M BTCUSDT perpetual leverage and margin brackets, notional in USDT.

Source: Binance Futures "Leverage & Margin" table for BTCUSDT, October 2024. Exchanges revise
these tables; check the current one before trading.
"""
