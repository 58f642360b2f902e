"""Lesson 00 exercise: read the distance to liquidation off the first explorer."""

from .._contracts import Position
from .._margin import initial_margin, liquidation_move_percent
from .._tiers import BINANCE_BTCUSDT
from ._base import Mistake, NumericExercise, label_questions

_LONG = Position("long", 60_000, 0.1)
_MARGIN_10X = initial_margin(_LONG, 10, tiers=BINANCE_BTCUSDT)

q1 = NumericExercise(
    answer=-liquidation_move_percent(_LONG, _MARGIN_10X, tiers=BINANCE_BTCUSDT),
    unit="%",
    hint_text="Set the slider to 10x and read 'Price fall to liquidation (%)' in the readout.",
    solution_text="At 10x the margin is 600 USDT, a tenth of the 6,000 USDT position. The "
                  "exchange liquidates when what is left falls to the maintenance margin (0.4 % "
                  "of the position), a little before the whole 10 % is lost.",
    mistakes=[Mistake(10.0, "10 % would lose the whole margin. The exchange steps in a little "
                            "earlier, when the margin left equals the maintenance margin."),
              Mistake(100 * (_MARGIN_10X - 0.004 * _LONG.notional()) / _LONG.notional(),
                      "A wrong rule, not a rounding: you took the maintenance margin on the "
                      "position's value at entry (0.4 % of 6,000 = 24). It is measured at the "
                      "current price, so at the liquidation price it is a little smaller "
                      "(0.4 % of the value there, about 21.69 USDT).")],
)

label_questions(globals())
