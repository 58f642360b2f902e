"""Appendix A1 exercises: inverse (coin-margined) contracts."""

from .._contracts import Position
from .._margin import initial_margin, liquidation_price
from ..explorers._inverse import twins
from ._base import ChoiceExercise, Mistake, NumericExercise, label_questions

_ENTRY, _USD, _MMR = 60_000, 6_000, 0.005

_linear, _linear_margin, _inverse, _inverse_margin = twins("long", _ENTRY, _USD, 5)
q1 = NumericExercise(
    answer=liquidation_price(_inverse, _inverse_margin, mmr=_MMR),
    unit="USD",
    hint_text="Margin in BTC = (6,000 / 60,000) / 5. Then use the COIN-M formula "
              "LP = Q (MMR + s) / (WB + cum + s Q / EP) with s = +1, cum = 0.",
    solution_text="liquidation_price(Position('long', 60_000, 6_000, contract='inverse'), "
                  "0.02, mmr=0.005): Q (MMR + 1) / (WB + Q/EP) = 6,030 / 0.12.",
    mistakes=[Mistake(liquidation_price(_linear, _linear_margin, mmr=_MMR),
                      "That is the linear (USDT-margined) twin's liquidation price. With BTC "
                      "as margin, the margin itself loses value as the price falls."),
              Mistake(_ENTRY * (1 - 1 / 5), "That is a 20 % fall, the whole margin in a linear "
                      "contract without maintenance margin. Use the inverse formula.")],
)

_long_1x = Position("long", _ENTRY, _USD, contract="inverse")
_up = _ENTRY * 1.5
_linear_1x = Position("long", _ENTRY, _USD / _ENTRY)
q2 = NumericExercise(
    answer=(initial_margin(_long_1x, 1) + _long_1x.pnl(_up)) * _up,
    unit="USD",
    hint_text="Equity in BTC = margin (BTC) + PnL (BTC); multiply by the new price for USD.",
    solution_text="Margin 0.1 BTC; PnL = 6,000 (1/60,000 - 1/90,000) BTC; equity in USD = "
                  "(0.1 + PnL) x 90,000. The BTC margin gains too: the position is long twice.",
    mistakes=[Mistake(initial_margin(_linear_1x, 1) + _linear_1x.pnl(_up),
                      "That is the linear twin, whose margin is in USDT. Here the margin is BTC "
                      "and it rises in value with the price too.")],
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
