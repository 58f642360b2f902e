"""Binance hedge mode in cross margin: a long and a short of one symbol share one liquidation
price ("How to Calculate Liquidation Price of USDⓈ-M Contracts" / "... COIN-M Futures
Contracts", hedge-mode terms); and currencies that cannot mix in one cross account."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from isomargin_lib import BINANCE_BTCUSDT, CrossAccount, Position


def hedged(wallet, long, short, *, symbol="BTCUSDT", **rule):
    account = CrossAccount(wallet)
    account.add("long", long, symbol=symbol, **rule)
    account.add("short", short, symbol=symbol, **rule)
    return account


def test_usdm_hedge_formula_by_hand():
    """WB 10,000; long L = 1 BTC at EPL 60,000; short S = 0.5 BTC at EPS 62,000; MMR 0.5 %,
    cum 0 on both legs. Equity(P) = 10,000 + (P - 60,000) + 0.5*(62,000 - P) = 0.5P - 19,000;
    maintenance = 0.005P + 0.0025P = 0.0075P. Equal at P = 19,000 / 0.4925 = 38,578.68.
    Binance's form: (WB + cumL + cumS - L*EPL + S*EPS) / (L*MMR_L + S*MMR_S - L + S) =
    (10,000 - 60,000 + 31,000) / (0.005 + 0.0025 - 1 + 0.5) = -19,000 / -0.4925."""
    account = hedged(10_000, Position("long", 60_000, 1), Position("short", 62_000, 0.5),
                     mmr=0.005)
    marks = {"long": 61_000, "short": 61_000}
    price = account.liquidation_price("long", marks)
    assert_allclose(price, 19_000 / 0.4925)
    assert account.liquidation_price("short", marks) == price  # one price for both legs
    at = {"long": price, "short": price}
    assert_allclose(account.margin_ratio(at), 1.0)


def test_usdm_hedge_with_tiers_uses_each_legs_bracket_at_the_liquidation_price():
    """Same legs with BINANCE_BTCUSDT: at about 38,500 the long's notional (38,500) and the
    short's (19,250) both lie in the 0.4 % bracket (cum 0): P = 19,000 / (1 - 0.5 - 0.004 -
    0.002) = 19,000 / 0.494 = 38,461.54."""
    account = hedged(10_000, Position("long", 60_000, 1), Position("short", 62_000, 0.5),
                     tiers=BINANCE_BTCUSDT)
    assert_allclose(account.liquidation_price("long", {"long": 60_000, "short": 60_000}),
                    19_000 / 0.494)


def test_coinm_hedge_formula_by_hand():
    """WB 0.1 BTC; long 10,000 USD at 50,000; short 5,000 USD at 55,000; MMR 0.5 % both.
    Equity(P) = 0.1 + 10,000*(1/50,000 - 1/P) + 5,000*(1/P - 1/55,000) = 0.2090909 - 5,000/P;
    maintenance = 0.005*(10,000 + 5,000)/P = 75/P. Equal at P = 5,075 / 0.2090909 =
    24,271.74. Binance's form: (L*MMR_L + S*MMR_S + L - S) / (WB + L/EPL - S/EPS)."""
    account = hedged(0.1, Position("long", 50_000, 10_000, "inverse", "BTC"),
                     Position("short", 55_000, 5_000, "inverse", "BTC"), mmr=0.005)
    expected = (50 + 25 + 10_000 - 5_000) / (0.1 + 10_000 / 50_000 - 5_000 / 55_000)
    price = account.liquidation_price("short", {"long": 50_000, "short": 50_000})
    assert_allclose(price, expected)
    assert_allclose(price, 24_271.739130, rtol=1e-9)


def test_other_symbols_enter_as_tmm1_and_upnl1():
    """An ETH long beside the hedged BTC pair: its maintenance (TMM1) and PnL (UPNL1) at its
    mark shift the pair's numerator: P = (10,000 - TMM1 + UPNL1 - 19,000) / -0.4925."""
    account = hedged(10_000, Position("long", 60_000, 1), Position("short", 62_000, 0.5),
                     mmr=0.005)
    account.add("ETH", Position("long", 3_000, 2), mmr=0.01)
    marks = {"long": 60_000, "short": 60_000, "ETH": 2_500}
    tmm1, upnl1 = 2 * 2_500 * 0.01, 2 * (2_500 - 3_000)
    price = account.liquidation_price("long", marks)
    assert_allclose(price, (10_000 - tmm1 + upnl1 - 60_000 + 31_000) / -0.4925)
    assert_allclose(account.margin_ratio({**marks, "long": price, "short": price}), 1.0)


def test_nearly_hedged_long_is_liquidated_by_a_rise():
    """Long 10 BTC and short 9.98 BTC at 60,000 with 10,000 USDT, MMR 0.5 %: equity(P) =
    10,000 + 0.02*(P - 60,000) = 8,800 + 0.02P; maintenance = 0.005*19.98*P = 0.0999P. Equal at
    P = 8,800 / 0.0799 = 110,137.67: although net long, the account dies in a RISE, because the
    PnL nearly cancels while the maintenance margin of both legs grows with the price."""
    account = hedged(10_000, Position("long", 60_000, 10), Position("short", 60_000, 9.98),
                     mmr=0.005)
    marks = {"long": 60_000, "short": 60_000}
    assert not account.is_liquidated(marks)
    assert_allclose(account.liquidation_price("long", marks), 8_800 / 0.0799)


@given(wallet=st.floats(1_000, 100_000), long_q=st.floats(0.01, 5), short_q=st.floats(0.01, 5),
       long_entry=st.floats(20_000, 100_000), short_entry=st.floats(20_000, 100_000))
def test_account_is_exactly_at_maintenance_at_the_shared_price(wallet, long_q, short_q,
                                                              long_entry, short_entry):
    account = hedged(wallet, Position("long", long_entry, long_q),
                     Position("short", short_entry, short_q), tiers=BINANCE_BTCUSDT)
    mark = (long_entry + short_entry) / 2
    marks = {"long": mark, "short": mark}
    if account.is_liquidated(marks):
        return
    price = account.liquidation_price("long", marks)
    if price is not None:
        at = {"long": price, "short": price}
        assert_allclose(account.equity(at), account.maintenance_margin(at), rtol=1e-9,
                        atol=1e-6)


def test_one_symbol_holds_one_long_and_one_short_at_most():
    account = CrossAccount(10_000)
    account.add("a", Position("long", 60_000, 1), mmr=0.005, symbol="BTCUSDT")
    with pytest.raises(ValueError, match="at most one long and one short"):
        account.add("b", Position("long", 61_000, 1), mmr=0.005, symbol="BTCUSDT")


def test_legs_of_one_symbol_need_one_mark():
    account = hedged(10_000, Position("long", 60_000, 1), Position("short", 62_000, 0.5),
                     mmr=0.005)
    with pytest.raises(ValueError, match="one price"):
        account.liquidation_price("long", {"long": 60_000, "short": 59_000})


def test_inverse_positions_of_different_coins_cannot_share_a_cross_account():
    account = CrossAccount(1.0)
    account.add("BTCUSD", Position("long", 60_000, 1_000, "inverse", "BTC"), mmr=0.005)
    with pytest.raises(ValueError, match="position.asset must be 'BTC'.*COIN-M cross margin"):
        account.add("ETHUSD", Position("long", 3_000, 1_000, "inverse", "ETH"), mmr=0.005)
    with pytest.raises(ValueError, match="position.contract must be 'inverse'"):
        account.add("BTCUSDT", Position("long", 60_000, 0.1), mmr=0.005)

