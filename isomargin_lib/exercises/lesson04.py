"""Lesson 04 exercises: the same shock in both modes, and the margin a hedged pair needs."""

from .._accounts import IsolatedPosition, compare_shock, margin_to_survive, shocked_marks
from .._contracts import Position
from .._tiers import BINANCE_BTCUSDT
from ..explorers._cross import build_portfolio
from ._base import ChoiceExercise, Mistake, NumericExercise, label_questions

# Question 1: the lesson's portfolio, 500 USDT per position, a 3,000 USDT wallet, -20 %.
WALLET, MARGIN, SHOCK = 3_000.0, 500.0, -20
POSITIONS, BETAS = build_portfolio(MARGIN)
OUTCOME = compare_shock(WALLET, POSITIONS, shocked_marks(POSITIONS, SHOCK, betas=BETAS))

_CASES = {
    "a": (("ETH long",), ()),
    "b": ((), tuple(POSITIONS)),
    "c": (("ETH long",), ("ETH long",)),
    "d": (("ETH long",), tuple(POSITIONS)),
}
_ACTUAL = (OUTCOME["isolated"].liquidated, OUTCOME["cross"].liquidated)


def _describe(names):
    return "none" if not names else "all three" if len(names) == len(POSITIONS) else \
        ", ".join(names)


q1 = ChoiceExercise(
    options={k: f"isolated: {_describe(i)} liquidated; cross: {_describe(c)} liquidated"
             for k, (i, c) in _CASES.items()},
    answer=next(k for k, case in _CASES.items() if case == _ACTUAL),
    explanations={
        "a": f"In isolated mode the 20x ETH long has only its {MARGIN:,.0f} USDT and a few "
             "percent of room, so it dies. In cross mode the rest of the wallet and the SOL "
             "short's gain still carry its loss: nothing is liquidated yet, though the wallet "
             "has shrunk a lot.",
        "b": "In isolated mode the ETH long at 20x has only a few percent of room, and ETH "
             "moves 1.3 times the market here: it cannot survive this move.",
        "c": "Cross cannot liquidate one position and keep the others: the account is "
             "liquidated as a whole when its margin ratio reaches 100 %.",
        "d": "That is what happens at -30 %. At this smaller move the cross wallet, helped by "
             "the SOL short's gain, still covers the ETH loss.",
    },
    hint_text=f"Set the explorer to {SHOCK} % 'with betas', wallet {WALLET:,.0f}, margin "
              f"{MARGIN:,.0f}, and read 'liquidated' for each mode.",
)

# Questions 2 and 3: a hedged pair, equal notional, both at 10x, survive +/-20 % together.
PAIR = {
    "BTC long": IsolatedPosition(Position("long", 60_000, 0.1), 10, tiers=BINANCE_BTCUSDT),
    "ETH short": IsolatedPosition(Position("short", 3_000, 2), 10, mmr=0.005),
}
MOVE = 20
SCENARIOS = [shocked_marks(PAIR, -MOVE), shocked_marks(PAIR, MOVE)]
NEEDED = margin_to_survive(PAIR, SCENARIOS)
_INITIAL = {n: p.position.notional() / p.leverage for n, p in PAIR.items()}
_LOSS_ONLY = {n: max(-float(p.pnl(s[n])) for s in SCENARIOS) for n, p in PAIR.items()}
_CROSS_MM_ONLY = max(sum(float(p.maintenance_margin(s[n])) for n, p in PAIR.items())
                     for s in SCENARIOS)

q2 = NumericExercise(
    answer=NEEDED.isolated,
    unit="USDT",
    hint_text=f"In isolated mode each leg stands alone. The long must survive a {MOVE} % fall, "
              f"the short a {MOVE} % rise: each needs its loss plus its maintenance margin at "
              "that price (and at least its initial margin). Add the two.",
    solution_text="margin_to_survive(PAIR, SCENARIOS).isolated: for each leg, "
                  "max(initial margin, loss + maintenance margin in its worst scenario), summed.",
    mistakes=[
        Mistake(sum(_INITIAL.values()), "That is only the initial margin of the two legs. At "
                "10x each leg has about 10 % of room, so a 20 % move liquidates one of them."),
        Mistake(sum(_LOSS_ONLY.values()), "Almost: the margin must also cover the maintenance "
                "margin at the worst price, not only the loss."),
        Mistake(NEEDED.per_position["BTC long"], "That is one leg. The other leg needs its own "
                "margin too: in isolated mode the long's profit cannot help the short."),
        Mistake(NEEDED.per_position["ETH short"], "That is one leg. The other leg needs its own "
                "margin too: in isolated mode the short's profit cannot help the long."),
    ],
)

q3 = NumericExercise(
    answer=NEEDED.cross,
    unit="USDT",
    hint_text="In cross mode one wallet backs both legs: whatever the long loses, the short "
              "gains. What is the least the exchange asks for to open the pair at all?",
    solution_text="margin_to_survive(PAIR, SCENARIOS).cross: the losses cancel, so the wallet "
                  "only has to cover the maintenance margins, which is less than the initial "
                  "margin both legs need to open. The initial margin decides.",
    mistakes=[
        Mistake(NEEDED.isolated, "That is the isolated answer. In cross mode the winning leg's "
                "profit pays for the losing leg's loss."),
        Mistake(_CROSS_MM_ONLY, "That keeps the pair out of liquidation, but the exchange needs "
                "the initial margin of both legs to open them in the first place."),
        Mistake(_INITIAL["BTC long"], "That opens only one leg: each leg needs its initial "
                "margin, in cross mode too."),
    ],
)

label_questions(globals())
