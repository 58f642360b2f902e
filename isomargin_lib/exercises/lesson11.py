"""Lesson 11 exercises: the four common mistakes, and a closing quiz over lessons 01-10."""

from .._contracts import Position
from .._margin import bankruptcy_price, initial_margin, liquidation_price, maintenance_margin
from .._risk import liquidation_probability, position_size
from .._tiers import BINANCE_BTCUSDT
from ..explorers._mistakes import MARGIN, WALLET, liquidation_move, long_position
from ._base import ChoiceExercise, Mistake, NumericExercise, label_questions

# The lesson's worked examples print 3x/10x/50x falls, 30 %/80 % volatility at 10x and the 20x
# cross fall: the checks ask about other settings, so their answers are not on screen.
M1_LEVERAGE = 40
M2_LEVERAGE, M2_VOLATILITY = 10, 1.2
M3_LEVERAGE, M3_STOP, M3_FALL = 20, 6, 10
M4_LEVERAGE = 50

# ---- the four mistakes ------------------------------------------------------------------------
_M1 = long_position(M1_LEVERAGE)
m1 = NumericExercise(
    answer=-liquidation_move(_M1, MARGIN),
    unit="%",
    hint_text=f"Mistake 'over-leveraging', leverage {M1_LEVERAGE}x: read the fall that "
              "liquidates.",
    solution_text=f"`-liquidation_move(long_position({M1_LEVERAGE}), 1_000)`: the margin is "
                  f"{100 / M1_LEVERAGE:g} % of the notional, and the maintenance margin takes "
                  "part of it.",
    mistakes=[Mistake(100 / M1_LEVERAGE, f"1/leverage = {100 / M1_LEVERAGE:g} % is where the "
                                         "margin is gone (bankruptcy). The exchange liquidates "
                                         "earlier, at the maintenance margin.")],
    rtol=1e-3,
)

_M2 = long_position(M2_LEVERAGE)
m2 = NumericExercise(
    answer=100 * liquidation_probability(_M2, MARGIN, volatility=M2_VOLATILITY,
                                         horizon_days=30.0, tiers=BINANCE_BTCUSDT),
    unit="%",
    hint_text=f"Mistake 'ignoring volatility', leverage {M2_LEVERAGE}x, volatility "
              f"{100 * M2_VOLATILITY:.0f} %: read the probability of liquidation within 30 "
              "days.",
    solution_text=f"In percent: `100 * liquidation_probability(long_position({M2_LEVERAGE}), "
                  f"1_000, volatility={M2_VOLATILITY:g}, horizon_days=30, "
                  "tiers=BINANCE_BTCUSDT)`.",
    mistakes=[Mistake(100 * liquidation_probability(_M2, MARGIN, volatility=0.3,
                                                    horizon_days=30.0, tiers=BINANCE_BTCUSDT),
                      f"That is the calm market the trader assumed (30 % a year), not "
                      f"{100 * M2_VOLATILITY:.0f} %."),
              Mistake(100 * liquidation_probability(_M2, MARGIN, volatility=0.8,
                                                    horizon_days=30.0, tiers=BINANCE_BTCUSDT),
                      "That is at 80 % volatility, the worked example above. Set the "
                      f"volatility to {100 * M2_VOLATILITY:.0f} %.")],
    rtol=1e-3, atol=0.05,
)

