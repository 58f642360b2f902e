"""isolated_quote against each exchange's published examples, hand derivations, and the
condition every rule solves: equity (as that exchange defines it) = maintenance margin."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from isomargin_lib import (
    BINANCE_BTCUSDT,
    BYBIT_BTCUSDT,
    EXCHANGES,
    TAKER_RATES,
    MarginQuote,
    Position,
    isolated_quote,
    liquidation_price,
)


def test_exchanges_listed_in_order():
    assert EXCHANGES == ("binance", "bybit", "bybit_classic", "okx", "gate")
    assert set(TAKER_RATES) == set(EXCHANGES)
    assert TAKER_RATES["bybit"] == 0.00055 and TAKER_RATES["okx"] == 0.0005


def test_bybit_classic_published_example():
    """Bybit, "Liquidation Price (USDT Contract)", Example 1: long 1 BTC at 20,000 USDT, 50x,
    MMR 0.5 %, no extra margin -> IM 400, MM 100, LP 19,700 USDT; "Bankruptcy Price (USDT
    Contract)": 20,000 x (1 - 1/50) = 19,600."""
    q = isolated_quote(Position("long", 20_000, 1), 50, exchange="bybit_classic", mmr=0.005)
    assert isinstance(q, MarginQuote)
    assert (q.initial_margin, q.maintenance_margin) == (400, 100)
    assert q.liquidation_price == 19_700 and q.bankruptcy_price == 19_600


def test_bybit_classic_short_with_extra_margin_by_hand():
    """Short 1 BTC at 20,000, 50x, MMR 0.5 %, 3,000 USDT added: LP = 20,000 + (400 - 100) +
    3,000 = 23,300; bankruptcy 20,000 + 400 + 3,000 = 23,400."""
    q = isolated_quote(Position("short", 20_000, 1), 50, exchange="bybit_classic", mmr=0.005,
                       extra_margin=3_000)
    assert_allclose([q.liquidation_price, q.bankruptcy_price], [23_300, 23_400])


def test_bybit_uta_published_example():
    """Bybit, "Liquidation Price Calculation under Isolated Mode (Unified Trading Account)",
    USDT perpetual example: long 1 BTC at 40,000, 50x, 3,000 USDT extra margin, MMR 0.5 %,
    taker 0.055 %, MM deduction 0. Fee to close = 1 x 40,000 x (1 - 1/50) x 0.055 % = 21.56;
    MM = 40,000 x 0.5 % - 0 + 21.56 = 221.56 (published); IM = 800 + 21.56 = 821.56 (the page's
    definition); LP = (40,000 - 800 - 3,000/0.99945 - 0) / (1 - 0.005) = 36,380.25 (published,
    to the cent)."""
    q = isolated_quote(Position("long", 40_000, 1), 50, exchange="bybit", mmr=0.005,
                       extra_margin=3_000, taker_fee_rate=0.00055)
    assert_allclose(q.fee_to_close, 21.56, atol=1e-9)
    assert_allclose(q.maintenance_margin, 221.56, atol=1e-9)
    assert_allclose(q.initial_margin, 821.56, atol=1e-9)
    assert round(q.liquidation_price, 2) == 36_380.25
    # the default taker rate is Bybit's regular one
    assert isolated_quote(Position("long", 40_000, 1), 50, exchange="bybit", mmr=0.005,
                          extra_margin=3_000) == q


def test_bybit_uta_short_and_inverse_by_hand():
    """Short 0.5 BTC at 60,000, 10x, MMR 0.5 %, deduction 50, 1,000 added, c = 0.055 %:
    LP = (30,000 + 3,000 + 1,000/1.00055 + 50) / (0.5 x 1.005).
    Inverse long 30,000 USD at 60,000, 10x, MMR 0.5 %, 0.01 BTC added:
    LP = 30,000 x 1.005 / (0.5 + 0.05 + 0.01/1.00055); fee = 0.5 x 1.1 x c = 0.0003025 BTC;
    bankruptcy = 30,000 / (0.5 x 1.1 + 0.01/1.00055)."""
    c = 0.00055
    short = isolated_quote(Position("short", 60_000, 0.5), 10, exchange="bybit", mmr=0.005,
                           maintenance_amount=50, extra_margin=1_000)
    assert_allclose(short.liquidation_price, (30_000 + 3_000 + 1_000 / (1 + c) + 50) / 0.5025)
    assert_allclose(short.fee_to_close, 0.5 * 60_000 * 1.1 * c)
    inverse = isolated_quote(Position("long", 60_000, 30_000, "inverse"), 10, exchange="bybit",
                             mmr=0.005, extra_margin=0.01)
    assert_allclose(inverse.liquidation_price, 30_000 * 1.005 / (0.55 + 0.01 / (1 + c)))
    assert_allclose(inverse.fee_to_close, 0.0003025)
    assert_allclose(inverse.initial_margin, 0.05 + 0.0003025)
    assert_allclose(inverse.bankruptcy_price, 30_000 / (0.55 + 0.01 / (1 + c)))


