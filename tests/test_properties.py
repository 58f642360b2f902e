"""Invariants of the margin engine, checked over many generated positions (hypothesis)."""

from hypothesis import assume, given
from hypothesis import strategies as st

from isomargin_lib import (
    BINANCE_BTCUSDT,
    Position,
    bankruptcy_price,
    initial_margin,
    liquidation_price,
    maintenance_margin,
)

sides = st.sampled_from(["long", "short"])
contracts = st.sampled_from(["linear", "inverse"])
prices = st.floats(100, 200_000)
mmrs = st.floats(0.0, 0.05)
leverages = st.floats(1, 100)


def position_of(side, contract, entry, size):
    """``size`` in BTC; inverse quantity is its USD face value at entry."""
    return Position(side, entry, size * entry if contract == "inverse" else size, contract)


@given(sides, contracts, prices, st.floats(0.001, 50), leverages, mmrs)
def test_isolated_loss_never_exceeds_margin(side, contract, entry, size, leverage, mmr):
    """At the liquidation price the loss is margin minus maintenance: at most the margin, and
    the liquidation comes before bankruptcy."""
    position = position_of(side, contract, entry, size)
    margin = initial_margin(position, leverage)
    price = liquidation_price(position, margin, mmr=mmr)
    if price is None:
        return
    assert -position.pnl(price) <= margin * (1 + 1e-9)
    bankrupt = bankruptcy_price(position, margin)
    if bankrupt is not None:
        assert position.sign * (price - bankrupt) >= -1e-9 * entry


@given(sides, contracts, prices, st.floats(0.001, 50), leverages, leverages, mmrs)
def test_liquidation_moves_toward_entry_as_leverage_rises(side, contract, entry, size, low, high,
                                                          mmr):
    low, high = sorted((low, high))
    position = position_of(side, contract, entry, size)
    far = liquidation_price(position, initial_margin(position, low), mmr=mmr)
    near = liquidation_price(position, initial_margin(position, high), mmr=mmr)
    assume(near is not None)
    if far is not None:  # a long's liquidation price rises with leverage, a short's falls
        assert position.sign * (near - far) >= -1e-9 * entry


@given(sides, contracts, prices, st.floats(0.001, 50), leverages, st.floats(1.01, 20), mmrs)
def test_more_wallet_in_cross_liquidates_farther(side, contract, entry, size, leverage, extra,
                                                 mmr):
    """The same position, isolated with its initial margin or cross with a bigger wallet."""
    position = position_of(side, contract, entry, size)
    margin = initial_margin(position, leverage)
    isolated = liquidation_price(position, margin, mmr=mmr)
    cross = liquidation_price(position, margin * extra, mmr=mmr)
    assume(isolated is not None)
    if cross is not None:  # lower for a long, higher for a short
        assert position.sign * (isolated - cross) >= 0


@given(prices, st.floats(1, 10_000_000), mmrs, st.floats(1.0, 5.0))
def test_inverse_short_at_1x_or_less_is_never_liquidated(entry, usd, mmr, cover):
    position = Position("short", entry, usd, contract="inverse")
    assert liquidation_price(position, initial_margin(position, 1) * cover, mmr=mmr) is None


@given(sides, contracts, st.floats(1_000, 150_000), st.floats(0.001, 400), st.floats(1, 20))
def test_tiered_equity_equals_maintenance(side, contract, entry, size, leverage):
    """Independent check of the tiered closed form: equity == maintenance at the price found."""
    position = position_of(side, contract, entry, size)
    if contract == "inverse":
        return  # the bundled table is in USDT; inverse tiers are checked in test_margin
    assume(position.notional() < 200_000_000)
    margin = initial_margin(position, leverage, tiers=BINANCE_BTCUSDT)
    price = liquidation_price(position, margin, tiers=BINANCE_BTCUSDT)
    if price is None:
        return
    equity = margin + position.pnl(price)
    maintenance = maintenance_margin(position, price, tiers=BINANCE_BTCUSDT)
    assert abs(equity - maintenance) <= 1e-7 * position.notional()
