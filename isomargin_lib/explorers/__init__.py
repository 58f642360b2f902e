"""Interactive explorers: one function per interactive, each returning an ``Explorer``.

Display one by leaving it as the last expression of a cell; drive it from code exactly as a
learner would: ``ex.controls["leverage"].value = 20``, then read ``ex.figure.data`` and
``ex.numbers``.
"""

from ._base import Explorer, Frame, Reading, slider, toggle
from ._cross import cross_vs_isolated, portfolio_shock
from ._inverse import inverse_vs_linear
from ._isolated import isolated_liquidation
from ._leverage import leverage_and_pnl
from ._requirements import adjust_margin, tier_ladder
from ._start import leverage_distance

__all__ = [
    "Explorer",
    "Frame",
    "Reading",
    "adjust_margin",
    "cross_vs_isolated",
    "inverse_vs_linear",
    "isolated_liquidation",
    "leverage_and_pnl",
    "leverage_distance",
    "portfolio_shock",
    "slider",
    "tier_ladder",
    "toggle",
]
