"""Lesson 05b: the exchange-comparison explorer, driven as a learner would, against
isolated_quote."""

import pytest
from numpy.testing import assert_allclose

from isomargin_lib import (
    BINANCE_BTCUSDT,
    BYBIT_BTCUSDT,
    EXCHANGES,
    Position,
    explorers,
    isolated_quote,
)
from isomargin_lib.explorers._exchanges import FLAT_MMR, default_rules

ENTRY = 60_000


@pytest.fixture
def explorer():
    return explorers.exchange_comparison(entry_price=ENTRY)


def expected(leverage, quantity, side, extra):
    position = Position(side, ENTRY, quantity)
    return {name: isolated_quote(position, leverage, exchange=name, extra_margin=extra,
                                 **default_rules()[name]) for name in EXCHANGES}


def test_default_rules_use_the_bundled_tables():
    rules = default_rules()
    assert rules["binance"]["tiers"] is BINANCE_BTCUSDT
    assert rules["bybit"]["tiers"] is BYBIT_BTCUSDT
    assert rules["okx"] == {"mmr": FLAT_MMR}


@pytest.mark.parametrize("leverage, quantity, side, extra", [
    (20, 0.5, "long", 0), (50, 1.0, "short", 500), (5, 2.0, "long", 3_000), (100, 0.1, "short", 0),
])
def test_markers_and_readout_are_isolated_quote(explorer, leverage, quantity, side, extra):
    explorer.controls["leverage"].value = leverage
    explorer.controls["quantity"].value = quantity
    explorer.controls["side"].value = side
    explorer.controls["extra_margin"].value = extra
    quotes = expected(leverage, quantity, side, extra)
    assert list(explorer.figure.data[0].x) == ["Binance", "Bybit (UTA)", "Bybit classic", "OKX",
                                               "Gate"]
    assert_allclose(explorer.figure.data[0].y, [q.liquidation_price for q in quotes.values()])
    assert_allclose(explorer.figure.data[1].y, [q.bankruptcy_price for q in quotes.values()])
    for name, q in quotes.items():
        assert_allclose(explorer.numbers[f"{name}_liquidation_price"], q.liquidation_price)
        assert_allclose(explorer.numbers[f"{name}_initial_margin"], q.initial_margin)
        assert_allclose(explorer.numbers[f"{name}_fee_to_close"], q.fee_to_close)
        assert explorer.texts[f"{name}_liquidation_price"] in explorer.readout.value
    assert "differ by" in explorer.status
    assert explorer.figure.layout.yaxis.range == (ENTRY * 0.45, ENTRY * 1.55)


def test_leverage_above_a_tier_is_refused_for_that_exchange_only():
    """A 1.5M USDT position lies in Binance's 75x bracket and Bybit's 100x tier: at 90x
    Binance refuses, the others answer."""
    ex = explorers.exchange_comparison(entry_price=ENTRY, max_quantity=30)
    ex.controls["quantity"].value = 25
    ex.controls["leverage"].value = 90
    assert ex.figure.data[0].y[0] is None and ex.texts["binance_liquidation_price"] == "refused"
    assert ex.figure.data[0].y[1] is not None
    assert "Refused by Binance" in ex.status and 'data-kind="warning"' in ex.readout.value


def test_one_x_long_liquidates_only_under_bybit_classic(explorer):
    """At 1x the margin is the whole value: no positive price liquidates, except with Bybit's
    classic rule, whose maintenance margin is fixed at entry: LP = EP - (IM - MM)/Q = EP x MMR
    = 60,000 x 0.33 % = 198."""
    explorer.controls["leverage"].value = 1
    ys = explorer.figure.data[0].y
    assert [y is None for y in ys] == [True, True, False, True, True]
    assert_allclose(ys[2], ENTRY * 0.0033)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="max_leverage"):
        explorers.exchange_comparison(max_leverage=500)
    with pytest.raises(ValueError, match="rules key"):
        explorers.exchange_comparison(rules={"ftx": {"mmr": 0.005}})


def test_at_1x_the_status_names_the_only_rule_that_liquidates():
    """At 1x only Bybit classic's maintenance margin, fixed at entry, can exceed the equity:
    a long liquidates where Q*P = MM at entry, P = EP*MMR = 60,000*0.33 % = 198 USDT."""
    ex = explorers.exchange_comparison()
    ex.controls["leverage"].value = 1
    assert ex.status.startswith("Only Bybit classic can liquidate")
    assert "198.00" in ex.status
