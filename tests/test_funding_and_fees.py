"""Funding payments (Binance, "Introduction to Binance Futures Funding Rates") and position
sizing with the taker fees inside the risk (Binance, "Binance Futures Fee Structure & Fee
Calculations")."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from isomargin_lib import (
    BINANCE_BTCUSDT,
    Position,
    funding_payment,
    liquidation_price,
    position_size,
    taker_fee,
)


def test_positive_rate_longs_pay_shorts_on_the_notional_at_the_mark():
    """0.1 BTC at a mark of 62,000: notional 6,200 USDT; rate 0.01 % -> 0.62 USDT."""
    assert_allclose(funding_payment(Position("long", 60_000, 0.1), 62_000, 0.0001), -0.62)
    assert_allclose(funding_payment(Position("short", 60_000, 0.1), 62_000, 0.0001), 0.62)
    assert_allclose(funding_payment(Position("long", 60_000, 0.1), 62_000, -0.0001), 0.62)


def test_inverse_funding_is_in_coin():
    """10,000 USD face value at a mark of 50,000: 0.2 BTC nominal; 0.01 % -> 0.00002 BTC."""
    assert_allclose(funding_payment(Position("long", 40_000, 10_000, "inverse"), 50_000, 0.0001),
                    -0.00002)


def test_thirty_days_of_funding_move_an_isolated_liquidation_price():
    """Long 0.1 BTC at 60,000, 10x isolated: margin 600. 30 days x 3 payments of 0.60 USDT
    (6,000 x 0.01 %) at an unchanged mark = 54 USDT paid from the margin: 546 left. LP =
    (546 - 6,000) / (0.1*0.004 - 0.1) = 54,759.04 instead of (600 - 6,000) / -0.0996 = 54,216.87."""
    long = Position("long", 60_000, 0.1)
    paid = 90 * funding_payment(long, 60_000, 0.0001)
    assert_allclose(paid, -54)
    before = liquidation_price(long, 600, tiers=BINANCE_BTCUSDT)
    after = liquidation_price(long, 600 + paid, tiers=BINANCE_BTCUSDT)
    assert_allclose(before, 5_400 / 0.0996)
    assert_allclose(after, 5_454 / 0.0996)


def test_funding_rate_out_of_range_is_refused():
    with pytest.raises(ValueError, match=r"rate must be in \[-0.01, 0.01\]"):
        funding_payment(Position("long", 60_000, 0.1), 60_000, 0.05)


def test_sizing_with_fees_keeps_the_loss_at_the_stop_at_the_plan():
    """10,000 USDT, 1 %, long at 60,000, stop 58,800, fee 0.05 %: each BTC loses 1,200 at the
    stop plus 0.0005 x (60,000 + 58,800) = 59.40 in fees, so q = 100 / 1,259.40 = 0.079403 BTC
    (against 100 / 1,200 = 0.083333 without fees)."""
    s = position_size(10_000, 0.01, 60_000, 58_800, side="long", leverage=5,
                      tiers=BINANCE_BTCUSDT, taker_fee_rate=0.0005)
    assert_allclose(s.quantity, 100 / 1_259.4)
    position = Position("long", 60_000, s.quantity)
    loss = -position.pnl(58_800) + taker_fee(position, 60_000) + taker_fee(position, 58_800)
    assert_allclose(loss, 100)
    assert_allclose(s.fees, s.quantity * 59.4)
    plain = position_size(10_000, 0.01, 60_000, 58_800, side="long", leverage=5,
                          tiers=BINANCE_BTCUSDT)
    assert_allclose(plain.quantity, 100 / 1_200) and plain.fees == 0


@given(side=st.sampled_from(["long", "short"]), distance=st.floats(0.002, 0.2),
       rate=st.floats(0, 0.001))
def test_loss_at_the_stop_with_fees_is_the_risk_amount(side, distance, rate):
    sign = 1 if side == "long" else -1
    stop = 60_000 * (1 - sign * distance)
    s = position_size(10_000, 0.02, 60_000, stop, side=side, leverage=2, mmr=0.004,
                      taker_fee_rate=rate)
    position = Position(side, 60_000, s.quantity)
    loss = -position.pnl(stop) + taker_fee(position, 60_000, rate=rate) \
        + taker_fee(position, stop, rate=rate)
    assert_allclose(loss, 200, rtol=1e-9)


def test_lesson01_funding_exercise():
    """Short 0.2 BTC, mark 65,000, rate +0.02 %: receives 0.2 * 65,000 * 0.0002 = +2.60 USDT."""
    from isomargin_lib.exercises import lesson01
    assert lesson01.q4.check(2.6).correct
    assert "wrong direction" in lesson01.q4.check(-2.6).message
    assert "entry price" in lesson01.q4.check(2.4).message
    assert lesson01.q4.check(None).verdict == "info"
