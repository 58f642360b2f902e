"""Appendix A1 exercises: inverse (coin-margined) contracts."""

from .._contracts import Position
from .._margin import initial_margin, liquidation_price
from ..explorers._inverse import twins
from ._base import ChoiceExercise, Mistake, NumericExercise, label_questions

_ENTRY, _USD, _MMR = 60_000, 6_000, 0.005

# q1 at 10x: the lesson prints the 5x twins, so the question uses another leverage.
Q1_LEVERAGE = 10
_linear, _linear_margin, _inverse, _inverse_margin = twins("long", _ENTRY, _USD, Q1_LEVERAGE)
q1 = NumericExercise(
    answer=liquidation_price(_inverse, _inverse_margin, mmr=_MMR),
    unit="USD",
    hint_text=f"Margin in BTC = ({_USD:,} / {_ENTRY:,}) / {Q1_LEVERAGE}. Then use the COIN-M "
              "formula LP = Q (MMR + s) / (WB + cum + s Q / EP) with s = +1, cum = 0.",
    solution_text=f"WB = {_inverse_margin:g} BTC, Q/EP = {_USD / _ENTRY:g} BTC: LP = Q (MMR + 1) "
                  f"/ (WB + Q/EP) = {_USD * (1 + _MMR):,.0f} / "
                  f"{_inverse_margin + _USD / _ENTRY:g}. "
                  f"In code: `liquidation_price(Position('long', {_ENTRY:_}, {_USD:_}, "
                  f"contract='inverse'), {_inverse_margin:g}, mmr={_MMR:g})`.",
    mistakes=[Mistake(liquidation_price(_linear, _linear_margin, mmr=_MMR),
                      "That is the linear (USDT-margined) twin's liquidation price. With BTC "
                      "as margin, the margin itself loses value as the price falls."),
              Mistake(_ENTRY * (1 - 1 / Q1_LEVERAGE),
                      f"That is a {100 / Q1_LEVERAGE:g} % fall, the whole margin in a linear "
                      "contract without maintenance margin. Use the inverse formula."),
              Mistake(liquidation_price(*twins("long", _ENTRY, _USD, 5)[2:], mmr=_MMR),
                      "That is the 5x long of the lesson. This one is at 10x: less margin.")],
)

# q2: a 1x inverse long after a 20 % fall (the explorer's questions look at a rise).
Q2_MOVE = -20
_long_1x = Position("long", _ENTRY, _USD, contract="inverse")
_margin_1x = initial_margin(_long_1x, 1)
_down = _ENTRY * (1 + Q2_MOVE / 100)
_linear_1x = Position("long", _ENTRY, _USD / _ENTRY)
q2 = NumericExercise(
    answer=(_margin_1x + _long_1x.pnl(_down)) * _down,
    unit="USD",
    hint_text="Equity in BTC = margin (BTC) + PnL (BTC); multiply by the new price for USD.",
    solution_text=f"Margin {_margin_1x:g} BTC; PnL = {_USD:,} (1/{_ENTRY:,} - 1/{_down:,.0f}) = "
                  f"{_long_1x.pnl(_down):+g} BTC; equity in USD = ({_margin_1x:g} "
                  f"{_long_1x.pnl(_down):+g}) x {_down:,.0f}. The BTC margin has lost value "
                  "too: the position is long twice.",
    mistakes=[Mistake(initial_margin(_linear_1x, 1) + _linear_1x.pnl(_down),
                      "That is the linear twin, whose margin is in USDT. Here the margin is BTC "
                      "and it falls in value with the price too."),
              Mistake((_margin_1x + _long_1x.pnl(_down)) * _ENTRY,
                      "You valued the BTC left at the entry price. Equity in USD uses the "
                      "current price."),
              Mistake(_margin_1x + _long_1x.pnl(_down),
                      "That is the equity in BTC. Multiply by the current price for US dollars.")],
)

q3 = ChoiceExercise(
    options={
        "a": "Exchanges do not allow liquidating 1x positions.",
        "b": "Its loss in BTC can never exceed its BTC margin, because each dollar of loss costs "
             "fewer BTC as the price rises.",
        "c": "The maintenance margin rate is zero for inverse contracts.",
    },
    answer="b",
    explanations={
        "a": "1x linear shorts are liquidated (at roughly twice the entry price); so are 1x "
             "inverse longs.",
        "b": "The loss is Q (1/EP - 1/P) BTC, which stays below Q/EP, the 1x margin, at every "
             "price: in USD the margin and the short offset each other exactly.",
        "c": "Inverse contracts have maintenance margin rates like linear ones.",
    },
    hint_text="Write the short's PnL in BTC, -Q (1/EP - 1/P), and let P grow without limit.",
)

label_questions(globals())
