"""Lesson 05 exercises: maintenance margin with tiers, maximum leverage, and the Binance FAQ's
cross-margin liquidation price."""

from .._accounts import CrossAccount
from .._contracts import Position
from .._margin import liquidation_price, maintenance_margin
from .._tiers import BINANCE_BTCUSDT
from ._base import Mistake, NumericExercise, label_questions

# q1: a 1,000,000 USDT BTCUSDT position (20 BTC at 50,000 USDT).
_PRICE = 50_000
_POSITION = Position("long", _PRICE, 20)
_TIER = BINANCE_BTCUSDT.tier_for(_POSITION.notional())
_FIRST, _SECOND = BINANCE_BTCUSDT[0], BINANCE_BTCUSDT[1]

q1 = NumericExercise(
    answer=maintenance_margin(_POSITION, _PRICE, tiers=BINANCE_BTCUSDT),
    unit="USDT",
    hint_text="Find the bracket that contains a notional of 1,000,000 USDT in the table, then "
              "compute notional x maintenance margin rate - maintenance amount.",
    solution_text="1,000,000 USDT lies in the bracket 600,000 to 3,000,000 (0.65 %, maintenance "
                  "amount 950): 1,000,000 x 0.0065 - 950. In code: maintenance_margin("
                  "Position('long', 50_000, 20), 50_000, tiers=BINANCE_BTCUSDT).",
    mistakes=[
        Mistake(maintenance_margin(_POSITION, _PRICE, mmr=_TIER.mmr),
                "You used the right rate but forgot to subtract the bracket's maintenance "
                "amount, which keeps the maintenance margin continuous across brackets."),
        Mistake(maintenance_margin(_POSITION, _PRICE, mmr=_FIRST.mmr),
                "That is the first bracket's rate (for positions below 50,000 USDT). A "
                "1,000,000 USDT position is in a higher bracket, with a higher rate."),
        Mistake(maintenance_margin(_POSITION, _PRICE, mmr=_SECOND.mmr,
                                   maintenance_amount=_SECOND.maintenance_amount),
                "That is the bracket below (50,000 to 600,000 USDT). Look for the bracket "
                "whose floor is at or below 1,000,000 and whose cap is above it."),
    ],
)

# q2: the maximum leverage for a 5,000,000 USDT BTCUSDT position.
_NOTIONAL = 5_000_000
_Q2_INDEX = BINANCE_BTCUSDT.tiers.index(BINANCE_BTCUSDT.tier_for(_NOTIONAL))

q2 = NumericExercise(
    answer=BINANCE_BTCUSDT.tier_for(_NOTIONAL).max_leverage,
    unit="x",
    hint_text="Which bracket contains 5,000,000 USDT? Its 'maximum leverage' column is the "
              "answer. You can also ask the library: BINANCE_BTCUSDT.tier_for(5_000_000).",
    solution_text="5,000,000 USDT lies in the bracket 3,000,000 to 12,000,000, whose maximum "
                  "leverage is the answer: BINANCE_BTCUSDT.tier_for(5_000_000).max_leverage.",
    mistakes=[
        Mistake(_FIRST.max_leverage,
                "That is the advertised maximum, allowed only for the smallest positions "
                "(below 50,000 USDT). Bigger positions get less leverage."),
        Mistake(BINANCE_BTCUSDT[_Q2_INDEX - 1].max_leverage,
                "That is the bracket below, which ends at 3,000,000 USDT."),
        Mistake(BINANCE_BTCUSDT[_Q2_INDEX + 1].max_leverage,
                "That is the bracket above, which starts at 12,000,000 USDT."),
    ],
)

# q3: the Binance FAQ cross-margin example (one-way mode), ETHUSDT liquidation price.
WALLET = 1_535_443.01
MARKS = {"BTC": 31_967.27, "ETH": 1_335.18}
_BTC = Position("long", 32_481.98, 109.488)
_ETH = Position("long", 1_456.84, 3_683.979)
_BTC_RULE = {"mmr": 0.025, "maintenance_amount": 16_300}
_ETH_RULE = {"mmr": 0.10, "maintenance_amount": 135_365}
_account = CrossAccount(WALLET)
_account.add("BTC", _BTC, **_BTC_RULE)
_account.add("ETH", _ETH, **_ETH_RULE)
_TMM1 = _account.maintenance_margin(MARKS, exclude="ETH")
_UPNL1 = _account.unrealized_pnl(MARKS, exclude="ETH")

q3 = NumericExercise(
    answer=_account.liquidation_price("ETH", MARKS),
    unit="USDT",
    hint_text="Use LP = (WB - TMM1 + UPNL1 + cum - Q*EP) / (Q*MMR - Q) for the ETH long, where "
              "TMM1 and UPNL1 are the maintenance margin and unrealised PnL of the OTHER "
              "position (BTC) at its mark price.",
    solution_text="TMM1 = BTC notional at its mark x 2.5 % - 16,300; UPNL1 = 109.488 x (31,967.27 "
                  "- 32,481.98). Then LP = (1,535,443.01 - TMM1 + UPNL1 + 135,365 - 3,683.979 x "
                  "1,456.84) / (3,683.979 x 0.10 - 3,683.979). In code: "
                  "account.liquidation_price('ETH', marks).",
    mistakes=[
        Mistake(liquidation_price(_ETH, WALLET, **_ETH_RULE, other_pnl=_UPNL1),
                "You forgot TMM1: in cross margin the BTC position's maintenance margin also "
                "uses the shared wallet, so ETH has less room."),
        Mistake(liquidation_price(_ETH, WALLET, **_ETH_RULE, other_maintenance=_TMM1),
                "You forgot UPNL1: the BTC position's unrealised loss also eats into the "
                "shared wallet."),
        Mistake(liquidation_price(_ETH, WALLET, **_ETH_RULE),
                "You treated ETH as if it were alone (isolated, with the whole wallet as "
                "margin): in cross margin the BTC position's maintenance margin (TMM1) and "
                "unrealised PnL (UPNL1) count too."),
        Mistake(liquidation_price(_ETH, WALLET, mmr=_ETH_RULE["mmr"], other_maintenance=_TMM1,
                                  other_pnl=_UPNL1),
                "You forgot ETH's maintenance amount (cum = 135,365), which is added to the "
                "balance in the numerator."),
    ],
)

label_questions(globals())
