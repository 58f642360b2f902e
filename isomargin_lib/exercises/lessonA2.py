"""Appendix A2 exercises: the chance that the price ENDS the week below the liquidation price
(the first term of the formula); what fat tails do to the model's probabilities; why the
explorer's simulated points sit on one side of the curve. Every code line a solution prints
runs in the lesson after its import cell (tests/test_exercises.py runs them)."""

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

label_questions(globals())