_TWENTY = long_position(M3_LEVERAGE)
_ROOM = -liquidation_move(_TWENTY, MARGIN)
m3 = ChoiceExercise(
    options={
        "a": f"The stop fills {M3_STOP} % below entry; the trade loses "
             f"{-float(_TWENTY.pnl(60_000 * (1 - M3_STOP / 100))):,.0f} USDT",
        "b": "It is liquidated before the price reaches the stop; the margin is lost",
        "c": "The stop fills first, and the liquidation then takes the rest",
        "d": "Nothing: a position with a stop-loss set cannot be liquidated",
    },
    answer="b",
    explanations={
        "a": "The price reaches the liquidation price before the stop: a stop beyond the "
             "liquidation price never fills.",
        "b": f"At {M3_LEVERAGE}x the liquidation price is only {_ROOM:.2f} % below entry, "
             f"closer than the {M3_STOP} % stop: the whole 1,000 USDT margin is lost. Put the "
             "stop before the liquidation price, or lower the leverage (lesson 06).",
        "c": "Only one of them can close the position: whichever the price reaches first.",
        "d": "A stop is an order like any other; it does not protect the margin from the "
             "liquidation engine.",
    },
    hint_text=f"Mistake 'no stop-loss': explorer question 3 framed it at 5x; set the leverage "
              f"to {M3_LEVERAGE}x and the stop to {M3_STOP} %. What does the status say?",
)

_M4 = long_position(M4_LEVERAGE)
_M4_LP = liquidation_price(_M4, WALLET, tiers=BINANCE_BTCUSDT)
# The bracket of the entry notional (50,000 USDT: the second one) instead of the bracket of the
# notional at the liquidation price (about 40,160 USDT: the first), the rule Binance applies.
_M4_ENTRY_TIER = BINANCE_BTCUSDT.tier_for(_M4.notional())
_M4_ENTRY_BRACKET = 100 * (1 - liquidation_price(
    _M4, WALLET, mmr=_M4_ENTRY_TIER.mmr,
    maintenance_amount=_M4_ENTRY_TIER.maintenance_amount) / _M4.entry_price)
# Other hand calculations with the entry bracket (0.5 %, 50 USDT): the fall that leaves the wallet
# equal to a maintenance margin W - N*f = N*(1 - f)*mmr - amount (N the entry notional, f the
# fall) with the amount added instead of subtracted, or left out; or a maintenance margin fixed
# at the entry notional, N*mmr - amount, N*mmr or N*mmr + amount. 19.50 % is both
# (10,000 - 250) / 50,000 and, rounded, (10,000 - 250 - 50) / (50,000 x 0.995).
_N4, _R4, _A4 = _M4.notional(), _M4_ENTRY_TIER.mmr, _M4_ENTRY_TIER.maintenance_amount
_M4_ENTRY_VARIANTS = sorted({round(100 * (WALLET - _N4 * _R4 + amount) / (_N4 * (1 - _R4)), 6)
                             for amount in (-_A4, 0.0)}
                            | {round(100 * (WALLET - (_N4 * _R4 + amount)) / _N4, 6)
                               for amount in (-_A4, 0.0, _A4)})
_M4_ENTRY_TEXT = ("You took the maintenance bracket of the entry notional (50,000 USDT: the "
                  "second bracket, 0.5 % minus 50 USDT). The exchange uses the bracket of the "
                  "notional at the liquidation price, where the position is worth only "
                  f"{_M4.quantity * _M4_LP:,.0f} USDT: the first bracket, 0.4 % of that "
                  "notional (not of 50,000) with no maintenance amount.")
m4 = NumericExercise(
    answer=-liquidation_move(_M4, WALLET),
    unit="%",
    hint_text=f"Mistake 'wrong margin mode', leverage {M4_LEVERAGE}x: read the fall that "
              "liquidates in cross.",
    solution_text=f"`-liquidation_move(long_position({M4_LEVERAGE}), 10_000)`: the whole wallet "
                  "backs the trade, so it survives much longer, and then takes the whole "
                  "wallet. The maintenance rate is the bracket of the notional at the "
                  f"liquidation price ({_M4.quantity * _M4_LP:,.0f} USDT: the first bracket, "
                  "0.4 %).",
    mistakes=[Mistake(_M4_ENTRY_BRACKET, _M4_ENTRY_TEXT),
              *(Mistake(value, _M4_ENTRY_TEXT) for value in _M4_ENTRY_VARIANTS),
              Mistake(-liquidation_move(_M4, MARGIN), "That is the isolated liquidation: the "
                      "trader believed the trade was isolated, but the account is in cross "
                      "mode."),
              Mistake(-liquidation_move(_TWENTY, WALLET), "That is the 20x trade of the worked "
                      f"example. Set the leverage to {M4_LEVERAGE}x.")],
    rtol=1e-3,
)

