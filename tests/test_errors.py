"""Bad input raises ValueError naming the argument and what is allowed."""

import math

import pytest

from isomargin_lib import (
    BINANCE_BTCUSDT,
    CrossAccount,
    IsolatedPosition,
    MarginTiers,
    Position,
    Tier,
    initial_margin,
    liquidation_price,
    maintenance_margin,
)

LONG = Position("long", 60_000, 1)
BAD_NUMBERS = [0, -1, math.nan, math.inf, -math.inf]


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_bad_entry_price(value):
    with pytest.raises(ValueError, match=r"entry_price must be .*> 0"):
        Position("long", value, 1)


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_bad_quantity(value):
    with pytest.raises(ValueError, match=r"quantity must be .*> 0"):
        Position("long", 60_000, value)


@pytest.mark.parametrize("value", ["1", None, True, [1]])
def test_wrong_type_quantity(value):
    with pytest.raises(ValueError, match="quantity must be a real number"):
        Position("long", 60_000, value)


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_bad_margin(value):
    with pytest.raises(ValueError, match=r"margin must be .*> 0"):
        liquidation_price(LONG, value, mmr=0.004)


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_bad_price(value):
    with pytest.raises(ValueError, match="price must"):
        LONG.pnl(value)
    with pytest.raises(ValueError, match="price must"):
        maintenance_margin(LONG, [60_000, value], mmr=0.004)


def test_unknown_side_and_contract():
    with pytest.raises(ValueError, match="side must be one of 'long', 'short'; got 'buy'"):
        Position("buy", 60_000, 1)
    with pytest.raises(ValueError, match="contract must be one of 'linear', 'inverse'"):
        Position("long", 60_000, 1, contract="quanto")


@pytest.mark.parametrize("leverage", [0.5, 0, -3, math.nan])
def test_leverage_below_one(leverage):
    with pytest.raises(ValueError, match=r"leverage must be"):
        initial_margin(LONG, leverage)


def test_leverage_above_the_tier_maximum():
    big = Position("long", 60_000, 100)  # 6M notional: the 50x bracket
    with pytest.raises(ValueError, match=r"leverage must be in \[1, 50\], got 75"):
        initial_margin(big, 75, tiers=BINANCE_BTCUSDT)
    with pytest.raises(ValueError, match=r"leverage must be in \[1, 50\]"):
        IsolatedPosition(big, 51, tiers=BINANCE_BTCUSDT)


@pytest.mark.parametrize("mmr", [-0.1, 1.0, 2.0, math.nan])
def test_mmr_outside_range(mmr):
    with pytest.raises(ValueError, match=r"mmr must be"):
        liquidation_price(LONG, 1_000, mmr=mmr)


def test_mmr_or_tiers_exactly_one():
    with pytest.raises(ValueError, match="mmr is required"):
        liquidation_price(LONG, 1_000)
    with pytest.raises(ValueError, match="either mmr or tiers"):
        liquidation_price(LONG, 1_000, mmr=0.01, tiers=BINANCE_BTCUSDT)


def test_unsorted_tiers():
    with pytest.raises(ValueError, match="tiers must be sorted"):
        MarginTiers([Tier(0, 10, 100, 0.01, 0), Tier(20, 30, 50, 0.02, 0.3),
                     Tier(10, 20, 50, 0.02, 0.1)])


def test_overlapping_tiers():
    with pytest.raises(ValueError, match="tiers must be contiguous.*overlaps"):
        MarginTiers([Tier(0, 10, 100, 0.01, 0), Tier(5, 20, 50, 0.02, 0.05)])


def test_gapped_tiers():
    with pytest.raises(ValueError, match="tiers must be contiguous.*gap"):
        MarginTiers([Tier(0, 10, 100, 0.01, 0), Tier(12, 20, 50, 0.02, 0.12)])


def test_inconsistent_maintenance_amount():
    with pytest.raises(ValueError, match=r"tiers\[1\].maintenance_amount must be 0.1"):
        MarginTiers([Tier(0, 10, 100, 0.01, 0), Tier(10, 20, 50, 0.02, 0.2)])


def test_tier_fields():
    with pytest.raises(ValueError, match="cap must be > floor"):
        Tier(10, 5, 10, 0.01, 0)
    with pytest.raises(ValueError, match=r"max_leverage must be in \[1, inf\)"):
        Tier(0, 5, 0.5, 0.01, 0)
    with pytest.raises(ValueError, match="mmr must be <= 1/max_leverage"):
        Tier(0, 5, 100, 0.02, 0)


def test_notional_beyond_the_table():
    with pytest.raises(ValueError, match=r"notional must be in \[0, 1,800,000,000\)"):
        BINANCE_BTCUSDT.tier_for(2e9)


def test_account_below_maintenance_everywhere():
    short = Position("short", 60_000, 1)
    with pytest.raises(ValueError, match="margin = 1,000 cannot carry this position"):
        liquidation_price(short, 1_000, mmr=0.004, other_pnl=-70_000)


def test_cross_account_errors():
    account = CrossAccount(10_000)
    account.add("BTC", LONG, tiers=BINANCE_BTCUSDT)
    with pytest.raises(ValueError, match="name must be new"):
        account.add("BTC", LONG, mmr=0.01)
    with pytest.raises(ValueError, match="position.contract must be 'linear'"):
        account.add("BTCUSD", Position("long", 60_000, 100, "inverse"), mmr=0.01)
    with pytest.raises(ValueError, match="marks must give a price for every position"):
        account.margin_ratio({})
    with pytest.raises(ValueError, match="name must be one of"):
        account.liquidation_price("ETH", {"BTC": 60_000})
    with pytest.raises(ValueError, match="wallet_balance must be"):
        CrossAccount(-5)
