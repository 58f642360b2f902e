"""Lesson 02 exercises: the liquidation price of an isolated long; what isolated margin protects."""

from .._contracts import Position
from .._margin import bankruptcy_price, initial_margin, liquidation_price
from .._tiers import BINANCE_BTCUSDT
from ._base import ChoiceExercise, Mistake, NumericExercise, label_questions

# q1: an isolated long of 0.5 BTC at 60,000 USDT, opened at 20x, Binance BTCUSDT brackets.
_LONG = Position("long", 60_000, 0.5)
_LEVERAGE = 20
_MARGIN = initial_margin(_LONG, _LEVERAGE, tiers=BINANCE_BTCUSDT)
_LP = liquidation_price(_LONG, _MARGIN, tiers=BINANCE_BTCUSDT)
# The bracket is the one that holds the notional AT the liquidation price (Binance's rule; here
# the same as at entry).
_TIER = BINANCE_BTCUSDT.tier_for(_LONG.notional(_LP))

q1 = NumericExercise(
    answer=_LP,
    unit="USDT",
    hint_text="Margin = notional / leverage. Liquidation comes when equity = maintenance "
              "margin: margin + 0.5 x (P - 60,000) = 0.5 x P x MMR - cum (the bracket that "
              "holds the notional at the liquidation price, here the same as at entry: MMR "
              f"{100 * _TIER.mmr:g} %, cum {_TIER.maintenance_amount:,.0f}). Solve for P: LP = "
              "(WB + cum - s x Q x EP) / (Q x MMR - s x Q), with the names the answer cell "
              "sets.",
    solution_text=f"Margin = {_LONG.notional():,.0f} / {_LEVERAGE} = {_MARGIN:,.0f} USDT. "
                  "Binance's formula for an isolated long: LP = (WB + cum - Q x EP) / "
                  f"(Q x MMR - Q) = ({_MARGIN:,.0f} + {_TIER.maintenance_amount:,.0f} - "
                  f"{_LONG.notional():,.0f}) / (0.5 x {_TIER.mmr:g} - 0.5). In code: "
                  f"`IsolatedPosition(Position('long', 60_000, 0.5), {_LEVERAGE}, "
                  "tiers=BINANCE_BTCUSDT).liquidation_price()`.",
    mistakes=[
        Mistake(bankruptcy_price(_LONG, _MARGIN),
                "That is the bankruptcy price, where the whole margin is gone. The exchange "
                "liquidates earlier, when equity falls to the maintenance margin."),
        Mistake(_LONG.entry_price - (_MARGIN - (_LONG.notional() * _TIER.mmr
                                                 - _TIER.maintenance_amount)) / _LONG.quantity,
                "A wrong rule, not a rounding: you took the maintenance margin at the entry "
                "price. It is measured at the current price, so at the liquidation price it is "
                "a little smaller: solve for the price at which margin plus PnL equals the "
                "maintenance margin at that same price."),
        Mistake(liquidation_price(Position("short", 60_000, 0.5), _MARGIN, tiers=BINANCE_BTCUSDT),
                "That is the liquidation price of a short (above the entry). A long is "
                "liquidated when the price falls."),
    ],
)

q2 = ChoiceExercise(
    options={
        "a": "The trade itself: an isolated position cannot be liquidated by a small move",
        "b": "The rest of the account: this position can lose at most the margin assigned to it",
        "c": "Against price gaps: it guarantees the position is closed exactly at the "
             "liquidation price",
        "d": "Both the trade and the rest of the account",
    },
    answer="b",
    explanations={
        "a": "Isolated margin does not make a trade safer: at 50x or 100x a move of 1 or 2 % "
             "liquidates it, isolated or not.",
        "b": "The loss is capped at the isolated margin, so other positions and the free "
             "balance are untouched. The trade itself is as fragile as its leverage makes it.",
        "c": "No mode guarantees the closing price. In a fast market the exchange closes beyond "
             "the liquidation price; the cap at the margin still holds for you, and the "
             "exchange's insurance fund takes the rest.",
        "d": "Only the rest of the account is protected. The trade is liquidated as soon as "
             "equity falls to the maintenance margin, which at high leverage is a small move.",
    },
    hint_text="Move the leverage slider of the explorer to 50x and the price by -2 %: what "
              "happens to the position? What happens to money outside it?",
)

label_questions(globals())
