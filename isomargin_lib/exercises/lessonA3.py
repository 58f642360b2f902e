"""Appendix A3 exercises: a maintenance amount from the recurrence, a big position's liquidation
price in the right bracket, why the entry bracket always promises more room, and a bracket's
maximum leverage (moved here from lesson 05)."""

from .._contracts import Position
from .._margin import initial_margin, liquidation_price
from .._tiers import BINANCE_BTCUSDT, BYBIT_BTCUSDT, next_maintenance_amount
from ._base import ChoiceExercise, Mistake, NumericExercise, label_questions

# q1: Bybit's third BTCUSDT risk-limit tier, whose "MM deduction" follows Binance's recurrence.
# The lesson rebuilds Binance's column; the question uses Bybit's, which no lesson prints.
_T1, _T2, _T3 = BYBIT_BTCUSDT.tiers
_CUM2 = next_maintenance_amount(_T2.floor, _T2.mmr, _T1)
q1 = NumericExercise(
    answer=next_maintenance_amount(_T3.floor, _T3.mmr, _T2),
    unit="USDT",
    hint_text="Use the recurrence twice: first the second tier's deduction from the first "
              "(whose deduction is 0), cum_2 = floor_2 x (mmr_2 - mmr_1) + 0, then cum_3 = "
              "floor_3 x (mmr_3 - mmr_2) + cum_2. The floor is where a tier starts.",
    solution_text=f"cum_2 = {_T2.floor:,.0f} x ({100 * _T2.mmr:g} % - {100 * _T1.mmr:g} %) = "
                  f"{_CUM2:,.0f}; cum_3 = {_T3.floor:,.0f} x ({100 * _T3.mmr:g} % - "
                  f"{100 * _T2.mmr:g} %) + {_CUM2:,.0f}, the number Bybit publishes. In code: "
                  f"`{_T3.floor:_.0f} * ({_T3.mmr:g} - {_T2.mmr:g}) + "
                  f"{_T2.floor:_.0f} * ({_T2.mmr:g} - {_T1.mmr:g})`.",
    mistakes=[
        Mistake(_T3.floor * (_T3.mmr - _T2.mmr),
                "That is only the third tier's own step. The recurrence adds the deduction of "
                "the tier before (cum_2), which you get the same way from the first tier."),
        Mistake(_CUM2, "That is the second tier's deduction, cum_2. Take one more step of the "
                       "recurrence for the third tier."),
        Mistake(_T3.floor * _T3.mmr,
                "That is the third tier's rate times its floor: the maintenance margin at the "
                "floor without any deduction. The recurrence uses the change of rate, "
                "mmr_3 - mmr_2."),
        Mistake(_T3.cap * (_T3.mmr - _T2.mmr) + _CUM2,
                "You used where the third tier ends. The recurrence uses its floor, where it "
                "starts (where the second tier ends)."),
    ],
)

# q2: a big long in another place than the lesson's examples (entry 100,000, not 60,000).
Q2_ENTRY, Q2_QUANTITY, Q2_LEVERAGE = 100_000, 1_050, 10
_BIG = Position("long", Q2_ENTRY, Q2_QUANTITY)
_MARGIN = initial_margin(_BIG, Q2_LEVERAGE, tiers=BINANCE_BTCUSDT)
_ENTRY_TIER = BINANCE_BTCUSDT.tier_for(_BIG.notional())
_SHORTCUT = liquidation_price(_BIG, _MARGIN, mmr=_ENTRY_TIER.mmr,
                              maintenance_amount=_ENTRY_TIER.maintenance_amount)
