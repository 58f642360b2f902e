"""Lesson 05 exercises: maintenance margin with tiers, and the Binance FAQ's cross-margin
liquidation price. (The maximum-leverage question lives in appendix A3, lessonA3.q4.)"""

from .._accounts import CrossAccount
from .._contracts import Position
from .._margin import liquidation_price, maintenance_margin
from .._tiers import BINANCE_BTCUSDT
from ._base import Mistake, NumericExercise, label_questions

# q1: a 2,000,000 USDT BTCUSDT position (40 BTC at 50,000 USDT).
_PRICE = 50_000
_POSITION = Position("long", _PRICE, 40)
_Q1_NOTIONAL = _POSITION.notional()
_TIER = BINANCE_BTCUSDT.tier_for(_POSITION.notional())
_FIRST = BINANCE_BTCUSDT[0]
_BELOW = BINANCE_BTCUSDT[BINANCE_BTCUSDT.tiers.index(_TIER) - 1]

q1 = NumericExercise(
    answer=maintenance_margin(_POSITION, _PRICE, tiers=BINANCE_BTCUSDT),
    unit="USDT",
    close_rtol=1e-3,  # a table lookup has nothing to round: 12,000 is a wrong method, not close
    hint_text=f"Find the bracket that contains a notional of {_Q1_NOTIONAL:,.0f} USDT in the "
              "table, then compute notional x maintenance margin rate - maintenance amount.",
    solution_text=f"{_Q1_NOTIONAL:,.0f} USDT lies in the bracket {_TIER.floor:,.0f} to "
                  f"{_TIER.cap:,.0f} ({100 * _TIER.mmr:g} %, maintenance amount "
                  f"{_TIER.maintenance_amount:,.0f}): {_Q1_NOTIONAL:,.0f} x {_TIER.mmr:g} - "
                  f"{_TIER.maintenance_amount:,.0f}. In code: `maintenance_margin("
                  f"Position('long', {_PRICE:_}, {_POSITION.quantity:g}), {_PRICE:_}, "
                  "tiers=BINANCE_BTCUSDT)`.",
    mistakes=[
        Mistake(maintenance_margin(_POSITION, _PRICE, mmr=_TIER.mmr),
                "You used the right rate but forgot to subtract the bracket's maintenance "
                "amount, which keeps the maintenance margin continuous across brackets."),
        Mistake(maintenance_margin(_POSITION, _PRICE, mmr=_FIRST.mmr),
                f"That is the first bracket's rate (for positions below {_FIRST.cap:,.0f} "
                f"USDT). A {_Q1_NOTIONAL:,.0f} USDT position is in a higher bracket, with a "
                "higher rate."),
        Mistake(maintenance_margin(_POSITION, _PRICE, mmr=_BELOW.mmr,
                                   maintenance_amount=_BELOW.maintenance_amount),
                f"That is the bracket below ({_BELOW.floor:,.0f} to {_BELOW.cap:,.0f} USDT). "
                f"Look for the bracket whose floor is at or below {_Q1_NOTIONAL:,.0f} and "
                "whose cap is above it."),
    ],
)

# q2: the Binance FAQ cross-margin example (one-way mode).
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

# q2 is the BTC liquidation price after ETH has fallen further: the lesson works through the
# published marks step by step, so the question uses a new ETH mark.
Q2_MARKS = {"BTC": MARKS["BTC"], "ETH": 1_250.00}
_TMM1_BTC = _account.maintenance_margin(Q2_MARKS, exclude="BTC")
_UPNL1_BTC = _account.unrealized_pnl(Q2_MARKS, exclude="BTC")
_BTC_ARGS = {**_BTC_RULE, "other_maintenance": _TMM1_BTC, "other_pnl": _UPNL1_BTC}

q2 = NumericExercise(
    answer=_account.liquidation_price("BTC", Q2_MARKS),
    unit="USDT",
    rtol=1e-6,  # "to the cent": a rule that differs by a few USDT is not right
    hint_text="Use LP = (WB - TMM1 + UPNL1 + cum - Q*EP) / (Q*MMR - Q) for the BTC long, where "
              "TMM1 and UPNL1 are now the maintenance margin and unrealised PnL of the OTHER "
              f"position (ETH) at its new mark, {Q2_MARKS['ETH']:,.2f}.",
    solution_text=f"TMM1 = ETH notional at {Q2_MARKS['ETH']:,.2f} x 10 % - 135,365 = "
                  f"{_TMM1_BTC:,.2f}; UPNL1 = 3,683.979 x ({Q2_MARKS['ETH']:,.2f} - 1,456.84) = "
                  f"{_UPNL1_BTC:,.2f}. Then LP = (1,535,443.01 - TMM1 + UPNL1 + 16,300 - 109.488 "
                  "x 32,481.98) / (109.488 x 0.025 - 109.488). In code: "
                  "`ex.ACCOUNT.liquidation_price('BTC', ex.Q2_MARKS)`.",
    mistakes=[
        Mistake(_account.liquidation_price("BTC", MARKS),
                "That is the published BTC liquidation price, with ETH still at 1,335.18. ETH "
                "has fallen further: its bigger loss (UPNL1) and its maintenance margin at the "
                "new mark (TMM1) change the BTC price."),
        Mistake(liquidation_price(_BTC, WALLET, **_BTC_RULE, other_pnl=_UPNL1_BTC),
                "You forgot TMM1: in cross margin the ETH position's maintenance margin also "
                "uses the shared wallet, so BTC has less room."),
        Mistake(liquidation_price(_BTC, WALLET, **_BTC_RULE, other_maintenance=_TMM1_BTC),
                "You forgot UPNL1: the ETH position's unrealised loss also eats into the "
                "shared wallet."),
        Mistake(liquidation_price(_BTC, WALLET, **_BTC_RULE),
                "You treated BTC as if it were alone (isolated, with the whole wallet as "
                "margin): in cross margin the ETH position's maintenance margin (TMM1) and "
                "unrealised PnL (UPNL1) count too."),
        Mistake(liquidation_price(_BTC, WALLET, mmr=_BTC_RULE["mmr"], other_maintenance=_TMM1_BTC,
                                  other_pnl=_UPNL1_BTC),
                "You forgot BTC's maintenance amount (cum = 16,300), which is added to the "
                "balance in the numerator."),
    ],
)

ACCOUNT = _account

label_questions(globals())