def test_okx_and_gate_by_hand():
    """Long 1 BTC at 50,000, 20x (margin 2,500), MMR 0.4 %, taker 0.05 %:
    LP = (50,000 - 2,500) / (1 - 0.0045) = 47,714.72...; short: (50,000 + 2,500) / 1.0045.
    Gate publishes the same form, so both exchanges agree. Inverse short 50,000 USD at 50,000,
    5x (0.2 BTC): LP = (1 - 0.0045) / (1/50,000 - 0.2/50,000) = 62,218.75."""
    for exchange in ("okx", "gate"):
        long = isolated_quote(Position("long", 50_000, 1), 20, exchange=exchange, mmr=0.004)
        assert_allclose(long.liquidation_price, 47_500 / 0.9955)
        assert_allclose(long.bankruptcy_price, 47_500)
        short = isolated_quote(Position("short", 50_000, 1), 20, exchange=exchange, mmr=0.004)
        assert_allclose(short.liquidation_price, 52_500 / 1.0045)
        inverse = isolated_quote(Position("short", 50_000, 50_000, "inverse"), 5,
                                 exchange=exchange, mmr=0.004)
        assert_allclose(inverse.liquidation_price, 0.9955 / (0.8 / 50_000))
        assert_allclose(inverse.liquidation_price, 62_218.75)


def test_binance_matches_the_library_formula_with_extra_margin():
    """Binance: margin = IM + extra, the bracket at the liquidation price (library formula)."""
    position = Position("long", 60_000, 0.5)
    q = isolated_quote(position, 10, exchange="binance", tiers=BINANCE_BTCUSDT,
                       extra_margin=500)
    assert q.initial_margin == 3_000
    assert_allclose(q.liquidation_price,
                    liquidation_price(position, 3_500, tiers=BINANCE_BTCUSDT))
    assert_allclose(q.liquidation_price, (3_500 - 30_000) / (0.5 * 0.004 - 0.5))
    assert_allclose(q.fee_to_close, 30_000 * 0.0005)
    assert_allclose(q.bankruptcy_price, 60_000 - 3_500 / 0.5)


def test_inverse_short_at_1x_has_no_liquidation_anywhere():
    position = Position("short", 50_000, 50_000, "inverse")
    for exchange in ("binance", "bybit_classic", "okx"):
        q = isolated_quote(position, 1, exchange=exchange, mmr=0.0)
        assert q.liquidation_price is None
    assert isolated_quote(Position("long", 50_000, 1), 1, exchange="okx",
                          mmr=0.004).liquidation_price is None


def test_bybit_tiers_by_position_value():
    """A 1,000,000 USDT position lies in Bybit's second BTCUSDT tier (0.5 %, deduction 510):
    MM at entry = 5,000 - 510 + fee; more leverage than the tier's 100x is refused."""
    position = Position("long", 50_000, 20)
    q = isolated_quote(position, 50, exchange="bybit", tiers=BYBIT_BTCUSDT)
    fee = 20 * 50_000 * (1 - 1 / 50) * 0.00055
    assert_allclose(q.maintenance_margin, 1_000_000 * 0.005 - 510 + fee)
    with pytest.raises(ValueError, match=r"leverage must be in \[1, 100\]"):
        isolated_quote(position, 120, exchange="bybit", tiers=BYBIT_BTCUSDT)


