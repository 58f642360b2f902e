"""Argument checks shared by the library: each failure is a ValueError naming the argument,
its value and the allowed range, so a learner sees what to fix instead of a silent wrong number."""

from __future__ import annotations

import math
from numbers import Real

import numpy as np


def _as_number(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (Real, np.number)):
        raise ValueError(f"{name} must be a real number, got {value!r} ({type(value).__name__})")
    return float(value)


def finite(name: str, value) -> float:
    """Return ``value`` as a float; raise unless it is a finite real number."""
    value = _as_number(name, value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}")
    return value


def positive(name: str, value) -> float:
    """Return ``value`` as a float; raise unless it is finite and > 0."""
    value = _as_number(name, value)
    if not 0 < value < math.inf:
        raise ValueError(f"{name} must be a finite number > 0, got {value}")
    return value


def non_negative(name: str, value) -> float:
    """Return ``value`` as a float; raise unless it is finite and >= 0."""
    value = _as_number(name, value)
    if not 0 <= value < math.inf:
        raise ValueError(f"{name} must be a finite number >= 0, got {value}")
    return value


def in_range(name: str, value, low: float, high: float, *, high_open: bool = False) -> float:
    """Return ``value`` as a float; raise unless ``low <= value <= high`` (``< high`` if open)."""
    value = _as_number(name, value)
    inside = low <= value < high if high_open else low <= value <= high
    if not inside:  # also catches NaN
        bracket = ")" if high_open else "]"
        raise ValueError(f"{name} must be in [{low:g}, {high:g}{bracket}, got {value:g}")
    return value


def positive_prices(name: str, value):
    """Return a float or a float array of prices; raise unless every value is finite and > 0."""
    if np.ndim(value) == 0:
        return positive(name, value)
    array = np.asarray(value, dtype=float)
    bad = ~(np.isfinite(array) & (array > 0))
    if bad.any():
        raise ValueError(f"{name} must hold finite numbers > 0, got {array[bad][0]!r} among them")
    return array


def choice(name: str, value, allowed: tuple[str, ...]) -> str:
    """Return ``value``; raise unless it is one of the ``allowed`` strings."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}")
    return value


def whole_number(name: str, value, low: int, high: float = math.inf) -> int:
    """Return ``value`` as an int; raise unless it is an integer with ``low <= value <= high``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be a whole number in [{low}, {high:g}], got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be a whole number in [{low}, {high:g}], got {value}")
    return int(value)
