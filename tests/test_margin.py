"""The margin engine against published worked examples and independent derivations."""

import itertools
import math

import pytest
from numpy.testing import assert_allclose

from isomargin_lib import (
    BINANCE_BTCUSDT,
    CrossAccount,
    IsolatedPosition,
    MarginTiers,
    Position,
    Tier,
    bankruptcy_price,
    initial_margin,
    liquidation_move_percent,
    liquidation_price,
    maintenance_margin,
    margin_ratio,
    return_on_equity,
)


def binance_faq_account():
    """Binance FAQ "How to Calculate Liquidation Price of USDⓈ-M Contracts", cross, one-way."""
    account = CrossAccount(1_535_443.01)
    account.add("BTC", Position("long", 32_481.98, 109.488), mmr=0.025, maintenance_amount=16_300)
    account.add("ETH", Position("long", 1_456.84, 3_683.979), mmr=0.10, maintenance_amount=135_365)
    return account, {"BTC": 31_967.27, "ETH": 1_335.18}


def test_binance_faq_cross_example():
    """Published: ETH LP 1,153.26 with TMM1 71,200.81 and UPNL1 -56,354.57; BTC LP 26,316.89."""
    account, marks = binance_faq_account()
    assert_allclose(account.maintenance_margin(marks, exclude="ETH"), 71_200.81, atol=0.005)
    assert_allclose(account.unrealized_pnl(marks, exclude="ETH"), -56_354.57, atol=0.005)
    assert_allclose(account.liquidation_price("ETH", marks), 1_153.26, atol=0.005)
    assert_allclose(account.liquidation_price("BTC", marks), 26_316.89, atol=0.005)


def test_binance_faq_through_the_function():
    """The same ETH number from liquidation_price with TMM1 and UPNL1 passed by hand."""
    eth = Position("long", 1_456.84, 3_683.979)
    price = liquidation_price(eth, 1_535_443.01, mmr=0.10, maintenance_amount=135_365,
                              other_maintenance=71_200.81, other_pnl=-56_354.57)
    assert_allclose(price, 1_153.26, atol=0.005)


def test_isolated_long_by_hand():
    """1 BTC long at 50,000, 10x: margin 5,000; MMR 0.4 %, no amount.

    Equity = MM: 5,000 + (P - 50,000) = 0.004 P  =>  P = 45,000 / 0.996 = 45,180.7229...
    Bankruptcy: 5,000 + (P - 50,000) = 0  =>  P = 45,000.
    """
    position = Position("long", 50_000, 1)
    margin = initial_margin(position, 10)
    assert margin == 5_000
    assert_allclose(liquidation_price(position, margin, mmr=0.004), 45_000 / 0.996)
    assert_allclose(bankruptcy_price(position, margin), 45_000)
    assert_allclose(liquidation_move_percent(position, margin, mmr=0.004),
                    100 * (45_000 / 0.996 / 50_000 - 1))


def test_isolated_short_by_hand():
    """1 BTC short at 50,000, 10x: 5,000 - (P - 50,000) = 0.004 P  =>  P = 55,000 / 1.004."""
    position = Position("short", 50_000, 1)
    assert_allclose(liquidation_price(position, 5_000, mmr=0.004), 55_000 / 1.004)
    assert_allclose(bankruptcy_price(position, 5_000), 55_000)


def test_inverse_long_by_hand():
    """10,000 USD long at 50,000 (0.2 BTC notional), 10x: margin 0.02 BTC, MMR 0.5 %.

    0.02 + 10,000 (1/50,000 - 1/P) = 0.005 * 10,000 / P  =>  P = 10,050 / 0.22 = 45,681.818...
    """
    position = Position("long", 50_000, 10_000, contract="inverse")
    margin = initial_margin(position, 10)
    assert_allclose(margin, 0.02)
    assert_allclose(liquidation_price(position, margin, mmr=0.005), 10_050 / 0.22)
    assert_allclose(bankruptcy_price(position, margin), 10_000 / 0.22)


