"""Lesson 03 exercises: a cross liquidation price that depends on another position, and what
a cross liquidation costs."""

from .._accounts import CrossAccount
from .._contracts import Position
from .._margin import initial_margin, liquidation_price, maintenance_margin
from .._tiers import BINANCE_BTCUSDT
from ._base import ChoiceExercise, Mistake, NumericExercise, label_questions

WALLET = 2_000.0
BTC = Position("long", 60_000, 0.1)
ETH = Position("long", 3_000, 1)
ETH_MMR = 0.005
MARKS = {"BTC": 60_000.0, "ETH": 2_700.0}
LEVERAGE = 10

ACCOUNT = CrossAccount(WALLET)
ACCOUNT.add("BTC", BTC, tiers=BINANCE_BTCUSDT)
ACCOUNT.add("ETH", ETH, mmr=ETH_MMR)

_OTHER_PNL = ETH.pnl(MARKS["ETH"])
_OTHER_MM = maintenance_margin(ETH, MARKS["ETH"], mmr=ETH_MMR)
# The BTC bracket is the one that holds its notional AT the liquidation price (Binance's rule;
# here the same bracket as at entry).
_TIER = BINANCE_BTCUSDT.tier_for(BTC.notional(ACCOUNT.liquidation_price("BTC", MARKS)))
_NUMERATOR = (WALLET - _OTHER_MM + _OTHER_PNL + _TIER.maintenance_amount
              - BTC.quantity * BTC.entry_price)
_DENOMINATOR = BTC.quantity * _TIER.mmr - BTC.quantity
# Two conceptual slips that land within 1 % of the answer: the ETH maintenance margin (TMM1)
# taken at its entry price instead of its mark, and the BTC maintenance margin taken at the
# entry price instead of at the liquidation price (where the formula's Q x MMR term puts it).
_OTHER_MM_AT_ENTRY = maintenance_margin(ETH, ETH.entry_price, mmr=ETH_MMR)
_BTC_MM_AT_ENTRY = maintenance_margin(BTC, BTC.entry_price, tiers=BINANCE_BTCUSDT)
_LP_BTC_MM_AT_ENTRY = BTC.entry_price - (WALLET - _OTHER_MM + _OTHER_PNL
                                         - _BTC_MM_AT_ENTRY) / BTC.quantity

q1 = NumericExercise(
    answer=ACCOUNT.liquidation_price("BTC", MARKS),
    unit="USDT",
    hint_text="Use the cross formula for the BTC long (s = +1): WB is the whole wallet, and the "
              "ETH long enters through TMM1, its maintenance margin at its mark (notional at "
              f"{MARKS['ETH']:,.0f} x {100 * ETH_MMR:g} %), and UPNL1, its unrealised PnL at its "
              "mark: the cell above prints both. For BTC, MMR = "
              f"{100 * _TIER.mmr:g} % and cum = {_TIER.maintenance_amount:,.0f} (its bracket). "
              "Work out the numerator and the denominator separately, then divide.",
    solution_text=f"The ETH long has lost {-_OTHER_PNL:,.2f} USDT (UPNL1 = {_OTHER_PNL:,.2f}) "
                  f"and needs {_OTHER_MM:,.2f} USDT of maintenance margin (TMM1). Both come out "
                  f"of the {WALLET:,.0f} USDT wallet before anything is left for the BTC long: "
                  f"LP = ({WALLET:,.0f} - {_OTHER_MM:,.2f} + ({_OTHER_PNL:,.2f}) + "
                  f"{_TIER.maintenance_amount:,.0f} - {BTC.quantity:g} x "
                  f"{BTC.entry_price:,.0f}) / ({BTC.quantity:g} x {_TIER.mmr:g} - "
                  f"{BTC.quantity:g}) = {_NUMERATOR:,.2f} / {_DENOMINATOR:,.4f}. "
                  "In code: `ex.ACCOUNT.liquidation_price('BTC', ex.MARKS)`.",
    mistakes=[
        Mistake(liquidation_price(BTC, initial_margin(BTC, LEVERAGE), tiers=BINANCE_BTCUSDT),
                "That is the isolated liquidation price, with only the 10x initial margin behind "
                "the position. In cross mode the whole wallet backs it."),
        Mistake(liquidation_price(BTC, WALLET, tiers=BINANCE_BTCUSDT),
                "You used the whole wallet, but forgot the ETH position: its loss (UPNL1) and "
                "its maintenance margin (TMM1) use up part of the wallet."),
        Mistake(liquidation_price(BTC, WALLET, tiers=BINANCE_BTCUSDT,
                                  other_maintenance=_OTHER_MM),
                "You counted the ETH maintenance margin (TMM1) but forgot its unrealised loss "
                "(UPNL1): the loss is paid from the same wallet."),
        Mistake(liquidation_price(BTC, WALLET, tiers=BINANCE_BTCUSDT, other_pnl=_OTHER_PNL),
                "Close: you counted the ETH loss (UPNL1) but forgot its maintenance margin "
                "(TMM1), which the wallet must also keep for it."),
        Mistake(liquidation_price(BTC, WALLET, tiers=BINANCE_BTCUSDT,
                                  other_maintenance=_OTHER_MM_AT_ENTRY, other_pnl=_OTHER_PNL),
                f"You took the ETH maintenance margin (TMM1) at its entry price "
                f"({_OTHER_MM_AT_ENTRY:,.2f} USDT), but the exchange measures it on the notional "
                f"at the mark, {MARKS['ETH']:,.0f}: {_OTHER_MM:,.2f} USDT. The gap is small "
                "here, but it is a wrong rule, not a rounding."),
        Mistake(_LP_BTC_MM_AT_ENTRY,
                f"You kept the BTC maintenance margin at its value at entry "
                f"({_BTC_MM_AT_ENTRY:,.2f} USDT), but it shrinks with the price: at the "
                "liquidation price it is Q x P x MMR, which is why the formula's denominator is "
                "Q x MMR - Q. A wrong rule, not a rounding."),
    ],
)

_Q2_OPTIONS = {
    "a": f"only the {initial_margin(BTC, LEVERAGE):,.0f} USDT initial margin of the BTC long",
    "b": f"the whole wallet of {WALLET:,.0f} USDT: both positions are closed",
    "c": "nothing: a cross position cannot be liquidated",
}
q2 = ChoiceExercise(
    options=_Q2_OPTIONS,
    # A small cross account is closed in full when liquidated: it loses the wallet.
    answer="b" if ACCOUNT.is_liquidated({**MARKS, "BTC": q1.answer}) else "a",
    explanations={
        "a": "That is what the isolated twin would lose. In cross mode no part of the wallet is "
             "set aside: the whole balance stands behind the position, so the whole balance "
             "goes when the account is liquidated.",
        "b": "In cross mode the exchange liquidates the account when its margin ratio reaches "
             "100 %: it reduces positions until the account complies again, and an account "
             "this small is closed in full, so what was left of the wallet is gone.",
        "c": "Cross positions are liquidated too, later than their isolated twins but with the "
             "whole wallet at stake.",
    },
    hint_text="In cross mode, which money stands behind the position?",
)

label_questions(globals())
