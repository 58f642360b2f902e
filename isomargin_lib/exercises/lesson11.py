"""Lesson 11 exercises: the four common mistakes, and a closing quiz over lessons 01-10."""

from .._contracts import Position
from .._margin import bankruptcy_price, initial_margin, liquidation_price, maintenance_margin
from .._risk import liquidation_probability, position_size
from .._tiers import BINANCE_BTCUSDT
from ..explorers._mistakes import MARGIN, WALLET, liquidation_move, long_position
from ._base import ChoiceExercise, Mistake, NumericExercise

# ---- the four mistakes ------------------------------------------------------------------------
_FIFTY = long_position(50)
m1 = NumericExercise(
    answer=-liquidation_move(_FIFTY, MARGIN),
    unit="%",
    hint_text="Mistake 'over-leveraging', leverage 50x: read the fall that liquidates.",
    solution_text="-liquidation_move(long_position(50), 1_000): the margin is 2 % of the "
                  "notional, and the maintenance margin takes part of it.",
    mistakes=[Mistake(100 / 50, "1/leverage = 2 % is where the margin is gone (bankruptcy). "
                                "The exchange liquidates earlier, at the maintenance margin.")],
    rtol=1e-3,
)

_TEN = long_position(10)
m2 = NumericExercise(
    answer=100 * liquidation_probability(_TEN, MARGIN, volatility=0.8, horizon_days=30.0,
                                         tiers=BINANCE_BTCUSDT),
    unit="%",
    hint_text="Mistake 'ignoring volatility', leverage 10x, volatility 80 %: read the "
              "probability of liquidation within 30 days.",
    solution_text="liquidation_probability(long_position(10), 1_000, volatility=0.8, "
                  "horizon_days=30, tiers=BINANCE_BTCUSDT), times 100.",
    mistakes=[Mistake(100 * liquidation_probability(_TEN, MARGIN, volatility=0.3,
                                                    horizon_days=30.0, tiers=BINANCE_BTCUSDT),
                      "That is the calm market the trader assumed (30 % a year), not 80 %.")],
    rtol=1e-3, atol=0.05,
)

_TWENTY = long_position(20)
_ROOM = -liquidation_move(_TWENTY, MARGIN)
m3 = ChoiceExercise(
    options={
        "a": f"The stop fills 6 % below entry and the trade loses "
             f"{-float(_TWENTY.pnl(60_000 * 0.94)):,.0f} USDT",
        "b": f"The position is liquidated first, {_ROOM:.2f} % below entry: the stop never "
             "fires and the whole 1,000 USDT margin is lost",
        "c": "The stop and the liquidation share the loss",
        "d": "Nothing: an isolated position cannot be liquidated while a stop is set",
    },
    answer="b",
    explanations={
        "a": "The price reaches the liquidation price before the stop: a stop beyond the "
             "liquidation price never fills.",
        "b": "At 20x the liquidation price is closer than 6 %. Put the stop before the "
             "liquidation price, or lower the leverage (lesson 06).",
        "c": "Only one of them can close the position: whichever the price reaches first.",
        "d": "A stop is an order like any other; it does not protect the margin from the "
             "liquidation engine.",
    },
    hint_text="Mistake 'no stop-loss', leverage 20x, stop at 6 %: what does the status say?",
)

m4 = NumericExercise(
    answer=-liquidation_move(_TWENTY, WALLET),
    unit="%",
    hint_text="Mistake 'wrong margin mode', leverage 20x: read the fall that liquidates in "
              "cross.",
    solution_text="-liquidation_move(long_position(20), 10_000): the whole wallet backs the "
                  "trade, so it survives much longer, and then takes the whole wallet.",
    mistakes=[Mistake(_ROOM, "That is the isolated liquidation: the trader believed the trade "
                             "was isolated, but the account is in cross mode.")],
    rtol=1e-3,
)

# ---- closing quiz ----------------------------------------------------------------------------
_Q1 = Position("long", 60_000, 0.5)
quiz1 = NumericExercise(
    answer=initial_margin(_Q1, 10),
    unit="USDT",
    hint_text="Lesson 01: margin = notional / leverage.",
    solution_text="initial_margin(Position('long', 60_000, 0.5), 10).",
    mistakes=[Mistake(_Q1.notional(), "That is the notional. Divide by the leverage."),
              Mistake(_Q1.notional() * 10, "Multiply the quantity by the price, then divide "
                                           "by the leverage.")],
)