_RIGHT = liquidation_price(_BIG, _MARGIN, tiers=BINANCE_BTCUSDT)
_LANDING = BINANCE_BTCUSDT.tier_for(_BIG.notional(_RIGHT))
_E, _L = BINANCE_BTCUSDT.tiers.index(_ENTRY_TIER) + 1, BINANCE_BTCUSDT.tiers.index(_LANDING) + 1
q2 = NumericExercise(
    answer=_RIGHT,
    unit="USDT",
    rtol=1e-6,  # "to the cent": a rule that differs by a few USDT is not right
    hint_text=f"The notional at entry is {_BIG.notional():,.0f} USDT, in bracket {_E} "
              f"({100 * _ENTRY_TIER.mmr:g} %). Compute the liquidation price with that bracket, "
              f"then the notional there (quantity x price). If it has left bracket {_E}, redo "
              "the formula with the bracket it is in, and check that the new price's notional "
              "lies in that bracket.",
    solution_text=f"Margin = {_BIG.notional():,.0f} / {Q2_LEVERAGE} = {_MARGIN:,.0f}. Bracket "
                  f"{_E}: LP = ({_MARGIN:,.0f} + {_ENTRY_TIER.maintenance_amount:,.0f} - "
                  f"{_BIG.notional():,.0f}) / ({Q2_QUANTITY:,} x {_ENTRY_TIER.mmr:g} - "
                  f"{Q2_QUANTITY:,}) = {_SHORTCUT:,.2f}, where the notional is "
                  f"{_BIG.notional(_SHORTCUT):,.0f}, below the bracket's floor of "
                  f"{_ENTRY_TIER.floor:,.0f}. Bracket {_L} ({100 * _LANDING.mmr:g} %, "
                  f"maintenance amount {_LANDING.maintenance_amount:,.0f}): LP = "
                  f"({_MARGIN:,.0f} + {_LANDING.maintenance_amount:,.0f} - "
                  f"{_BIG.notional():,.0f}) / ({Q2_QUANTITY:,} x {_LANDING.mmr:g} - "
                  f"{Q2_QUANTITY:,}), with a notional of {_BIG.notional(_RIGHT):,.0f}, inside "
                  f"bracket {_L}. In code: `liquidation_price(Position('long', {Q2_ENTRY:_}, "
                  f"{Q2_QUANTITY:_}), {_MARGIN:_.0f}, tiers=BINANCE_BTCUSDT)`.",
    mistakes=[
        Mistake(_SHORTCUT,
                f"That is the entry bracket's price (bracket {_E}). At that price the notional "
                f"is {_BIG.notional(_SHORTCUT):,.0f} USDT, below the bracket's floor: it uses "
                f"bracket {_L}'s rate and amount there."),
        Mistake(liquidation_price(_BIG, _MARGIN, mmr=_LANDING.mmr),
                f"Right bracket, but you left out its maintenance amount "
                f"({_LANDING.maintenance_amount:,.0f} USDT), which goes in the numerator."),
        Mistake(liquidation_price(_BIG, _MARGIN, mmr=_LANDING.mmr,
                                  maintenance_amount=_ENTRY_TIER.maintenance_amount),
                f"You used bracket {_L}'s rate with bracket {_E}'s maintenance amount: take "
                "both from the same bracket."),
        Mistake(Q2_ENTRY * (1 - 1 / Q2_LEVERAGE),
                "That is the bankruptcy price, where the whole margin is lost. Liquidation "
                "comes earlier, when equity falls to the maintenance margin."),
    ],
)

q3 = ChoiceExercise(
    options={
        "a": "Because exchanges round the liquidation price in their own favour.",
        "b": "Because the maintenance margin never jumps and its rate only rises with size: the "
             "entry bracket's formula, used outside its bracket, always asks for less "
             "maintenance margin than the true one.",
        "c": "It does not: for a long, the entry bracket promises less room, because the long "
             "falls into a bracket with a lower rate.",
    },
    answer="b",
    explanations={
        "a": "The difference has nothing to do with rounding: it is hundreds of USDT for the "
             "250 million USDT long, and zero when the notional stays in its bracket.",
        "b": "The maintenance margin is a line that never jumps and only gets steeper. Each "
             "bracket's straight piece, extended beyond its bracket, runs below it on both "
             "sides, so the entry bracket understates the maintenance margin wherever the "
             "notional leaves it, and its liquidation price is too far away.",
        "c": "The long does fall into a bracket with a lower rate, but that bracket's smaller "
             "maintenance amount more than makes up for it: the 250 million USDT long is "
             "liquidated at 49,773 in the 5 % bracket, above the 49,472 of its entry bracket.",
    },
    hint_text="Draw the maintenance margin against the notional: it never jumps, and every "
              "bracket's piece is steeper than the one before. Extend one piece beyond its "
              "bracket, to the left and to the right: is it above or below the true line?",
)

# q4: the maximum leverage for a 5,000,000 USDT BTCUSDT position (the lookup of section 1
# prints other sizes, so the answer is not on screen).
_Q4_NOTIONAL = 5_000_000
_Q4_INDEX = BINANCE_BTCUSDT.tiers.index(BINANCE_BTCUSDT.tier_for(_Q4_NOTIONAL))

q4 = NumericExercise(
    answer=BINANCE_BTCUSDT.tier_for(_Q4_NOTIONAL).max_leverage,
    unit="x",
    fmt="{:g}",
    hint_text="Which bracket contains 5,000,000 USDT? Its 'maximum leverage' column is the "
              "answer. You can also ask the library: `BINANCE_BTCUSDT.tier_for(5_000_000)`.",
    solution_text="5,000,000 USDT lies in the bracket 3,000,000 to 12,000,000, whose maximum "
                  "leverage is the answer: `BINANCE_BTCUSDT.tier_for(5_000_000).max_leverage`.",
    mistakes=[
        Mistake(BINANCE_BTCUSDT[0].max_leverage,
                "That is the advertised maximum, allowed only for the smallest positions "
                "(below 50,000 USDT). Bigger positions get less leverage."),
        Mistake(BINANCE_BTCUSDT[_Q4_INDEX - 1].max_leverage,
                "That is the bracket below, which ends at 3,000,000 USDT."),
        Mistake(BINANCE_BTCUSDT[_Q4_INDEX + 1].max_leverage,
                "That is the bracket above, which starts at 12,000,000 USDT."),
    ],
)

label_questions(globals())
