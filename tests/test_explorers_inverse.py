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
    assert "Liquidated" in explorer.status and "inverse" in explorer.status
    assert list(explorer.figure.data[5].x) == [pytest.approx(24_000)]


def test_exercises():
    assert lessonA1.q1.check(round(lessonA1.q1.answer, 2)).correct
    linear = Position("long", 60_000, 0.1)
    wrong = lessonA1.q1.check(liquidation_price(linear, initial_margin(linear, 5), mmr=0.005))
    assert "linear" in wrong.message and not wrong.correct
    assert_allclose(lessonA1.q2.answer, 12_000)
    assert "linear twin" in lessonA1.q2.check(9_000).message
    assert lessonA1.q3.check("b").correct
    assert not lessonA1.q3.check("a").correct
    assert lessonA1.q3.check(2).verdict == "info"
