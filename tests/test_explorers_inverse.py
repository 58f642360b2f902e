"""Appendix A1: the linear-vs-inverse explorer and its exercises."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from isomargin_lib import Position, explorers, initial_margin, liquidation_price
from isomargin_lib.exercises import lessonA1
from isomargin_lib.explorers._inverse import twins


@pytest.fixture
def explorer():
    return explorers.inverse_vs_linear(entry_price=60_000, usd_notional=6_000, mmr=0.005)


@pytest.mark.parametrize("side", ["long", "short"])
@pytest.mark.parametrize("leverage", [1, 3, 10, 20])
def test_liquidation_lines_and_readout_follow_the_library(explorer, side, leverage):
    explorer.controls["side"].value = side
    explorer.controls["leverage"].value = leverage
    linear, linear_margin, inverse, inverse_margin = twins(side, 60_000, 6_000, leverage)
    expected_linear = liquidation_price(linear, linear_margin, mmr=0.005)
    expected_inverse = liquidation_price(inverse, inverse_margin, mmr=0.005)
    assert explorer.numbers["linear_liquidation_price"] == pytest.approx(expected_linear)
    assert explorer.numbers["inverse_liquidation_price"] == pytest.approx(expected_inverse)
    if expected_inverse is not None:
        assert_allclose(explorer.figure.data[3].x, [expected_inverse] * 2)
    assert explorer.texts["inverse_margin_btc"] in explorer.readout.value


def test_inverse_equity_curve_is_in_usd_and_double_exposed(explorer):
    """1x inverse long: equity in USD = (2Q/EP - Q/P) * P = 2Q P / EP - Q."""
    prices = np.asarray(explorer.figure.data[1].x)
    equity = np.asarray(explorer.figure.data[1].y)
    alive = ~np.isnan(equity)
    assert_allclose(equity[alive], 2 * 6_000 * prices[alive] / 60_000 - 6_000)
    assert np.isnan(equity[0])  # at 12,000 USD the 1x inverse long is long gone


def test_one_x_inverse_short_is_flat_in_usd(explorer):
    explorer.controls["side"].value = "short"
    assert explorer.numbers["inverse_liquidation_price"] is None
    assert_allclose(explorer.figure.data[1].y, 6_000)
    assert "never liquidated" in explorer.status


def test_price_move_liquidates_and_says_so(explorer):
    explorer.controls["price_move"].value = -60
    assert explorer.numbers["inverse_equity_usd"] == 0.0
    assert_allclose(explorer.numbers["linear_equity_usd"], 6_000 * 0.4)
    assert explorer.status.startswith("The inverse twin is liquidated at this price")
    assert list(explorer.figure.data[5].x) == [pytest.approx(24_000)]


def test_exercises():
    """q1 is at 10x and q2 after a 20 % fall: the lesson prints the 5x twins and the explorer's
    questions look at a 50 % rise. By hand: margin 6,000 / 60,000 / 10 = 0.01 BTC, LP =
    6,000 x 1.005 / (0.01 + 0.1); at 48,000 the 1x long holds 0.1 + 6,000 (1/60,000 - 1/48,000)
    = 0.075 BTC, worth 3,600 USD."""
    assert_allclose(lessonA1.q1.answer, 6_000 * 1.005 / 0.11)
    assert lessonA1.q1.check(round(lessonA1.q1.answer, 2)).correct
    linear = Position("long", 60_000, 0.1)
    wrong = lessonA1.q1.check(liquidation_price(linear, initial_margin(linear, 10), mmr=0.005))
    assert "linear" in wrong.message and not wrong.correct
    five = Position("long", 60_000, 6_000, contract="inverse")
    shown = liquidation_price(five, initial_margin(five, 5), mmr=0.005)
    assert "5x long of the lesson" in lessonA1.q1.check(round(shown, 2)).message
    assert_allclose(lessonA1.q2.answer, 3_600)
    assert "linear twin" in lessonA1.q2.check(4_800).message
    assert "equity in BTC" in lessonA1.q2.check(0.075).message
    assert lessonA1.q3.check("b").correct
    assert not lessonA1.q3.check("a").correct
    assert lessonA1.q3.check(2).verdict == "info"


def test_status_names_the_liquidated_twin_in_words(explorer):
    """The status says which twin is liquidated in a sentence ("The inverse twin is liquidated
    at this price"), not "Liquidated at this price: linear". 1x long at -60 %: only the inverse
    twin (LP 30,150); 10x long at -10 %: both (linear 54,271.36, inverse 54,818.18)."""
    explorer.controls["price_move"].value = -60
    assert explorer.status.startswith("The inverse twin is liquidated at this price")
    assert "The linear twin is still open." in explorer.status
    assert "at this price: linear" not in explorer.status
    explorer.controls["leverage"].value = 10
    explorer.controls["price_move"].value = -10
    assert_allclose([explorer.numbers["linear_liquidation_price"],
                     explorer.numbers["inverse_liquidation_price"]], [54_271.36, 54_818.18],
                    atol=0.005)
    assert explorer.status.startswith("Both twins are liquidated at this price")
    assert explorer.numbers["linear_equity_usd"] == explorer.numbers["inverse_equity_usd"] == 0
    explorer.controls["side"].value = "short"
    explorer.controls["price_move"].value = 10   # linear short LP 65,671.64 < 66,000 < 66,333.33
    assert explorer.status.startswith("The linear twin is liquidated at this price")
    assert "The inverse twin is still open." in explorer.status
