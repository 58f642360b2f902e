"""Lesson 01 exercises: initial margin, PnL and ROE of a short after a price move; funding."""

from .._contracts import Position
from .._funding import funding_payment
from .._margin import initial_margin, return_on_equity
from ._base import Mistake, NumericExercise, label_questions

# q1: a long of 0.2 BTC at 60,000 USDT, opened at 20x.
_LONG = Position("long", 60_000, 0.2)
_LONG_LEVERAGE = 20

q1 = NumericExercise(
    answer=initial_margin(_LONG, _LONG_LEVERAGE),
    unit="USDT",
    hint_text="First the notional: quantity x entry price. Leverage divides it: initial margin = "
              "notional / leverage.",
    solution_text="Notional = 0.2 BTC x 60,000 USDT = 12,000 USDT. At 20x you put up a "
                  "twentieth of it: 12,000 / 20. In code: `initial_margin(Position('long', "
                  "60_000, 0.2), 20)`.",
    mistakes=[
        Mistake(_LONG.notional(), "That is the notional, the value of the whole position. The "
                                  "margin is the part you put up: notional / leverage."),
        Mistake(_LONG.notional() * _LONG_LEVERAGE,
                "Leverage divides the notional, it does not multiply it: margin = notional / "
                "leverage."),
    ],
)

# q2 and q3: a short of 0.1 BTC at 60,000 USDT, opened at 10x; the price then falls 3 %.
_SHORT = Position("short", 60_000, 0.1)
_SHORT_LEVERAGE = 10
_MOVE = -0.03
_PRICE = _SHORT.entry_price * (1 + _MOVE)
_SHORT_MARGIN = initial_margin(_SHORT, _SHORT_LEVERAGE)
_PNL = _SHORT.pnl(_PRICE)

q2 = NumericExercise(
    answer=_PNL,
    unit="USDT",
    hint_text="PnL is earned on the whole position (the notional), not on the margin. And a "
              "short gains when the price falls.",
    solution_text="The price falls from 60,000 to 58,200 USDT, by 1,800 USDT. A short of 0.1 BTC "
                  "gains 0.1 x 1,800. In code: `Position('short', 60_000, 0.1).pnl(58_200)`.",
    mistakes=[
        Mistake(-_PNL, "Forgot that a short gains when the price falls: it sold first and buys "
                       "back cheaper."),
        Mistake(Position("short", _SHORT.entry_price, 1.0).pnl(_PRICE),
                "That is the price change for one whole BTC. The position is 0.1 BTC: multiply "
                "the price change by the quantity."),
        Mistake(-_MOVE * _SHORT_MARGIN,
                "You applied the 3 % move to the margin. PnL is earned on the notional, the "
                "whole position: 0.1 BTC x the price change."),
    ],
)

q3 = NumericExercise(
    answer=100 * return_on_equity(_SHORT, _PRICE, _SHORT_LEVERAGE),
    unit="%",
    hint_text="ROE = PnL / initial margin. The margin is notional / leverage; the PnL is your "
              "answer to question 2.",
    solution_text="Initial margin = 6,000 / 10 = 600 USDT; ROE = PnL / 600 = leverage x the "
                  "price move, with the sign of a short. In code: `100 * return_on_equity("
                  "Position('short', 60_000, 0.1), 58_200, 10)`.",
    mistakes=[
        Mistake(-100 * _MOVE, "That is the price move. ROE is measured on the margin, which is "
                              "10 times smaller than the position: leverage multiplies it."),
        Mistake(100 * _MOVE * _SHORT_LEVERAGE,
                "Forgot that a short gains when the price falls: this ROE is positive."),
    ],
)

# q4: funding received by a short of 0.2 BTC (entry 60,000) at a mark of 65,000, rate +0.02 %.
_FUNDED = Position("short", 60_000, 0.2)
_MARK, _RATE = 65_000, 0.0002

q4 = NumericExercise(
    answer=funding_payment(_FUNDED, _MARK, _RATE),
    unit="USDT",
    hint_text="Funding = notional at the MARK price x the rate. With a positive rate, which side "
              "pays and which receives?",
    solution_text="Notional at the mark = 0.2 x 65,000 = 13,000 USDT; x 0.02 % = 2.60 USDT. The "
                  "rate is positive, so longs pay and the short receives +2.60. In code: "
                  "`funding_payment(Position('short', 60_000, 0.2), 65_000, 0.0002)`.",
    mistakes=[
        Mistake(-funding_payment(_FUNDED, _MARK, _RATE),
                "Right amount, wrong direction: with a positive rate longs pay shorts, so the "
                "short receives it."),
        Mistake(funding_payment(_FUNDED, _FUNDED.entry_price, _RATE),
                "That uses the notional at the entry price. Funding is taken on the notional at "
                "the mark price at the funding time: 0.2 x 65,000."),
        Mistake(10 * funding_payment(_FUNDED, _MARK, _RATE),
                "Check the rate: 0.02 % is 0.0002, not 0.002."),
    ],
)

label_questions(globals())
