"""Lesson 08 exercises: which leverage survived a real crash, what a liquidation cost, and
what the top-ups moved."""

from .._backtest import (
    CRASH_MARGIN,
    CRASH_TOP_UP,
    CRASH_WALLET,
    replay_crash,
    replay_outcome,
)
from .._paths import CRASH_LABELS, load_btc_crash
from ..plots import format_time
from ._base import ChoiceExercise, Mistake, NumericExercise, label_questions

LEVERAGES = (2, 5, 10, 25)

# Question 1: 19 May 2021, entering the day after the wick, isolated mode (not in the lesson's
# table, which enters at each window's first hour).
Q1_CRASH, Q1_ENTRY = "may_2021", 120
Q1_OUTCOMES = {lev: replay_outcome(replay_crash(Q1_CRASH, lev, entry_hour=Q1_ENTRY))
               for lev in LEVERAGES}
_SURVIVORS = [lev for lev in LEVERAGES if not Q1_OUTCOMES[lev].liquidated]
_LETTERS = dict(zip("abcde", (*LEVERAGES, None)))
_Q1_START = format_time(load_btc_crash(Q1_CRASH).time[Q1_ENTRY])


def _fate(lev):
    result = Q1_OUTCOMES[lev]
    if result.liquidated:
        return f"{lev}x was liquidated on {format_time(result.time)} UTC"
    return f"{lev}x survived to the end of the window"


def _explain(lev):
    """Why this letter is right or wrong, about the leverage it names (and its neighbour)."""
    if lev is None:
        return (f"At least one of them survived: {_fate(min(LEVERAGES))}."
                if _SURVIVORS else "None of them survived this window.")
    text = _fate(lev) + "."
    higher = [h for h in LEVERAGES if h > lev]
    if not Q1_OUTCOMES[lev].liquidated and higher:
        if Q1_OUTCOMES[higher[0]].liquidated:
            text += f" The next one, {_fate(higher[0])}."
        else:
            text += " But a higher leverage survived too: the question asks for the highest."
    return text


q1 = ChoiceExercise(
    options={letter: (f"{lev}x" if lev else "none of them") for letter, lev in _LETTERS.items()},
    answer=next(letter for letter, lev in _LETTERS.items()
                if lev == (max(_SURVIVORS) if _SURVIVORS else None)),
    explanations={letter: _explain(lev) for letter, lev in _LETTERS.items()},
    hint_text=f"Set the explorer to '{CRASH_LABELS[Q1_CRASH]}', entry hour {Q1_ENTRY} "
              f"({_Q1_START} UTC), isolated, no top-ups, and try each leverage.",
)

# Question 2: a 10x isolated long in the June 2022 window, entered two days in.
Q2_CRASH, Q2_LEVERAGE, Q2_ENTRY = "june_2022", 10, 48
_Q2_RECORD = replay_crash(Q2_CRASH, Q2_LEVERAGE, entry_hour=Q2_ENTRY)
Q2 = replay_outcome(_Q2_RECORD)
_Q2_CROSS = replay_outcome(replay_crash(Q2_CRASH, Q2_LEVERAGE, entry_hour=Q2_ENTRY,
                                        mode="cross"))
# The liquidation split: the loss at the liquidation price, and the maintenance margin left
# there, which the liquidation engine keeps (see ``backtest``).
_Q2_LIQUIDATION = _Q2_RECORD.events_of("liquidated")[0]

q2 = NumericExercise(
    answer=-Q2.change,
    unit="USDT",
    hint_text=f"Sum up the replay with `replay_outcome(replay_crash('{Q2_CRASH}', "
              f"{Q2_LEVERAGE}, entry_hour={Q2_ENTRY}))` (or use the explorer) and compare the "
              f"account at the end with the {CRASH_WALLET:,.0f} USDT it started with. What "
              "does a liquidated isolated position lose?",
    solution_text=f"`-replay_outcome(replay_crash('{Q2_CRASH}', {Q2_LEVERAGE}, "
                  f"entry_hour={Q2_ENTRY})).change`: the position was liquidated, so the "
                  f"account lost its whole isolated margin, {CRASH_MARGIN:,.0f} USDT: the loss "
                  "down to the liquidation price, plus the maintenance margin left there, which "
                  "the exchange's liquidation engine keeps: as its liquidation clearance fee (a "
                  "fee the exchange charges for closing a position by force) and for its "
                  "insurance fund (the exchange's reserve that pays for liquidations that end "
                  "below the bankruptcy price). "
                  f"The other {CRASH_WALLET - CRASH_MARGIN:,.0f} USDT of the wallet were "
                  "untouched.",
    mistakes=[
        Mistake(-_Q2_LIQUIDATION.amount, "That is only the loss down to the liquidation price "
                "(the liquidation event's amount). At that price the position still had its "
                "maintenance margin, and the liquidation engine keeps that too: a liquidated "
                "isolated position loses its whole margin."),
        Mistake(-_Q2_CROSS.change, "That is what the same long lost in cross mode, where the "
                "whole wallet backed it. The question is about isolated mode."),
        Mistake(Q2.final_equity, "That is what is left in the account, not what it lost."),
        Mistake(Q2.change, "Right amount, given as a change (the explorer's 'Gain (+) or loss "
                "(−)'). Give the loss as a positive number."),
    ],
)

# Question 3: a top-up rule on Black Thursday, entering at the start of 13 March 2020.
Q3_CRASH, Q3_LEVERAGE, Q3_ENTRY, Q3_AT = "covid_2020", 10, 120, 0.5
Q3 = replay_outcome(replay_crash(Q3_CRASH, Q3_LEVERAGE, entry_hour=Q3_ENTRY, top_up_at=Q3_AT))
_Q3_WITHOUT = replay_outcome(replay_crash(Q3_CRASH, Q3_LEVERAGE, entry_hour=Q3_ENTRY))

q3 = NumericExercise(
    answer=Q3.margin_added,
    unit="USDT",
    hint_text=f"In the explorer: {CRASH_LABELS[Q3_CRASH]}, entry hour {Q3_ENTRY}, "
              f"{Q3_LEVERAGE}x, isolated, top-ups at {100 * Q3_AT:.0f} %. Read 'Margin added "
              "by top-ups', or count the blue diamonds.",
    solution_text=f"`replay_outcome(replay_crash('{Q3_CRASH}', {Q3_LEVERAGE}, "
                  f"entry_hour={Q3_ENTRY}, top_up_at={Q3_AT})).margin_added`: each time the "
                  f"margin ratio reached {100 * Q3_AT:.0f} %, {CRASH_TOP_UP:,.0f} USDT moved "
                  "from the wallet into the isolated margin.",
    mistakes=[
        Mistake(CRASH_WALLET - CRASH_MARGIN, "That is the whole budget (the rest of the "
                "wallet). The rule stops adding once the margin ratio is back under its "
                "threshold."),
        Mistake(-_Q3_WITHOUT.change, "That is what the position lost without top-ups: it was "
                "liquidated."),
        Mistake(CRASH_MARGIN + Q3.margin_added, "That is the isolated margin at the end (the "
                "first 1,000 USDT plus the top-ups). The question asks what the top-ups "
                "added."),
    ],
)

label_questions(globals())
