"""Interactive explorers: one function per interactive, each returning an ``Explorer``.

Display one by leaving it as the last expression of a cell; drive it from code exactly as a
learner would: ``ex.controls["leverage"].value = 20``, then read ``ex.figure.data`` and
``ex.numbers``.

Each explorer's module (and the library modules it needs: backtests, strategies, crash data)
is imported when the explorer is first asked for, so a lesson's import cell pays only for the
explorers it uses.
"""

import importlib

from ._base import Explorer, Frame, Reading, slider, toggle

# Explorer name -> its module (imported on first use, PEP 562).
_MODULES = {
    "adjust_margin": "_requirements",
    "bracket_at_liquidation": "_requirements",
    "crash_replay": "_crashes",
    "cross_vs_isolated": "_cross",
    "exchange_comparison": "_exchanges",
    "hedged_pair": "_hedging",
    "inverse_vs_linear": "_inverse",
    "isolated_liquidation": "_isolated",
    "leverage_and_pnl": "_leverage",
    "leverage_distance": "_start",
    "liquidation_risk": "_volatility",
    "mistake_scenarios": "_mistakes",
    "portfolio_shock": "_cross",
    "stop_and_size": "_sizing",
    "strategy_comparison": "_automation",
    "tier_ladder": "_requirements",
}

__all__ = ["Explorer", "Frame", "Reading", "slider", "toggle", *sorted(_MODULES)]


def __getattr__(name):
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # next time: a plain attribute
    return value


def __dir__():
    return sorted(set(globals()) | set(_MODULES))
