"""Adding and removing isolated margin: Binance's "How to Adjust Margin Balance in
Cross/Isolated Margin Mode" (max removable, max addable), USDⓈ-M and COIN-M."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from isomargin_lib import (
    BINANCE_BTCUSDT,
    IsolatedPosition,
    Position,
    max_addable_margin,
)


def half_btc(side, leverage=10):
    return IsolatedPosition(Position(side, 60_000, 0.5), leverage, tiers=BINANCE_BTCUSDT)


def test_long_in_profit_can_remove_part_of_its_profit():
    """0.5 BTC long at 60,000, 10x: WB = 3,000. At mark 66,000 (notional 33,000, tier 1, MMR
    0.4 %): WB - MM = 3,000 - 132 = 2,868; WB + 0.5*(66,000 - 60,000) - 66,000*0.5*0.1 =
    3,000 + 3,000 - 3,300 = 2,700. Max removable = min = 2,700 (the old rule said 0)."""
    assert_allclose(half_btc("long").max_removable_margin(66_000), 2_700)


def test_long_with_added_margin_in_profit():
    """Add 1,000 (WB = 4,000). At mark 63,000: WB - MM = 4,000 - 31,500*0.004 = 3,874;
    WB + 0.5*3,000 - 63,000*0.5*0.1 = 4,000 + 1,500 - 3,150 = 2,350. Max removable 2,350."""
    trade = half_btc("long")
    trade.add_margin(1_000)
    assert_allclose(trade.max_removable_margin(63_000), 2_350)
    trade.remove_margin(2_350, 63_000)
    assert_allclose(trade.margin, 1_650)
    with pytest.raises(ValueError, match=r"amount must be in \(0, 0.00\]"):
        trade.remove_margin(1, 63_000)


def test_short_in_big_profit_is_capped_by_maintenance():
    """0.5 BTC short at 60,000, 10x, WB 3,000; mark 54,000: WB + (-0.5)*(54,000 - 60,000) -
    54,000*0.5*0.1 = 3,000 + 3,000 - 2,700 = 3,300; WB - MM = 3,000 - 27,000*0.004 = 2,892.
    Max removable 2,892: the margin left must still cover the maintenance margin."""
    assert_allclose(half_btc("short").max_removable_margin(54_000), 2_892)


def test_in_loss_only_what_lies_above_the_initial_margin_after_the_loss():
    """1 BTC long at 60,000, 20x, WB 3,000 + 1,000 added. At 59,000: loss 1,000, initial margin
    at mark 59,000/20 = 2,950, so 4,000 - 1,000 - 2,950 = 50 (less than WB - MM = 3,764)."""
    trade = IsolatedPosition(Position("long", 60_000, 1), 20, tiers=BINANCE_BTCUSDT)
    trade.add_margin(1_000)
    assert_allclose(trade.max_removable_margin(59_000), 50)
    assert trade.max_removable_margin(60_000) == pytest.approx(1_000)
    assert half_btc("long").max_removable_margin(60_000) == 0  # just opened: nothing


def test_coin_margined_form():
    """COIN-M: 10,000 USD long at 50,000, 10x, MMR 0.5 %: WB = 0.02 BTC. At mark 62,500:
    PnL = 10,000*(1/50,000 - 1/62,500) = 0.04 BTC; |size|*IMR/mark = 10,000*0.1/62,500 =
    0.016 BTC, so 0.02 + 0.04 - 0.016 = 0.044; WB - MM = 0.02 - 0.005*10,000/62,500 =
    0.0192 BTC. Max removable 0.0192 BTC."""
    trade = IsolatedPosition(Position("long", 50_000, 10_000, "inverse"), 10, mmr=0.005)
    assert_allclose(trade.max_removable_margin(62_500), 0.0192)
    assert_allclose(trade.max_removable_margin(50_000), 0.0, atol=1e-15)


def test_effective_leverage_falls_when_margin_is_added_but_setting_stays():
    trade = half_btc("long")
    trade.add_margin(3_000)
    assert_allclose(trade.effective_leverage(), 5)
    assert trade.leverage == 10


@given(side=st.sampled_from(["long", "short"]), leverage=st.integers(1, 100),
       added=st.floats(0, 5_000), move=st.floats(-0.3, 0.3))
def test_what_is_left_after_the_max_removal_is_never_liquidated(side, leverage, added, move):
    """After removing the maximum, equity >= maintenance margin and margin >= maintenance."""
    trade = half_btc(side, leverage)
    if added:
        trade.add_margin(added)
    mark = 60_000 * (1 + move)
    removable = trade.max_removable_margin(mark)
    if removable > 0:
        trade.remove_margin(removable, mark)
    maintenance = float(trade.maintenance_margin(mark))
    assert trade.margin >= maintenance - 1e-6 or removable == 0
    assert trade.equity(mark) >= maintenance - 1e-6 or trade.is_liquidated(mark)


def test_max_addable_margin():
    """Binance: max(0, min(crossWalletBalance - open-order IM - cross MM, available))."""
    assert_allclose(max_addable_margin(5_000), 5_000)
    assert_allclose(max_addable_margin(5_000, cross_maintenance=300, open_order_margin=200),
                    4_500)
    assert_allclose(max_addable_margin(5_000, available_for_order=1_200), 1_200)
    assert max_addable_margin(100, cross_maintenance=300) == 0
    with pytest.raises(ValueError, match="cross_wallet_balance must be a finite number >= 0"):
        max_addable_margin(-1)
