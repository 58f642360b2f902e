"""Interactive explorers: one function per interactive, each returning an ``Explorer``.

Display one by leaving it as the last expression of a cell; drive it from code exactly as a
learner would: ``ex.controls["leverage"].value = 20``, then read ``ex.figure.data`` and
``ex.numbers``.
"""

from ._automation import strategy_comparison
from ._base import Explorer, Frame, Reading, slider, toggle
from ._crashes import crash_replay
from ._cross import cross_vs_isolated, portfolio_shock
from ._exchanges import exchange_comparison
from ._hedging import hedged_pair
from ._inverse import inverse_vs_linear
from ._isolated import isolated_liquidation
from ._leverage import leverage_and_pnl
from ._mistakes import mistake_scenarios
from ._requirements import adjust_margin, bracket_at_liquidation, tier_ladder
from ._sizing import stop_and_size
from ._start import leverage_distance
from ._volatility import liquidation_risk

__all__ = [
    "Explorer",
    "Frame",
    "Reading",
    "adjust_margin",
    "bracket_at_liquidation",
    "crash_replay",
    "cross_vs_isolated",
    "exchange_comparison",
    "hedged_pair",
    "inverse_vs_linear",
    "isolated_liquidation",
    "leverage_and_pnl",
    "leverage_distance",
    "liquidation_risk",
    "mistake_scenarios",
    "portfolio_shock",
    "slider",
    "stop_and_size",
    "strategy_comparison",
    "tier_ladder",
    "toggle",
]
