"""Lesson 06 exercises: size a position from the risk and the stop; what a stop does not
guarantee; sizing with the fees inside; and, in the optional part, the highest leverage at which
the stop still fires before liquidation."""

from .._fees import BINANCE_USDM_TAKER_RATE
from .._risk import position_size
from .._tiers import BINANCE_BTCUSDT
from ._base import ChoiceExercise, Mistake, NumericExercise, label_questions

# q1: capital 20,000 USDT, 1 % risk, long at 60,000 USDT with a stop 2 % below, at 10x.
CAPITAL, RISK, ENTRY, LEVERAGE = 20_000, 0.01, 60_000, 10
STOP = ENTRY * (1 - 0.02)
_SIZED = position_size(CAPITAL, RISK, ENTRY, STOP, side="long", leverage=LEVERAGE,
                       tiers=BINANCE_BTCUSDT)

q1 = NumericExercise(
    answer=_SIZED.quantity,
    unit="BTC",
    fmt="{:,.5f}",
    rtol=1e-3,
    close_rtol=0.02,
    atol=1e-6,
    hint_text="First the amount at risk: 1 % of the capital. At the stop, each BTC of the "
              "position loses entry - stop USDT. How many BTC lose exactly the amount at risk? "
              "(Does the leverage appear anywhere in that question?)",
    solution_text=f"Risk amount = 1 % x {CAPITAL:,} = {_SIZED.risk_amount:,.0f} USDT; the stop "
                  f"is {_SIZED.stop_distance:,.0f} USDT below the entry; size = "
                  f"{_SIZED.risk_amount:,.0f} / {_SIZED.stop_distance:,.0f}. The leverage only "
                  f"sets the margin: {_SIZED.notional:,.0f} / {LEVERAGE} = {_SIZED.margin:,.0f} "
                  "USDT. In code: `position_size(20_000, 0.01, 60_000, 58_800, side='long', "
                  "leverage=10, tiers=BINANCE_BTCUSDT).quantity`.",
    mistakes=[
        Mistake(_SIZED.quantity * LEVERAGE,
                "You multiplied by the leverage. The size comes from the risk and the stop "
                "alone: with this size the stop would lose 10 % of the capital, not 1 %. "
                "Leverage only decides how much margin the position ties up."),
        Mistake(CAPITAL * LEVERAGE / ENTRY,
                "That is the whole capital at 10x: the biggest position the account could "
                "open, not the one that risks 1 %."),
        Mistake(_SIZED.risk_amount / ENTRY,
                "You divided the risk amount by the price, so the whole position would have "
                "to go to zero to lose it. Divide by the loss per BTC at the stop instead."),
        Mistake(_SIZED.risk_amount * LEVERAGE / ENTRY,
                "You used 1 % of the capital as margin at 10x. Then the stop would lose only "
                "a fifth of the amount you meant to risk: size from the loss at the stop, "
                "not from the margin."),
    ],
)

# q4 (the optional part): the same trade, but a stop 3 % below the entry: the highest whole
# leverage at which the stop still fires before the liquidation price.
STOP_3 = ENTRY * (1 - 0.03)


def _stop_fires(leverage: int) -> bool:
    return position_size(CAPITAL, RISK, ENTRY, STOP_3, side="long", leverage=leverage,
                         tiers=BINANCE_BTCUSDT).stop_before_liquidation


_MAX_ALLOWED = int(BINANCE_BTCUSDT.tier_for(CAPITAL * RISK / (ENTRY - STOP_3) * ENTRY)
                   .max_leverage)
_HIGHEST = max(lev for lev in range(1, _MAX_ALLOWED + 1) if _stop_fires(lev))
_NAIVE = int(ENTRY / (ENTRY - STOP_3))  # 1 / stop distance: ignores the maintenance margin

q4 = NumericExercise(
    answer=_HIGHEST,
    unit="x",
    fmt="{:.0f}",
    atol=0.0,
    rtol=1e-9,
    close_rtol=0.0,
    hint_text="A long at leverage L is liquidated after a fall of a little less than 1/L (the "
              "maintenance margin is kept back). Try leverages in the explorer with a 3 % stop, "
              "or ask the library one leverage at a time: `position_size(20_000, 0.01, 60_000, "
              "58_200, side='long', leverage=25, tiers=BINANCE_BTCUSDT)"
              ".stop_before_liquidation`, then other leverages.",
    solution_text="The fall to liquidation must be larger than the 3 % stop. In code: "
                  "`max(lev for lev in range(1, 101) if position_size(20_000, 0.01, 60_000, "
                  "58_200, side='long', leverage=lev, tiers=BINANCE_BTCUSDT)"
                  ".stop_before_liquidation)`. Leave more room still in practice: slippage and "
                  "gaps.",
    mistakes=[
        Mistake(_HIGHEST + 1,
                f"At {_HIGHEST + 1}x the liquidation price is just above the stop: the position "
                "is liquidated first. Leverages are whole numbers here: round down, not to the "
                "nearest."),
        Mistake(_NAIVE,
                f"At {_NAIVE}x the margin runs out (bankruptcy) near a 3 % fall, but the "
                "exchange liquidates earlier, when equity reaches the maintenance margin."),
    ],
)