_Q2 = Position("long", 60_000, 0.1)
_Q2_MARGIN = initial_margin(_Q2, 20)
quiz2 = NumericExercise(
    answer=liquidation_price(_Q2, _Q2_MARGIN, tiers=BINANCE_BTCUSDT),
    unit="USDT",
    hint_text="Lesson 02: equity = maintenance margin, with Binance's first BTCUSDT bracket.",
    solution_text=f"liquidation_price(Position('long', 60_000, 0.1), {_Q2_MARGIN:g}, "
                  "tiers=BINANCE_BTCUSDT).",
    mistakes=[Mistake(bankruptcy_price(_Q2, _Q2_MARGIN),
                      "That is the bankruptcy price. Liquidation comes earlier, when equity "
                      "falls to the maintenance margin.")],
)

_Q3 = Position("long", 50_000, 2)  # notional 100,000 USDT: the second bracket
_TIER1 = BINANCE_BTCUSDT.tiers[0]
quiz3 = NumericExercise(
    answer=maintenance_margin(_Q3, 50_000, tiers=BINANCE_BTCUSDT),
    unit="USDT",
    hint_text="Lesson 05: find the bracket of a 100,000 USDT notional, then notional x MMR - "
              "maintenance amount.",
    solution_text="maintenance_margin(Position('long', 50_000, 2), 50_000, "
                  "tiers=BINANCE_BTCUSDT).",
    mistakes=[Mistake(_Q3.notional() * _TIER1.mmr, "That uses the first bracket's rate; a "
                                                    "100,000 USDT notional is in the second."),
              Mistake(_Q3.notional() * BINANCE_BTCUSDT.tier_for(_Q3.notional()).mmr,
                      "Right rate; now subtract the bracket's maintenance amount.")],
)

_SIZE = position_size(10_000, 0.01, 60_000, 57_000, side="long", leverage=5,
                      tiers=BINANCE_BTCUSDT)
quiz4 = NumericExercise(
    answer=_SIZE.quantity,
    unit="BTC",
    hint_text="Lesson 06: quantity = capital x risk fraction / stop distance.",
    solution_text="position_size(10_000, 0.01, 60_000, 57_000, side='long', leverage=5)"
                  ".quantity: 100 USDT at risk over a 3,000 USDT stop distance.",
    mistakes=[Mistake(10_000 * 5 / 60_000, "That uses the whole capital at 5x. The size comes "
                                            "from the amount at risk and the stop distance; "
                                            "leverage only sets the margin.")],
    rtol=1e-3, atol=1e-5,
)

quiz5 = ChoiceExercise(
    options={
        "a": "Isolated margin protects your funds if the exchange fails",
        "b": "Isolated margin caps what one position can take from your account; it does not "
             "protect the trade, nor your funds from the exchange itself",
        "c": "Cross margin protects your funds if the exchange fails",
        "d": "With a stop-loss, isolated margin makes leveraged trading safe",
    },
    answer="b",
    explanations={
        "a": "When FTX collapsed in November 2022, customers' funds were frozen whatever margin "
             "mode they used. Margin modes are rules inside one exchange.",
        "b": "It is a rule about which money backs a position. The trade can still be "
             "liquidated, and the exchange holding the money is a risk of its own.",
        "c": "No margin mode protects against the exchange (counterparty and custody risk).",
        "d": "Stops can be gapped through and leverage still multiplies losses (lessons 06-08); "
             "nothing makes leveraged trading safe.",
    },
    hint_text="Lessons 02 and 04, and this lesson's section on exchange risk.",
)

quiz6 = ChoiceExercise(
    options={
        "a": "Cross: one wallet backs both legs, so the winning leg's profit pays the losing "
             "leg's loss",
        "b": "Isolated: each leg has its own margin, so neither can hurt the other",
        "c": "Both need the same margin",
        "d": "Neither: a hedged pair cannot be liquidated",
    },
    answer="a",
    explanations={
        "a": "Lessons 04 and 09: offsetting positions need far less margin in cross mode.",
        "b": "In isolated mode the losing leg cannot use the winning leg's profit: each needs a "
             "full buffer of its own.",
        "c": "The cross wallet only needs the net loss plus maintenance; isolated legs need each "
             "loss in full.",
        "d": "Legs drift apart; a hedged account can still be liquidated.",
    },
    hint_text="Lesson 04's hedged pair: which mode needed less margin to survive a 20 % move?",
)
