"""Lesson 05b exercises: Bybit's initial margin with the fee to close, OKX's liquidation price
with the taker fee, and why extra margin counts a little more for a long on Bybit.

Code in hints and solutions runs after ``from isomargin_lib import Position, isolated_quote``.
"""

from .._contracts import Position
from .._exchanges import isolated_quote
from .._fees import BYBIT_TAKER_RATE, OKX_SWAP_TAKER_RATE
from ._base import ChoiceExercise, Mistake, NumericExercise, label_questions

ENTRY, QUANTITY, LEVERAGE, MMR = 60_000, 0.5, 20, 0.004
POSITION = Position("long", ENTRY, QUANTITY)
_VALUE = POSITION.notional()
_BYBIT = isolated_quote(POSITION, LEVERAGE, exchange="bybit", mmr=MMR)
_OKX = isolated_quote(POSITION, LEVERAGE, exchange="okx", mmr=MMR)
_BINANCE = isolated_quote(POSITION, LEVERAGE, exchange="binance", mmr=MMR)
_CLASSIC = isolated_quote(POSITION, LEVERAGE, exchange="bybit_classic", mmr=MMR)

# q1: Bybit (UTA) initial margin, fee to close included.
q1 = NumericExercise(
    answer=_BYBIT.initial_margin,
    unit="USDT",
    fmt="{:,.3f}",
    hint_text=f"Bybit adds the estimated fee to close to the initial margin. The fee is taken at "
              f"the bankruptcy price, entry x (1 - 1/leverage), on the whole position, at the "
              f"taker rate {100 * BYBIT_TAKER_RATE:.3f} %.",
    solution_text=f"Value / leverage = {_VALUE:,.0f} / {LEVERAGE} = {_VALUE / LEVERAGE:,.2f}; fee "
                  f"to close = {QUANTITY:g} x {ENTRY:,} x (1 - 1/{LEVERAGE}) x "
                  f"{BYBIT_TAKER_RATE:g} = {_BYBIT.fee_to_close:,.4f}. In code: "
                  f"`isolated_quote(Position('long', {ENTRY:_}, {QUANTITY:g}), {LEVERAGE}, "
                  f"exchange='bybit', mmr={MMR:g}).initial_margin`.",
    mistakes=[
        Mistake(_VALUE / LEVERAGE, "That is value / leverage only: Bybit's unified account adds "
                                   "the estimated fee to close to the initial margin."),
        Mistake(_VALUE / LEVERAGE + _VALUE * BYBIT_TAKER_RATE,
                "You took the fee on the value at entry; Bybit estimates it at the bankruptcy "
                "price, entry x (1 - 1/leverage), where a liquidated long is closed."),
        Mistake(_VALUE / LEVERAGE + 2 * _VALUE * BYBIT_TAKER_RATE,
                "The opening fee is paid when you open, not kept in the margin: only the fee to "
                "close counts, at the bankruptcy price."),
    ],
)

# q2: OKX liquidation price, taker fee in the denominator.
q2 = NumericExercise(
    answer=_OKX.liquidation_price,
    unit="USDT",
    rtol=1e-6,  # "to the cent": a rule that differs by a few USDT is not right
    hint_text="OKX liquidates when (margin + PnL) / position value falls to the maintenance "
              f"rate (MMR) plus the taker fee rate ({100 * OKX_SWAP_TAKER_RATE:.2f} %): for a "
              "long, LP = (entry - margin / size) / (1 - (MMR + taker)).",
    solution_text=f"Margin = {_VALUE:,.0f} / {LEVERAGE} = {_VALUE / LEVERAGE:,.0f} USDT. LP = "
                  f"({ENTRY:,} - {_VALUE / LEVERAGE:,.0f} / {QUANTITY:g}) / (1 - ({MMR:g} + "
                  f"{OKX_SWAP_TAKER_RATE:g})). In code: `isolated_quote(Position('long', "
                  f"{ENTRY:_}, {QUANTITY:g}), {LEVERAGE}, exchange='okx', "
                  f"mmr={MMR:g}).liquidation_price`.",
    mistakes=[
        Mistake(_BINANCE.liquidation_price,
                "That is Binance's number (MMR only). OKX adds the taker fee rate to the "
                "maintenance margin ratio, which moves a long's liquidation price up."),
        Mistake((ENTRY - _VALUE / LEVERAGE / QUANTITY) / (1 + MMR + OKX_SWAP_TAKER_RATE),
                "For a long the denominator is 1 - (MMR + taker), not 1 + (MMR + taker): the "
                "short's formula has the plus."),
        Mistake(_CLASSIC.liquidation_price,
                "That is Bybit classic's rule, maintenance margin fixed at entry and no fee: "
                "entry - (initial - maintenance) / size. OKX keeps the maintenance margin at "
                "the mark and adds the taker fee rate to the maintenance rate."),
        Mistake(ENTRY - _VALUE / LEVERAGE / QUANTITY,
                "That is the bankruptcy price (margin all lost). Liquidation comes earlier, "
                "while the maintenance margin and fee are still covered."),
    ],
)

# q3: why extra margin moves a long's liquidation price a little further on Bybit (UTA).
q3 = ChoiceExercise(
    options={
        "a": "Bybit subtracts the MM deduction from the extra margin.",
        "b": "Adding margin lowers the bankruptcy price, so the fee to close reserved there "
             "shrinks and frees a little more margin.",
        "c": "Extra margin is valued at the mark price instead of the last price.",
        "d": "Extra margin moves the position to a lower risk-limit tier.",
    },
    answer="b",
    explanations={
        "a": "The MM deduction belongs to the maintenance margin of the tier, not to the "
             "margin you add.",
        "b": "Bybit's maintenance margin holds the fee to close at the bankruptcy price. For "
             "a long, extra margin A moves that price down, so the fee there would be smaller, "
             "and the formula counts A as A / (1 - taker): a little more than A. (The fee to "
             "close the quote shows stays Bybit's figure without the added margin.) For a short "
             "it is A / (1 + taker), a little less.",
        "c": "Margin is USDT in a USDT contract: nothing is valued at any price.",
        "d": "The tier depends on the position value, which adding margin does not change.",
    },
    hint_text="Compute how far 3,000 USDT of extra margin moves the liquidation price: "
              "`isolated_quote(Position('long', 40_000, 1), 50, exchange='bybit', mmr=0.005, "
              "extra_margin=3_000)` against the same call without extra margin, and both "
              "again with Binance's rule (exchange 'binance'). Which term of Bybit's "
              "unified-account rule depends on where the position would be closed?",
)

label_questions(globals())