# q2: what a stop does not guarantee.
q2 = ChoiceExercise(
    options={
        "a": "Nothing: once the stop sits before the liquidation price, the loss can never "
             "exceed the planned risk amount",
        "b": "In a fast market or a gap the stop fills past its price: the loss exceeds the "
             "plan, and a gap can reach the liquidation price",
        "c": "Raising the leverage would protect the stop better, because a smaller margin "
             "means a smaller loss if the price falls",
        "d": "Nothing that matters: with isolated margin the loss is capped at the margin, so "
             "the stop is only a convenience",
    },
    answer="b",
    explanations={
        "a": "A stop-market order becomes a market order when its price is touched, and fills at "
             "the next available price. In a gap or a crash that can be well past the stop.",
        "b": "A stop is a trigger, not a guaranteed price. Leave room between the stop and the "
             "liquidation price, and expect fees and slippage on top of the planned loss.",
        "c": "It is the other way round: higher leverage means less margin, so the liquidation "
             "price moves towards the entry and can overtake the stop.",
        "d": "Without a stop the loss is the whole margin, which at low leverage is a large part "
             "of the capital. The cap protects the rest of the account, not this trade.",
    },
    hint_text="What kind of order does a stop become when its price is touched, and at what "
              "price does that order fill when the market jumps?",
)

# q3: the fees inside the sizing rule: 20,000 USDT, 0.5 % risk, short at 60,000, stop 61,200.
FEE_CAPITAL, FEE_RISK, FEE_STOP = 20_000, 0.005, 61_200
_FEE_SIZED = position_size(FEE_CAPITAL, FEE_RISK, ENTRY, FEE_STOP, side="short", leverage=5,
                           tiers=BINANCE_BTCUSDT, taker_fee_rate=BINANCE_USDM_TAKER_RATE)
_AT_RISK = FEE_CAPITAL * FEE_RISK
_DISTANCE = FEE_STOP - ENTRY

q3 = NumericExercise(
    answer=_FEE_SIZED.quantity,
    unit="BTC",
    atol=1e-6,  # quantities of a few hundredths of a BTC: no absolute slack
    fmt="{:.6f}",
    hint_text="Per BTC the stop-out costs the distance to the stop plus the fee rate on the "
              "entry price (opening) and on the stop price (closing).",
    solution_text=f"At risk: {FEE_CAPITAL:,} x {FEE_RISK:g} = {_AT_RISK:g} USDT. Per BTC: "
                  f"{_DISTANCE:,.0f} + 0.0005 x ({ENTRY:,} + {FEE_STOP:,}) = "
                  f"{_DISTANCE + 0.0005 * (ENTRY + FEE_STOP):,.1f} USDT. Size = {_AT_RISK:g} / "
                  f"{_DISTANCE + 0.0005 * (ENTRY + FEE_STOP):,.1f}. In code: `position_size("
                  f"{FEE_CAPITAL:_}, {FEE_RISK:g}, {ENTRY:_}, {FEE_STOP:_}, side='short', "
                  "leverage=5, tiers=BINANCE_BTCUSDT, "
                  "taker_fee_rate=BINANCE_USDM_TAKER_RATE).quantity`",
    mistakes=[
        Mistake(_AT_RISK / _DISTANCE, "That is the size without fees: the two taker fees "
                                      "(open and close) make the real loss bigger, so the "
                                      "position must be a little smaller."),
        Mistake(_AT_RISK / (_DISTANCE + 2 * BINANCE_USDM_TAKER_RATE * ENTRY),
                "Close: you took both fees at the entry price. The closing fee is paid on the "
                "notional at the stop: fee rate x (entry + stop) per BTC."),
        Mistake(_AT_RISK / (_DISTANCE + BINANCE_USDM_TAKER_RATE * (2 * ENTRY - _DISTANCE)),
                "Close: the closing fee is paid at the stop, and a short's stop is above the "
                f"entry, at {FEE_STOP:,}: fee rate x (entry + stop) per BTC."),
        Mistake(_AT_RISK / (_DISTANCE + BINANCE_USDM_TAKER_RATE * ENTRY),
                "You counted one fee. Opening and closing at market each pay the taker fee: "
                "fee rate x (entry + stop) per BTC."),
    ],
)

label_questions(globals())
