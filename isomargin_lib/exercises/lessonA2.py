"""Appendix A2 exercises: the chance that the price ENDS the week below the liquidation price
(the first term of the formula); what fat tails do to the model's probabilities; why the
explorer's simulated points sit on one side of the curve; and lesson 07's two questions on
why doubling the leverage more than doubles the chance of liquidation and what to do when
volatility doubles. Every code line a solution prints runs in the lesson after its import cell
(tests/test_printed_code.py runs them)."""

import math

from .._paths import DAYS_PER_YEAR
from .._risk import _normal_cdf
from ._base import ChoiceExercise, Mistake, NumericExercise, label_questions
from .lesson07 import _ENDS_BELOW, _LP, ENTRY, HORIZON, Q1_VOLATILITY, probability

# q1: the 15x long of lesson 07's question 2 (0.25 BTC at 60,000 USDT, margin 1,000 USDT,
# 50 % volatility, 7 days): the chance of ENDING below the liquidation price,
# Phi((b - m) / s) with b = ln(LP / P0), m = -s**2 / 2, s = sigma * sqrt(T).
_S = Q1_VOLATILITY * math.sqrt(HORIZON / DAYS_PER_YEAR)
_B = math.log(_LP / ENTRY)
_TOUCH = probability(15, volatility=Q1_VOLATILITY)

q1 = NumericExercise(
    answer=_ENDS_BELOW,
    unit="%",
    rtol=0.005,
    close_rtol=0.02,
    hint_text="Only the first term of the formula: Φ((b − m) / s), with b = ln (LP / 60,000), "
              "m = -s²/2 and s = σ·√T = 0.5 x √(7/365). The 15x liquidation price is the one "
              "of lesson 07's question 2 (margin 1,000 USDT); `NormalDist().cdf` is Φ.",
    solution_text=f"LP = {_LP:,.2f} USDT, b = {_B:.4f}, s = {_S:.4f}, m = {-_S**2 / 2:.5f}: "
                  f"Φ({(_B + _S**2 / 2) / _S:.3f}) = {_ENDS_BELOW:.2f} %, about half the "
                  f"{_TOUCH:.2f} % chance of touching it. In code: `100 * NormalDist().cdf((np.log("
                  "liquidation_price(Position('long', 60_000, 0.25), 1_000, "
                  "tiers=BINANCE_BTCUSDT) / 60_000) + (0.5 * np.sqrt(7 / 365))**2 / 2) / "
                  "(0.5 * np.sqrt(7 / 365)))`",
    mistakes=[
        Mistake(_TOUCH,
                "That is the chance of TOUCHING the liquidation price at some moment of the "
                "week (lesson 07's question 2). The question asks for the chance of ending "
                "the week below it: only the first term of the formula."),
        Mistake(100 * _normal_cdf(_B / _S),
                "Almost: you left out m = -s²/2, the small downward drift of the log price. "
                "Use Φ((b − m) / s) = Φ((b + s²/2) / s)."),
        Mistake(_TOUCH / 2,
                "You halved the chance of touching (lesson 07's question 2). Halving is only "
                "approximate: the formula's two terms are close but not equal. Compute the "
                "first term, Φ((b − m) / s), as the hint says."),
        Mistake(100 - _ENDS_BELOW,
                "That is the chance of ending ABOVE the liquidation price: Φ gives the chance "
                "of being below a level."),
    ],
)

_FAR, _NEAR = (10, 1), (20, 7)

q2 = ChoiceExercise(
    options={
        "a": "Every probability the model gives is a lower bound: with fat tails the real "
             "chance is always higher",
        "b": "Fat tails multiply the small chance of a far-away liquidation, but change a "
             "likely, nearby one little, and can even lower it",
        "c": "Fat tails change nothing, because the volatility is the same in both models",
        "d": "Fat tails matter for shorts only, because crashes go down",
    },
    answer="b",
    explanations={
        "a": "Not always: in the lesson, at 20x over 7 days, fewer fat-tailed paths than GBM "
             "paths touched the liquidation price. At the same volatility fat tails put more "
             "of the movement into rare big jumps and less into ordinary hours.",
        "b": "At the same volatility fat tails move probability into rare big jumps: a 10x "
             "liquidation within a day (several typical moves away) becomes about three times "
             "as likely, while a 20x one within a week (within a typical move) barely changes "
             "and here is a little less likely.",
        "c": "The same volatility can hide very different days: the fat-tailed model has more "
             "quiet days and more huge ones. Bitcoin had 26 falls of 10 % or more where GBM "
             "expected about 4.",
        "d": "Fat tails are on both sides: big rises liquidate shorts, big falls liquidate "
             "longs. The lesson's example is a long.",
    },
    hint_text="Look at the lesson's last comparison: 10x over one day, then 20x over a week, "
              "each on GBM paths and on fat-tailed paths with the same volatility.",
)

