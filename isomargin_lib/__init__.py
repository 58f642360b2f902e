"""isomargin_lib: the formulas of the isomargin course on isolated and cross margin.

Every number a lesson shows comes from here. Formulas follow the exchanges' published ones
(Binance USDⓈ-M and COIN-M futures; Bybit, OKX and Gate isolated margin through
``isolated_quote``); each function's docstring names its source.
"""

from ._accounts import (
    CrossAccount,
    IsolatedPosition,
    ShockOutcome,
    SurvivalMargin,
    compare_shock,
    cross_twin,
    hedged_pair_positions,
    margin_to_survive,
    max_addable_margin,
    shocked_marks,
)
from ._backtest import (
    EVENT_KINDS,
    BacktestEvent,
    BacktestRecord,
    BacktestRules,
    ReplayOutcome,
    backtest,
    replay_crash,
    replay_outcome,
)
from ._contracts import Position
from ._exchanges import EXCHANGES, MarginQuote, isolated_quote
from ._fees import (
    BINANCE_USDM_TAKER_RATE,
    BYBIT_TAKER_RATE,
    GATE_FUTURES_TAKER_RATE,
    OKX_SWAP_TAKER_RATE,
    TAKER_RATES,
    taker_fee,
)
from ._funding import funding_payment
from ._margin import (
    bankruptcy_price,
    initial_margin,
    liquidation_move_percent,
    liquidation_price,
    maintenance_margin,
    margin_ratio,
    return_on_equity,
)
from ._paths import (
    CRASH_LABELS,
    CRASH_WINDOWS,
    DAYS_PER_YEAR,
    Candles,
    bootstrap_paths,
    candles_from_path,
    gbm_paths,
    load_btc_crash,
    load_btc_daily,
    log_returns,
    student_t_paths,
)
from ._risk import (
    MonteCarloEstimate,
    PositionSizing,
    barrier_hit_probability,
    liquidation_probabilities_mc,
    liquidation_probability,
    liquidation_probability_mc,
    position_size,
)
from ._strategies import (
    AGGRESSIVE,
    CONSERVATIVE,
    STRATEGY_MODELS,
    PathOutcomes,
    StrategyRules,
    backtest_paths,
    strategy_outcomes,
)
from ._tier_loaders import tiers_from_binance, tiers_from_bybit, tiers_from_okx
from ._tiers import BINANCE_BTCUSDT, BYBIT_BTCUSDT, MarginTiers, Tier

__all__ = [
    "AGGRESSIVE",
    "BINANCE_BTCUSDT",
    "BINANCE_USDM_TAKER_RATE",
    "BYBIT_BTCUSDT",
    "BYBIT_TAKER_RATE",
    "CONSERVATIVE",
    "CRASH_LABELS",
    "CRASH_WINDOWS",
    "DAYS_PER_YEAR",
    "EVENT_KINDS",
    "EXCHANGES",
    "GATE_FUTURES_TAKER_RATE",
    "OKX_SWAP_TAKER_RATE",
    "STRATEGY_MODELS",
    "TAKER_RATES",
    "BacktestEvent",
    "BacktestRecord",
    "BacktestRules",
    "Candles",
    "CrossAccount",
    "IsolatedPosition",
    "MarginQuote",
    "MarginTiers",
    "MonteCarloEstimate",
    "PathOutcomes",
    "Position",
    "PositionSizing",
    "ReplayOutcome",
    "ShockOutcome",
    "StrategyRules",
    "SurvivalMargin",
    "Tier",
    "backtest",
    "backtest_paths",
    "bankruptcy_price",
    "barrier_hit_probability",
    "bootstrap_paths",
    "candles_from_path",
    "compare_shock",
    "cross_twin",
    "funding_payment",
    "gbm_paths",
    "hedged_pair_positions",
    "initial_margin",
    "isolated_quote",
    "liquidation_move_percent",
    "liquidation_price",
    "liquidation_probabilities_mc",
    "liquidation_probability",
    "liquidation_probability_mc",
    "load_btc_crash",
    "load_btc_daily",
    "log_returns",
    "maintenance_margin",
    "margin_ratio",
    "margin_to_survive",
    "max_addable_margin",
    "position_size",
    "replay_crash",
    "replay_outcome",
    "return_on_equity",
    "shocked_marks",
    "strategy_outcomes",
    "student_t_paths",
    "taker_fee",
    "tiers_from_binance",
    "tiers_from_bybit",
    "tiers_from_okx",
]
__version__ = "0.1.0"
