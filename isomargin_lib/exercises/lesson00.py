"""Lesson 00 exercise: read the distance to liquidation off the first explorer."""

import math

from .._contracts import Position
from .._margin import initial_margin, liquidation_move_percent
from .._tiers import BINANCE_BTCUSDT
from ._base import Feedback, NumericExercise, _as_float, label_questions

_LONG = Position("long", 60_000, 0.1)
_MARGIN_10X = initial_margin(_LONG, 10, tiers=BINANCE_BTCUSDT)



class _TwoDecimals(NumericExercise):
    """A percentage asked with two decimals: an answer that is the right value rounded to
    fewer decimals is told to keep two, never diagnosed as a wrong rule, even when it equals
    one (9.6 is both 9.64 rounded and the maintenance margin taken at entry)."""

    def check(self, answer) -> Feedback:
        value = _as_float(answer)
        if value is not None and not self._near(value, self.answer, self.rtol):
            for digits in (1, 0):
                if math.isclose(value, round(self.answer, digits)):
                    return Feedback("close", self._rounded_text(digits))
        return super().check(answer)

    def _rounded_text(self, digits: int) -> str:
        text = (f"Close: that is the answer rounded to {digits} decimal"
                f"{'' if digits == 1 else 's'}. Keep two decimals, as the readout shows them.")
        if digits == 0:  # 10: also the classic slip of losing the whole margin
            text += (" (Exactly 10 % would lose the whole margin: the exchange steps in a "
                     "little earlier, when the margin left equals the maintenance margin.)")
        return text


q1 = _TwoDecimals(
    answer=-liquidation_move_percent(_LONG, _MARGIN_10X, tiers=BINANCE_BTCUSDT),
    unit="%",
    hint_text="Set the slider to 10x and read 'Price fall to liquidation (%)' in the readout.",
    solution_text="At 10x the margin is 600 USDT, a tenth of the 6,000 USDT position. The "
                  "exchange liquidates when what is left falls to the maintenance margin (0.4 % "
                  "of the position's value at the current price: about 21.69 USDT at the "
                  "liquidation price, not 0.4 % of the 6,000 at entry), a little before the "
                  "whole 10 % is lost.",
)

label_questions(globals())