q3 = ChoiceExercise(
    options={
        "a": "The formula is wrong at low volatility; the simulation is the true value",
        "b": "Every point comes from the same 2,000 simulated paths (one seed), so "
             "neighbouring points share their random error; with another seed they sit "
             "elsewhere",
        "c": "The continuity correction always pushes the estimates below the formula",
        "d": "The exchange liquidates earlier than the formula assumes",
    },
    answer="b",
    explanations={
        "a": "The formula is exact for this model at every volatility (the simulation checks "
             "it at 60 % to within a standard error). A simulation is the one with a random "
             "error.",
        "b": "The explorer draws one set of paths per volatility and horizon (seed 7) and "
             "counts the touches of every leverage's liquidation price on those same paths. "
             "A set that happens to hold a few too few paths reaching 10x's liquidation price "
             "is likely short of paths reaching 20x's as well: neighbouring points err "
             "together. With seed 8 the 10x and 20x points sit above the curve.",
        "c": "Over many seeds the corrected estimates fall above the formula as often as "
             "below: the correction removes the bias of checking only at fixed times.",
        "d": "The formula and the simulation use the same liquidation price; only the "
             "random paths differ.",
    },
    hint_text="Compare the points for seed 7 and seed 8 that the lesson printed. What do all "
              "the points of one seed have in common?",
)

# q4, q5: lesson 07's leverage and volatility questions (the formula above explains both: the
# chance depends on the distance to liquidation counted in typical moves).
_P5, _P10, _P20 = probability(5), probability(10), probability(20)

q4 = ChoiceExercise(
    options={
        "a": "The exchange charges a higher maintenance margin rate at 20x, so the liquidation "
             "price sits much closer",
        "b": "The liquidation price comes twice as close, and a random path reaches a nearer "
             "level far more than twice as often",
        "c": "The price itself moves more at 20x, because the position is larger compared "
             "with the margin behind it",
        "d": "It does not: the distance to liquidation exactly halves, so the probability "
             "exactly doubles",
    },
    answer="b",
    explanations={
        "a": "Both positions are in the same bracket, with the same maintenance rate. What "
             "changes is the distance to the liquidation price, roughly 1/leverage.",
        "b": f"At 60 % volatility over 7 days: {_P5:.1f} % at 5x, {_P10:.1f} % at 10x, "
             f"{_P20:.1f} % at 20x. Halving the distance when it is a few typical moves away "
             "multiplies the chance many times (it falls off like the tail of a bell curve, "
             "not in proportion to the distance); it only saturates near 100 %.",
        "c": "The price does not know your leverage: its volatility is the market's. Leverage "
             "only moves the liquidation price towards the entry.",
        "d": f"Compute it: {_P10:.1f} % at 10x but {_P20:.1f} % at 20x, and {_P5:.1f} % at 5x. "
             "The probability is not proportional to the leverage.",
    },
    hint_text="Set the explorer to 60 % and 7 days, then read the probability at 5x, 10x and "
              "20x, and how many typical moves away the liquidation price is each time.",
)

_P10_LOW = probability(10, volatility=0.4)
_P5_HIGH = probability(5, volatility=0.8)
_P10_HIGH_SHORT = probability(10, volatility=0.8, horizon=HORIZON / 2)
_P10_HIGH = probability(10, volatility=0.8)

q5 = ChoiceExercise(
    options={
        "a": "Halve the leverage: the distance to liquidation doubles, in step with the "
             "typical move",
        "b": "Hold the position half as long: the typical move over the holding period "
             "halves too",
        "c": "Nothing: with isolated margin the loss is capped, so a change in volatility "
             "does not matter",
        "d": "Double the leverage, so that the bigger profit makes up for the bigger risk "
             "of liquidation",
    },
    answer="a",
    explanations={
        "a": f"What matters is the distance to liquidation measured in typical moves. At 10x "
             f"and 40 % volatility the chance over 7 days is {_P10_LOW:.1f} %; at 80 % it "
             f"would be {_P10_HIGH:.1f} %; at 5x and 80 % it is back to {_P5_HIGH:.1f} %.",
        "b": f"The typical move grows like the square root of time: halving the horizon only "
             f"divides it by 1.41. At 10x, 80 % volatility and 3.5 days the chance is still "
             f"{_P10_HIGH_SHORT:.1f} % (against {_P10_LOW:.1f} % at 40 % over 7 days).",
        "c": "The cap limits how much you lose when liquidated; volatility decides how often "
             f"it happens: {_P10_LOW:.1f} % at 40 % volatility against {_P10_HIGH:.1f} % at "
             "80 %, both at 10x over 7 days.",
        "d": "Doubling the leverage halves the distance to liquidation just when the typical "
             "move has doubled: the chance of liquidation jumps.",
    },
    hint_text="The typical move over the horizon is σ·√T (T in years: days / 365); the fall "
              "to liquidation is about 1 / leverage. Which change keeps the fall, counted in "
              "typical moves, the same?",
)

label_questions(globals())
