"""Lesson 09 exercises: the margin a beta-hedged pair needs in each mode, and when cross is
the worse choice."""

from .._accounts import (
    BTC_ENTRY,
    ETH_ENTRY,
    compare_shock,
    hedged_pair_positions,
    margin_to_survive,
    shocked_marks,
)
from ._base import ChoiceExercise, Mistake, NumericExercise, label_questions

# Questions 1 and 2: ETH moves 1.3 times the market; the short is sized 0.75 of the long.
HEDGE_RATIO, BETA, LEVERAGE, MOVE = 0.75, 1.3, 10, 30
PAIR = hedged_pair_positions(HEDGE_RATIO, LEVERAGE)
BETAS = {"BTC long": 1.0, "ETH short": BETA}
SCENARIOS = [shocked_marks(PAIR, -MOVE, betas=BETAS), shocked_marks(PAIR, MOVE, betas=BETAS)]
NEEDED = margin_to_survive(PAIR, SCENARIOS)
_INITIAL = {n: p.margin for n, p in PAIR.items()}
_NO_BETA = margin_to_survive(PAIR, [shocked_marks(PAIR, -MOVE), shocked_marks(PAIR, MOVE)])

# The by-hand check of question 1: each leg's loss at its own worst price, plus its
# maintenance margin there (the rates the lesson states: 0.4 % BTC, 0.5 % ETH).
_BTC_LOW = BTC_ENTRY * (1 - MOVE / 100)
_ETH_HIGH = ETH_ENTRY * (1 + BETA * MOVE / 100)
_ETH_QTY = PAIR["ETH short"].position.quantity
_BTC_QTY = PAIR["BTC long"].position.quantity

q1 = NumericExercise(
    answer=NEEDED.isolated,
    unit="USDT",
    hint_text=f"In the cell under the question, write ETH's beta, {BETA:g}, in the betas dict "
              "and run it. Each isolated leg "
              f"must survive its own worst case: the long a {MOVE} % fall, the short a rise of "
              f"{BETA:g} x {MOVE} % = {BETA * MOVE:g} % in ETH. Each needs its loss plus its "
              "maintenance margin there (0.4 % of the BTC notional, 0.5 % of the ETH "
              "notional; at least its initial margin). Add the legs.",
    solution_text=f"`margin_to_survive(ex.PAIR, ex.SCENARIOS).isolated`, with `ex.SCENARIOS` the "
                  f"market at -{MOVE} % and +{MOVE} % and ETH moving {BETA:g} times the market. "
                  f"By hand: the long falls to {_BTC_LOW:,.0f} and loses "
                  f"{_BTC_QTY:g} x {BTC_ENTRY - _BTC_LOW:,.0f} = "
                  f"{_BTC_QTY * (BTC_ENTRY - _BTC_LOW):,.2f} USDT, plus 0.4 % x "
                  f"{_BTC_QTY * _BTC_LOW:,.0f} = {0.004 * _BTC_QTY * _BTC_LOW:,.2f}: "
                  f"{NEEDED.per_position['BTC long']:,.2f}. ETH rises {BETA * MOVE:g} % to "
                  f"{_ETH_HIGH:,.0f}; the short of {_ETH_QTY:g} ETH loses "
                  f"{_ETH_QTY:g} x {_ETH_HIGH - ETH_ENTRY:,.0f} = "
                  f"{_ETH_QTY * (_ETH_HIGH - ETH_ENTRY):,.2f}, plus 0.5 % x "
                  f"{_ETH_QTY * _ETH_HIGH:,.0f} = {0.005 * _ETH_QTY * _ETH_HIGH:,.3f}: "
                  f"{NEEDED.per_position['ETH short']:,.3f}. Together "
                  f"{NEEDED.isolated:,.3f} USDT (to the cent, either way is accepted).",
    mistakes=[
        Mistake(sum(_INITIAL.values()), "That is only the initial margin of the two legs: at "
                f"{LEVERAGE}x each leg has about {100 / LEVERAGE:g} % of room."),
        Mistake(_NO_BETA.isolated, "That treats ETH as moving exactly like BTC. Here ETH "
                f"moves {BETA:g} times the market, so the short loses more when it rises."),
        Mistake(NEEDED.per_position["BTC long"], "That is the long leg alone; the short needs "
                "its own margin too."),
        Mistake(NEEDED.per_position["ETH short"], "That is the short leg alone; the long needs "
                "its own margin too."),
    ],
)

q2 = NumericExercise(
    answer=NEEDED.cross,
    unit="USDT",
    hint_text="The cell under question 1 prints it too. In cross mode one wallet backs both "
              "legs, and with this hedge ratio the legs almost cancel. What does the exchange "
              "ask for, at the least, to open them?",
    solution_text="`margin_to_survive(ex.PAIR, ex.SCENARIOS).cross`: the net loss plus the "
                  "maintenance margins is small, so the initial margin of the two legs decides: "
                  + " + ".join(f"{m:,.0f}" for m in _INITIAL.values())
                  + f" = {NEEDED.cross:,.2f} USDT.",
    mistakes=[
        Mistake(NEEDED.isolated, "That is the isolated answer: in cross mode one leg's profit "
                "pays for the other's loss."),
        Mistake(_INITIAL["BTC long"], "That opens only the long: each leg needs its initial "
                "margin, in cross mode too."),
    ],
)

# Question 3: when is cross the worse choice? Numbers for the explanations.
WALLET = 3_000.0
_BROKEN = compare_shock(WALLET, PAIR, shocked_marks(PAIR, -40, betas={"BTC long": 1.0,
                                                                       "ETH short": -0.5}))
_HEDGED = compare_shock(WALLET, PAIR, shocked_marks(PAIR, -20, betas=BETAS))

q3 = ChoiceExercise(
    options={
        "a": "when the market falls 20 % and ETH follows BTC with its usual beta",
        "b": "when a squeeze lifts ETH while BTC falls, so both legs lose at once",
        "c": "never: cross always needs less margin, so it is always the safer mode",
        "d": "when both legs are in profit at the same time after a sideways market",
    },
    answer="b",
    explanations={
        "a": f"Then the legs offset: at -20 % cross loses {_HEDGED['cross'].loss:,.2f} USDT "
             f"and liquidates {len(_HEDGED['cross'].liquidated)} leg(s); isolated liquidates "
             f"{len(_HEDGED['isolated'].liquidated)}. Cross is at its best here.",
        "b": f"Take the pair of questions 1 and 2 (hedge ratio {HEDGE_RATIO:g}) with BTC at "
             f"-40 % and ETH at +20 %: both legs lose. Cross puts the whole wallet behind them "
             f"and loses {_BROKEN['cross'].loss:,.2f} USDT of {WALLET:,.0f}; isolated loses "
             "only the two margins, "
             + " + ".join(f"{m:,.0f}" for m in _INITIAL.values())
             + f" = {_BROKEN['isolated'].loss:,.2f} USDT. (The lesson's squeeze table shows "
             "1,200 because its pair has hedge ratio 1, so both margins are 600: a different "
             "pair, the same rule.) "
             "In broad crashes coins usually fall together; hedges break on one coin's own "
             "news or squeeze, a wrong beta, or a leg that is closed.",
        "c": "Needing less margin is capital efficiency, not safety: when the legs stop "
             "offsetting, the whole cross wallet is at stake.",
        "d": "Profits are shared in cross mode too; nothing is liquidated while both legs win.",
    },
    hint_text="Cross is good when one leg's profit pays for the other's loss. When does that "
              "stop? Try ETH beta -0.5 (ETH rising while BTC falls) in the explorer and move "
              "the market down.",
)

label_questions(globals())
