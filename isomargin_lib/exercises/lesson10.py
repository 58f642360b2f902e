"""Lesson 10 exercises: reading the strategy comparison, and why one good path proves little."""

import dataclasses

from .._strategies import AGGRESSIVE, CONSERVATIVE, strategy_outcomes
from ._base import ChoiceExercise, Mistake, NumericExercise, label_questions

# Question 1: the explorer's defaults (GBM, 60 % a year, 20x, top-ups at a 50 % margin ratio).
_GBM = {name: strategy_outcomes(rules, "GBM", 60).summary
        for name, rules in (("conservative", CONSERVATIVE), ("aggressive", AGGRESSIVE))}
_NO_TOP_UPS = strategy_outcomes(dataclasses.replace(
    AGGRESSIVE, add_margin_at_ratio=None, add_margin_amount=0.0, add_margin_budget=0.0),
    "GBM", 60).summary

q1 = NumericExercise(
    answer=100 * _GBM["aggressive"]["liquidation_probability"],
    unit="%",
    hint_text="Leave the explorer at its defaults (GBM, volatility 60 %, aggressive 20x, "
              "top-ups at 50 %) and read 'Liquidated, aggressive'.",
    solution_text="In percent: `100 * strategy_outcomes(AGGRESSIVE, 'GBM', 60)"
                  ".summary['liquidation_probability']`.",
    mistakes=[
        Mistake(100 * _NO_TOP_UPS["liquidation_probability"],
                "That is with the top-ups switched off. Set 'Top up' back to 50 %."),
        Mistake(100 * _GBM["conservative"]["liquidation_probability"],
                "That is the conservative strategy. The question asks about the aggressive one."),
    ],
    atol=0.05,
)

# Question 2: the real daily history, a new entry every 7 days, with the conservative stop
# moved to 10 % (the lesson prints the medians at the default 5 % stop).
Q2_STOP = 10
_WIDE = dataclasses.replace(CONSERVATIVE, stop_percent=Q2_STOP)
_HISTORY = strategy_outcomes(_WIDE, "BTC 2018-2025", 60).summary
_HISTORY_5 = strategy_outcomes(CONSERVATIVE, "BTC 2018-2025", 60).summary
_GBM_WIDE = strategy_outcomes(_WIDE, "GBM", 60).summary
_HISTORY_AGGRESSIVE = strategy_outcomes(AGGRESSIVE, "BTC 2018-2025", 60).summary

q2 = NumericExercise(
    answer=_HISTORY["median_final_equity"],
    unit="USDT",
    hint_text="Switch 'Price paths' to 'BTC 2018-2025', move 'Conservative stop distance' to "
              "10 %, leave the other controls at their defaults, and read 'Median final "
              "equity, conservative'.",
    solution_text="`strategy_outcomes(dataclasses.replace(CONSERVATIVE, stop_percent=10), "
                  "'BTC 2018-2025').summary['median_final_equity']`.",
    mistakes=[
        Mistake(_HISTORY_5["median_final_equity"],
                "That is the median with the stop at its default 5 %, printed earlier in the "
                "lesson. Move the stop to 10 %."),
        Mistake(_HISTORY_AGGRESSIVE["median_final_equity"],
                "That is the aggressive strategy's median."),
        Mistake(_GBM_WIDE["median_final_equity"],
                "That is the median over the simulated GBM paths. Switch to the real history."),
        Mistake(_HISTORY["worst_5_percent"],
                "That is the 5 % worst outcome, not the median (the middle outcome)."),
    ],
    rtol=1e-6,
)

q3 = ChoiceExercise(
    options={
        "a": "It proves the strategy works: the rules were applied exactly as written, fees "
             "and funding included",
        "b": "It is one draw from a wide spread of outcomes: on other paths the same rules "
             "are often liquidated",
        "c": "It proves little only because such backtests leave out fees and funding, which "
             "eat the profit",
        "d": "It proves the strategy works if the path was real history rather than a "
             "simulated one",
    },
    answer="b",
    explanations={
        "a": "Applying the rules exactly says nothing about luck: a 20x long that happened to "
             "catch a rally looks brilliant on that path and is liquidated on most others.",
        "b": "A single path is one outcome among many. The explorer shows hundreds: only the "
             "distribution (the median, the 5 % worst and the share liquidated) says what the "
             "rules really produce.",
        "c": "The course's backtests include taker fees and funding. The problem is luck, not "
             "costs.",
        "d": "History is one path too: the same dates will not repeat, and a rule tuned to them "
             "is tuned to the past (overfitting).",
    },
    hint_text="Move the aggressive leverage and look at the width of its histogram: where "
              "would one lucky path sit?",
)

label_questions(globals())
