"""isomargin_lib: the formulas of the isomargin course on isolated and cross margin.

Every number a lesson shows comes from here. Formulas follow the exchanges' published ones
(Binance USDⓈ-M and COIN-M futures); each function's docstring names its source.
"""

from ._accounts import CrossAccount, IsolatedPosition
from ._contracts import Position
from ._margin import (
    bankruptcy_price,
    initial_margin,
    liquidation_move_percent,
    liquidation_price,
    maintenance_margin,
    margin_ratio,
    return_on_equity,
)
from ._tiers import BINANCE_BTCUSDT, MarginTiers, Tier

__all__ = [
    "BINANCE_BTCUSDT",
    "CrossAccount",
    "IsolatedPosition",
    "MarginTiers",
    "Position",
    "Tier",
    "bankruptcy_price",
    "initial_margin",
    "liquidation_move_percent",
    "liquidation_price",
    "maintenance_margin",
    "margin_ratio",
    "return_on_equity",
]
__version__ = "0.1.0"