def test_inverse_short_asymmetry():
    """Inverse short, 10,000 USD at 50,000, margin 0.1 BTC (2x): P = 9,950 / 0.1 = 99,500.

    A 2x inverse long dies at 10,050 / 0.3 = 33,500 (-33 %), the short at +99 %.
    """
    short = Position("short", 50_000, 10_000, contract="inverse")
    long = Position("long", 50_000, 10_000, contract="inverse")
    assert_allclose(liquidation_price(short, 0.1, mmr=0.005), 99_500)
    assert_allclose(liquidation_price(long, 0.1, mmr=0.005), 33_500)


def test_one_x_inverse_short_is_never_liquidated():
    position = Position("short", 50_000, 10_000, contract="inverse")
    margin = initial_margin(position, 1)
    assert liquidation_price(position, margin, mmr=0.005) is None
    assert bankruptcy_price(position, margin) is None


def test_linear_long_without_liquidation():
    """1x linear long with maintenance 0: no positive price liquidates it."""
    position = Position("long", 50_000, 1)
    assert liquidation_price(position, 50_000, mmr=0.0) is None
    assert bankruptcy_price(position, 50_000) is None


def test_maintenance_amount_recurrence_reproduces_binance_table():
    """cum_n = floor_n * (mmr_n - mmr_{n-1}) + cum_{n-1}, from cum_0 = 0."""
    amounts = [0.0]
    for previous, tier in itertools.pairwise(BINANCE_BTCUSDT):
        amounts.append(tier.floor * (tier.mmr - previous.mmr) + amounts[-1])
    assert_allclose(amounts, [tier.maintenance_amount for tier in BINANCE_BTCUSDT], atol=1e-6)
    assert amounts[-1] == pytest.approx(421_481_450)


def test_binance_btcusdt_table_facts():
    caps = [tier.cap for tier in BINANCE_BTCUSDT]
    assert caps[0] == 50_000 and caps[-1] == 1_800_000_000 and len(caps) == 12
    assert [tier.max_leverage for tier in BINANCE_BTCUSDT][:3] == [125, 100, 75]
    assert BINANCE_BTCUSDT.tier_for(49_999.99).mmr == 0.004
    assert BINANCE_BTCUSDT.tier_for(50_000).mmr == 0.005


def test_maintenance_margin_is_continuous_at_every_boundary():
    position = Position("long", 1.0, 1.0)  # notional == price
    for tier in BINANCE_BTCUSDT[1:]:
        below = maintenance_margin(position, tier.floor * (1 - 1e-12), tiers=BINANCE_BTCUSDT)
        at = maintenance_margin(position, tier.floor, tiers=BINANCE_BTCUSDT)
        assert_allclose(below, at, rtol=1e-9)


def test_maintenance_margin_vectorised_matches_scalar():
    position = Position("short", 60_000, 20)
    prices = [1_000, 2_400, 30_000, 60_000, 200_000, 3_000_000]
    vector = maintenance_margin(position, prices, tiers=BINANCE_BTCUSDT)
    scalar = [maintenance_margin(position, p, tiers=BINANCE_BTCUSDT) for p in prices]
    assert_allclose(vector, scalar)


@pytest.mark.parametrize("contract", ["linear", "inverse"])
@pytest.mark.parametrize("side", ["long", "short"])
@pytest.mark.parametrize("leverage", [2, 5, 20, 50])
def test_tiered_liquidation_equity_equals_maintenance(contract, side, leverage):
    """At the computed price, equity equals maintenance margin, with the bracket of that price."""
    if contract == "linear":
        tiers, position = BINANCE_BTCUSDT, Position(side, 60_000, 150.0)  # 9M notional
    else:
        tiers, position = COIN_TIERS, Position(side, 60_000, 900_000, contract="inverse")
    margin = initial_margin(position, leverage, tiers=tiers) * 1.3
    price = liquidation_price(position, margin, tiers=tiers)
    equity = margin + position.pnl(price)
    assert_allclose(equity, maintenance_margin(position, price, tiers=tiers), rtol=1e-9)
    assert tiers.tier_for(position.notional(price)).contains(position.notional(price))


