"""Lesson 08 exercises: which leverage survived a real crash, what a liquidation cost, and
what the top-ups moved."""

from .._backtest import CRASH_MARGIN, CRASH_WALLET, replay_crash, replay_outcome
from .._paths import CRASH_LABELS, load_btc_crash
from ..plots import format_time
from ._base import ChoiceExercise, Mistake, NumericExercise, label_questions

LEVERAGES = (2, 5, 10, 25)

# Question 1: Black Thursday from the window's first hour, isolated mode.
Q1_CRASH = "covid_2020"
Q1_OUTCOMES = {lev: replay_outcome(replay_crash(Q1_CRASH, lev)) for lev in LEVERAGES}
_SURVIVORS = [lev for lev in LEVERAGES if not Q1_OUTCOMES[lev].liquidated]
_LETTERS = dict(zip("abcde", (*LEVERAGES, None)))


def _fate(lev):
    result = Q1_OUTCOMES[lev]
    if result.liquidated:
        return (f"{lev}x was liquidated on {format_time(result.time)} UTC, at "
                f"{result.price:,.2f} USDT")
    return f"{lev}x survived the window (worst margin ratio at a close " \
           f"{100 * result.worst_ratio:.1f} %)"


_ALL_FATES = "; ".join(_fate(lev) for lev in LEVERAGES) + "."
_LOW = float(load_btc_crash(Q1_CRASH).low.min())

q1 = ChoiceExercise(
    options={letter: (f"{lev}x" if lev else "none of them") for letter, lev in _LETTERS.items()},
    answer=next(letter for letter, lev in _LETTERS.items()
                if lev == (max(_SURVIVORS) if _SURVIVORS else None)),
    explanations={letter: (f"In this window: {_ALL_FATES} The lowest hourly low was "
                           f"{_LOW:,.2f} USDT.")
                  for letter in _LETTERS},
    hint_text=f"Set the explorer to '{CRASH_LABELS[Q1_CRASH]}', entry hour 0, isolated, no "
              "top-ups, and try each leverage. Compare each liquidation price at entry with "
              "the lowest low of the window.",
)

# Question 2: the isolated 10x long in the FTX window, from the first hour.
Q2_CRASH, Q2_LEVERAGE = "ftx_2022", 10
_Q2_RECORD = replay_crash(Q2_CRASH, Q2_LEVERAGE)
Q2 = replay_outcome(_Q2_RECORD)
_Q2_CROSS = replay_outcome(replay_crash(Q2_CRASH, Q2_LEVERAGE, mode="cross"))
# The liquidation split: the loss at the liquidation price, and the maintenance margin left
# there, which the liquidation engine keeps (see ``backtest``).
_Q2_LIQUIDATION = _Q2_RECORD.events_of("liquidated")[0]

q2 = NumericExercise(
    answer=-Q2.change,
    unit="USDT",
    hint_text="Replay it with replay_crash('ftx_2022', 10) (or the explorer) and compare the "
              f"account at the end with the {CRASH_WALLET:,.0f} USDT it started with. What "
              "does a liquidated isolated position lose?",
    solution_text="replay_outcome(replay_crash('ftx_2022', 10)).change is the gain (+) or "
                  "loss (−): the position was liquidated, so the account lost its whole "
                  f"isolated margin, {CRASH_MARGIN:,.0f} USDT: the loss down to the "
                  "liquidation price, plus the maintenance margin left there, which the exchange's "
                  "liquidation engine keeps (clearance fee / insurance fund). The other "
                  f"{CRASH_WALLET - CRASH_MARGIN:,.0f} USDT of the wallet were untouched.",
    mistakes=[
        Mistake(-_Q2_LIQUIDATION.amount, "That is only the loss down to the liquidation price "
                "(the liquidation event's amount). At that price the position still had its "
                "maintenance margin, and the liquidation engine keeps that too: a liquidated "
                "isolated position loses its whole margin."),
        Mistake(-_Q2_CROSS.change, "That is the cross account's loss: it was not liquidated, "
                "but the whole wallet carried the loss to the end of the window."),
        Mistake(Q2.final_equity, "That is what is left in the account, not what it lost."),
    ],
)

# Question 3: a top-up rule on 19 May 2021, entering the hour before the 30,000 USDT wick.
Q3_CRASH, Q3_LEVERAGE, Q3_ENTRY, Q3_AT = "may_2021", 10, 108, 0.5
Q3 = replay_outcome(replay_crash(Q3_CRASH, Q3_LEVERAGE, entry_hour=Q3_ENTRY, top_up_at=Q3_AT))
_Q3_WITHOUT = replay_outcome(replay_crash(Q3_CRASH, Q3_LEVERAGE, entry_hour=Q3_ENTRY))

q3 = NumericExercise(
    answer=Q3.margin_added,
    unit="USDT",
    hint_text="In the explorer: 19 May 2021, entry hour 108, 10x, isolated, top-ups at 50 %. "
              "Read 'Margin added by top-ups'.",
    solution_text="replay_outcome(replay_crash('may_2021', 10, entry_hour=108, "
                  "top_up_at=0.5)).margin_added: each time the margin ratio reached 50 %, "
                  "250 USDT moved from the wallet into the isolated margin.",
    mistakes=[
        Mistake(CRASH_WALLET - CRASH_MARGIN, "That is the whole budget (the rest of the "
                "wallet). The rule stops adding once the margin ratio is back under its "
                "threshold."),
        Mistake(-_Q3_WITHOUT.change, "That is what the position lost without top-ups: it was "
                "liquidated on the wick."),
    ],
)

label_questions(globals())
