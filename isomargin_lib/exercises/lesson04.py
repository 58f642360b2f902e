"""Lesson 04 exercises: the same shock in both modes, and the margin a hedged pair needs."""

from .._accounts import IsolatedPosition, compare_shock, margin_to_survive, shocked_marks
from .._contracts import Position
from .._tiers import BINANCE_BTCUSDT
from ..explorers._cross import build_portfolio
from ._base import ChoiceExercise, Mistake, NumericExercise, label_questions

# Question 1: the lesson's portfolio, 500 USDT per position, a 3,000 USDT wallet, -20 %.
WALLET, MARGIN, SHOCK = 3_000.0, 500.0, -20
POSITIONS, BETAS = build_portfolio(MARGIN)
_MARKS = shocked_marks(POSITIONS, SHOCK, betas=BETAS)
OUTCOME = compare_shock(WALLET, POSITIONS, _MARKS)
_MM_AT_SHOCK = sum(float(p.maintenance_margin(_MARKS[n])) for n, p in POSITIONS.items())

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
        "c": "At this move the cross account is not liquidated at all: its margin ratio "
             "stays below 100 %, because the rest of the wallet and the SOL short's gain carry "
             "the ETH loss. (When a cross account does reach 100 %, the exchange reduces "
             "positions until it is compliant again; an account this small is usually closed "
             "in full.)",
        "d": "That is what happens at -30 %. At this smaller move the cross wallet, helped by "
             "the SOL short's gain, still covers the ETH loss.",
    },
    hint_text=f"By hand: at {SHOCK} % the PnLs are " + ", ".join(
        f"{name} {pnl:+,.0f}" for name, pnl in OUTCOME["cross"].pnl.items())
        + f" USDT. Isolated: does the ETH long lose more than its {MARGIN:,.0f} USDT? Cross: "
        f"what is left of the {WALLET:,.0f} USDT wallet after all three, and is it above the "
        f"maintenance margins (together {_MM_AT_SHOCK:,.2f} USDT at these prices)? In code: "
        f"`compare_shock({WALLET:_.0f}, ex.POSITIONS, shocked_marks(ex.POSITIONS, {SHOCK}, "
        "betas=ex.BETAS))`, or the explorer at this move.",
)

# The lesson's hedged pair (shown worked in the notebook): equal notional, both at 10x, +/-20 %.
PAIR = {
    "BTC long": IsolatedPosition(Position("long", 60_000, 0.1), 10, tiers=BINANCE_BTCUSDT),
    "ETH short": IsolatedPosition(Position("short", 3_000, 2), 10, mmr=0.005),
}
MOVE = 20
SCENARIOS = [shocked_marks(PAIR, -MOVE), shocked_marks(PAIR, MOVE)]
NEEDED = margin_to_survive(PAIR, SCENARIOS)

# Questions 2 and 3: the same two legs opened at 20x, and a +/-15 % move (not shown worked).
Q_LEVERAGE, Q_MOVE = 20, 15
Q_PAIR = {
    "BTC long": IsolatedPosition(Position("long", 60_000, 0.1), Q_LEVERAGE,
                                 tiers=BINANCE_BTCUSDT),
    "ETH short": IsolatedPosition(Position("short", 3_000, 2), Q_LEVERAGE, mmr=0.005),
}
Q_SCENARIOS = [shocked_marks(Q_PAIR, -Q_MOVE), shocked_marks(Q_PAIR, Q_MOVE)]
Q_NEEDED = margin_to_survive(Q_PAIR, Q_SCENARIOS)
_INITIAL = {n: p.position.notional() / p.leverage for n, p in Q_PAIR.items()}
_LOSS_ONLY = {n: max(-float(p.pnl(s[n])) for s in Q_SCENARIOS) for n, p in Q_PAIR.items()}
# The slip "maintenance margin at the entry price" instead of at the worst price.
_AT_ENTRY = sum(max(-float(p.pnl(s[n])) for s in Q_SCENARIOS)
                + float(p.maintenance_margin(p.position.entry_price)) for n, p in Q_PAIR.items())
_CROSS_MM_ONLY = max(sum(float(p.maintenance_margin(s[n])) for n, p in Q_PAIR.items())
                     for s in Q_SCENARIOS)