# ---- closing quiz ----------------------------------------------------------------------------
_Q1 = Position("long", 60_000, 0.5)
quiz1 = NumericExercise(
    answer=initial_margin(_Q1, 10),
    unit="USDT",
    hint_text="Lesson 01: margin = notional / leverage.",
    solution_text="`initial_margin(Position('long', 60_000, 0.5), 10)`.",
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
    solution_text=f"`liquidation_price(Position('long', 60_000, 0.1), {_Q2_MARGIN:g}, "
                  "tiers=BINANCE_BTCUSDT)`.",
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
    solution_text="`maintenance_margin(Position('long', 50_000, 2), 50_000, "
                  "tiers=BINANCE_BTCUSDT)`.",
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
    solution_text="`position_size(10_000, 0.01, 60_000, 57_000, side='long', leverage=5, "
                  "tiers=BINANCE_BTCUSDT).quantity`: 100 USDT at risk over a 3,000 USDT stop "
                  "distance.",
    mistakes=[Mistake(10_000 * 5 / 60_000, "That uses the whole capital at 5x. The size comes "
                                            "from the amount at risk and the stop distance; "
                                            "leverage only sets the margin."),
              Mistake(_SIZE.quantity * 5, "You multiplied by the leverage. The size comes from "
                                          "the risk and the stop alone: with this size the stop "
                                          "would lose 5 % of the capital, not 1 %. Leverage "
                                          "only decides how much margin the position ties up."),
              Mistake(round(_SIZE.quantity, 2), "Rounded too far: BTC quantities are small, "
                                                "keep at least four decimals.")],
    rtol=5e-3, atol=1e-5, fmt="{:,.5f}",
)

quiz5 = ChoiceExercise(
    options={
        "a": "Isolated margin protects your funds if the exchange itself fails",
        "b": "Isolated margin caps what one position can take from your account",
        "c": "Cross margin protects your funds if the exchange itself fails",
        "d": "With a stop-loss set, isolated margin makes leveraged trading safe",
    },
    answer="b",
    explanations={
        "a": "When FTX collapsed in November 2022, customers' funds were frozen whatever margin "
             "mode they used. Margin modes are rules inside one exchange.",
        "b": "It is a rule about which money backs a position. It does not protect the trade, "
             "which can still be liquidated, nor your funds from the exchange holding them.",
        "c": "No margin mode protects against the exchange (counterparty and custody risk).",
        "d": "Stops can be gapped through and leverage still multiplies losses (lessons 06-08); "
             "nothing makes leveraged trading safe.",
    },
    hint_text="Lessons 02 and 04, and this lesson's section on exchange risk.",
)

quiz6 = ChoiceExercise(
    options={
        "a": "Cross: one wallet backs both legs, so gains pay for losses",
        "b": "Isolated: each leg has its own margin, so neither hurts the other",
        "c": "Both modes need the same margin for a pair that is hedged",
        "d": "Neither: a hedged pair of positions cannot be liquidated",
    },
    answer="a",
    explanations={
        "a": "Lessons 04 and 09: the winning leg's profit pays the losing leg's loss, so "
             "offsetting positions need far less margin in cross mode.",
        "b": "In isolated mode the losing leg cannot use the winning leg's profit: each needs a "
             "full buffer of its own.",
        "c": "The cross wallet only needs the net loss plus maintenance; isolated legs need each "
             "loss in full.",
        "d": "Legs drift apart; a hedged account can still be liquidated.",
    },
    hint_text="Lesson 04's hedged pair: which mode needed less margin to survive a 20 % move?",
)


label_questions(globals())  # names q<digits> only; the lesson's names are labelled here:
for _name in ("m1", "m2", "m3", "m4", "quiz1", "quiz2", "quiz3", "quiz4", "quiz5", "quiz6"):
    globals()[_name].label = f"ex.{_name}"