def test_bracket_at_liquidation_differs_from_bracket_at_entry():
    """A 2.9M short: entry notional sits in the 0.65 % bracket, liquidation notional in the 1 %."""
    position = Position("short", 60_000, 2_900_000 / 60_000)
    margin = initial_margin(position, 3)
    price = liquidation_price(position, margin, tiers=BINANCE_BTCUSDT)
    assert BINANCE_BTCUSDT.tier_for(position.notional()).mmr == 0.0065
    assert BINANCE_BTCUSDT.tier_for(position.notional(price)).mmr == 0.01
    naive = liquidation_price(position, margin, mmr=0.0065, maintenance_amount=950)
    assert price < naive  # the higher rate liquidates the short earlier


def test_margin_ratio_is_one_at_liquidation():
    position = Position("long", 60_000, 0.5)
    margin = initial_margin(position, 25)
    price = liquidation_price(position, margin, tiers=BINANCE_BTCUSDT)
    assert_allclose(margin_ratio(position, margin, price, tiers=BINANCE_BTCUSDT), 1.0)
    assert margin_ratio(position, margin, 1.0, tiers=BINANCE_BTCUSDT) == math.inf


def test_return_on_equity_is_leverage_times_move():
    position = Position("short", 40_000, 2)
    assert_allclose(return_on_equity(position, 38_000, 10), 10 * 0.05)


def test_isolated_position_add_and_remove_margin():
    isolated = IsolatedPosition(Position("long", 60_000, 1), 20, tiers=BINANCE_BTCUSDT)
    before = isolated.liquidation_price()
    isolated.add_margin(1_000)
    assert isolated.margin == 4_000
    assert isolated.liquidation_price() < before
    # At 59,000 the loss is 1,000 and the initial margin at mark is 2,950: at most 50 can go.
    assert_allclose(isolated.max_removable_margin(59_000), 50)
    with pytest.raises(ValueError, match="amount must be in"):
        isolated.remove_margin(51, 59_000)
    isolated.remove_margin(50, 59_000)
    assert_allclose(isolated.margin, 3_950)


def test_isolated_position_removal_counts_unrealised_profit_down_to_maintenance():
    """Short 1 BTC at 60,000, 10x, MMR 0.4 %: WB 6,000. At 50,000: WB + PnL - initial at mark
    = 6,000 + 10,000 - 5,000 = 11,000, WB - MM = 6,000 - 200 = 5,800: at most 5,800."""
    isolated = IsolatedPosition(Position("short", 60_000, 1), 10, mmr=0.004)
    assert isolated.max_removable_margin(50_000) == pytest.approx(5_800)


def test_cross_account_matches_function_and_liquidation_state():
    account, marks = binance_faq_account()
    eth_price = account.liquidation_price("ETH", marks)
    at_liquidation = {**marks, "ETH": eth_price}
    assert_allclose(account.margin_ratio(at_liquidation), 1.0, rtol=1e-9)
    assert not account.is_liquidated(marks)


COIN_TIERS = MarginTiers(
    [
        Tier(0, 5, 125, 0.004, 0),
        Tier(5, 10, 100, 0.005, 0.005),
        Tier(10, 20, 50, 0.01, 0.055),
        Tier(20, 50, 20, 0.025, 0.355),
        Tier(50, 100, 10, 0.05, 1.605),
        Tier(100, 200, 5, 0.10, 6.605),
        Tier(200, 400, 4, 0.125, 11.605),
        Tier(400, 1_000, 2, 0.25, 61.605),
    ],
    name="illustrative coin-margined tiers (notional in BTC)",
    unit="BTC",
)