def _worst(name):
    """(loss, maintenance margin) of one leg in the scenario where it loses most."""
    leg = Q_PAIR[name]
    marks = min(Q_SCENARIOS, key=lambda s: float(leg.pnl(s[name])))
    return -float(leg.pnl(marks[name])), float(leg.maintenance_margin(marks[name]))


_LEG_LINES = "; ".join(
    f"{name}: loss {loss:,.2f} + maintenance margin {mm:,.2f} = {loss + mm:,.2f} USDT "
    f"(more than its {_INITIAL[name]:,.2f} initial margin)"
    for name, (loss, mm) in ((n, _worst(n)) for n in Q_PAIR))

q2 = NumericExercise(
    answer=Q_NEEDED.isolated,
    unit="USDT",
    hint_text=f"In isolated mode each leg stands alone. The long must survive a {Q_MOVE} % fall "
              f"(to {Q_SCENARIOS[0]['BTC long']:,.0f}), the short a {Q_MOVE} % rise (to "
              f"{Q_SCENARIOS[1]['ETH short']:,.0f}): each needs its loss there plus its "
              "maintenance margin there, quantity x price x rate (and at least its initial "
              "margin). Add the two.",
    solution_text=f"{_LEG_LINES}. Together {Q_NEEDED.isolated:,.2f} USDT: with exactly this "
                  "much the losing leg sits on its liquidation price, with any more it "
                  "survives. In code: `margin_to_survive(ex.Q_PAIR, ex.Q_SCENARIOS).isolated`.",
    mistakes=[
        Mistake(sum(_INITIAL.values()), f"That is only the initial margin of the two legs. At "
                f"{Q_LEVERAGE}x each leg has about {100 / Q_LEVERAGE:g} % of room, so a "
                f"{Q_MOVE} % move liquidates one of them."),
        Mistake(sum(_LOSS_ONLY.values()), "Almost: the margin must also cover the maintenance "
                "margin at the worst price, not only the loss."),
        Mistake(_AT_ENTRY, "A wrong rule, not a rounding: you took each leg's maintenance "
                "margin at its entry price. It is measured at the worst price of the move, "
                "where the position is worth more or less than at entry."),
        Mistake(Q_NEEDED.per_position["BTC long"], "That is one leg. The other leg needs its "
                "own margin too: in isolated mode the long's profit cannot help the short."),
        Mistake(Q_NEEDED.per_position["ETH short"], "That is one leg. The other leg needs its "
                "own margin too: in isolated mode the short's profit cannot help the long."),
        Mistake(NEEDED.isolated, f"That is the lesson's example (10x, {MOVE} %). Here the legs "
                f"are at {Q_LEVERAGE}x and the move is {Q_MOVE} %."),
    ],
)

q3 = NumericExercise(
    answer=Q_NEEDED.cross,
    unit="USDT",
    hint_text="In cross mode one wallet backs both legs: whatever the long loses, the short "
              "gains. What is the least the exchange asks for to open the pair at all?",
    solution_text=f"The losses cancel, so the wallet only has to cover the maintenance margins "
                  f"(at most {_CROSS_MM_ONLY:,.2f} USDT), which is less than the initial margin "
                  f"both legs need to open at {Q_LEVERAGE}x: "
                  + " + ".join(f"{m:,.2f}" for m in _INITIAL.values())
                  + f" = {sum(_INITIAL.values()):,.2f} USDT. The initial margin decides. In code: "
                  "`margin_to_survive(ex.Q_PAIR, ex.Q_SCENARIOS).cross`.",
    mistakes=[
        Mistake(Q_NEEDED.isolated, "That is the isolated answer. In cross mode the winning "
                "leg's profit pays for the losing leg's loss."),
        Mistake(_CROSS_MM_ONLY, "That keeps the pair out of liquidation, but the exchange needs "
                "the initial margin of both legs to open them in the first place."),
        Mistake(_INITIAL["BTC long"], "That opens only one leg: each leg needs its initial "
                "margin, in cross mode too."),
        Mistake(NEEDED.cross, f"That is the lesson's example, at 10x. At {Q_LEVERAGE}x the "
                "initial margin is smaller."),
    ],
)

label_questions(globals())