def _equity_gap(exchange, position, leverage, extra, mmr, amount, c, price):
    """Equity minus maintenance margin at ``price``, written from each exchange's page."""
    s, q, e = position.sign, position.quantity, position.entry_price
    value0, value = position.notional(), position.notional(price)
    pnl = position.pnl(price)
    if exchange == "binance":
        return value0 / leverage + extra + pnl - (value * mmr - amount)
    if exchange == "bybit_classic":
        return value0 / leverage + extra + pnl - (value0 * mmr - amount)
    if exchange in ("okx", "gate"):
        return value0 / leverage + extra + pnl - value * (mmr + c)
    # Bybit UTA: position margin incl. fee at the initial bankruptcy price; MM with the fee at
    # the bankruptcy price of the whole margin (the condition its published LP solves).
    bp0 = e * (1 - s / leverage) if not position.is_inverse else e / (1 + s / leverage)
    margin = value0 / leverage + position.notional(bp0) * c + extra
    if position.is_inverse:
        bp = q * (1 + s * c) / (q / e + s * margin)
    else:
        bp = (q * e - s * margin) / (q * (1 - s * c))
    return margin + pnl - (value * mmr - amount + position.notional(bp) * c)


@given(exchange=st.sampled_from(EXCHANGES), side=st.sampled_from(["long", "short"]),
       contract=st.sampled_from(["linear", "inverse"]),
       leverage=st.floats(1.5, 100), extra=st.floats(0, 0.5),
       mmr=st.floats(0.001, 0.006), c=st.floats(0, 0.001))
def test_equity_equals_maintenance_at_the_liquidation_price(exchange, side, contract, leverage,
                                                             extra, mmr, c):
    """Every rule: equity = maintenance margin at its liquidation price, which lies between
    the entry and the bankruptcy price (liquidation comes first)."""
    entry = 60_000.0
    quantity = 0.5 if contract == "linear" else 30_000.0
    position = Position(side, entry, quantity, contract)
    extra_margin = extra * position.notional() / leverage
    amount = 0.0 if exchange in ("okx", "gate") else 0.1 * mmr * position.notional()
    q = isolated_quote(position, leverage, exchange=exchange, extra_margin=extra_margin,
                       mmr=mmr, maintenance_amount=amount, taker_fee_rate=c)
    if q.liquidation_price is None:
        return
    gap = _equity_gap(exchange, position, leverage, extra_margin, mmr, amount, c,
                      q.liquidation_price)
    assert math.isclose(gap, 0, abs_tol=1e-9 * position.notional())
    s = position.sign
    assert s * (entry - q.liquidation_price) > 0
    if q.bankruptcy_price is not None:
        assert s * (q.liquidation_price - q.bankruptcy_price) >= 0


@pytest.mark.parametrize("kwargs, match", [
    ({"exchange": "ftx"}, r"exchange must be one of 'binance', 'bybit'.*got 'ftx'"),
    ({"exchange": "okx", "extra_margin": -1}, r"extra_margin must be .*>= 0, got -1"),
    ({"exchange": "bybit", "taker_fee_rate": 0.05}, r"taker_fee_rate must be in \[0, 0.01\]"),
    ({"exchange": "okx", "maintenance_amount": 50}, r"maintenance_amount must be 0 for OKX"),
    ({"exchange": "bybit", "maintenance_amount": -5}, r"maintenance_amount must be .*>= 0"),
    ({"exchange": "binance", "mmr": None}, r"mmr is required"),
    ({"exchange": "binance", "tiers": BINANCE_BTCUSDT}, r"either mmr or tiers"),
    ({"exchange": "okx", "mmr": None, "tiers": BINANCE_BTCUSDT},
     r"tier's maintenance_amount must be 0"),
])
def test_bad_input_names_argument_value_and_range(kwargs, match):
    args = {"mmr": 0.005, **kwargs}
    with pytest.raises(ValueError, match=match):
        isolated_quote(Position("long", 60_000, 20), 10, **args)


def test_leverage_too_high_for_the_rate_is_refused():
    with pytest.raises(ValueError, match=r"leverage = 100 is too high"):
        isolated_quote(Position("long", 60_000, 1), 100, exchange="okx", mmr=0.02)
    with pytest.raises(ValueError, match=r"leverage must be in \[1, inf\)"):
        isolated_quote(Position("long", 60_000, 1), 0.5, exchange="bybit", mmr=0.005)


def test_unit_mismatch_is_refused_by_every_exchange():
    inverse = Position("long", 60_000, 30_000, "inverse")
    for exchange in EXCHANGES:
        with pytest.raises(ValueError, match=r"tiers.unit must be the position's coin"):
            isolated_quote(inverse, 10, exchange=exchange, tiers=BYBIT_BTCUSDT)
