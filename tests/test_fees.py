"""Taker fee on closing: fee = notional at the closing price x rate (Binance fee FAQ)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from isomargin_lib import BINANCE_USDM_TAKER_RATE, Position, initial_margin, taker_fee


def test_binance_regular_taker_rate_is_five_basis_points():
    """Binance fee schedule, regular user, USDⓈ-M: taker 0.0500 %."""
    assert BINANCE_USDM_TAKER_RATE == 0.0005


def test_fee_on_notional_by_hand():
    """0.5 BTC at 60,000 = 30,000 USDT; 0.05 % of it is 15 USDT; closed at 50,000: 12.5."""
    position = Position("long", 60_000, 0.5)
    assert_allclose(taker_fee(position), 15.0)
    assert_allclose(taker_fee(position, 50_000), 12.5)
    assert_allclose(taker_fee(position, np.array([50_000, 70_000]), rate=0.0004), [10.0, 14.0])


def test_fee_share_of_margin_is_rate_times_leverage():
    """fee / (notional / L) = rate x L: 0.05 % x 100 = 5 % of the margin."""
    position = Position("short", 60_000, 0.5)
    for leverage in (1, 10, 100, 125):
        share = taker_fee(position) / initial_margin(position, leverage)
        assert_allclose(share, BINANCE_USDM_TAKER_RATE * leverage)


def test_inverse_fee_in_coin():
    """10,000 USD face value at 50,000: 0.2 BTC notional; 0.05 % is 0.0001 BTC."""
    assert_allclose(taker_fee(Position("long", 50_000, 10_000, contract="inverse")), 1e-4)


@pytest.mark.parametrize("rate", [-0.0001, 0.02, float("nan")])
def test_bad_rate_is_refused_with_its_name(rate):
    with pytest.raises(ValueError, match="rate"):
        taker_fee(Position("long", 60_000, 0.5), rate=rate)


def test_bad_position_and_price_are_refused():
    with pytest.raises(ValueError, match="position"):
        taker_fee("0.5 BTC")
    with pytest.raises(ValueError, match="price"):
        taker_fee(Position("long", 60_000, 0.5), -1)
