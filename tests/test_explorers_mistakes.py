"""Lesson 11 explorer and exercises: each mistake scenario draws the library's numbers."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from isomargin_lib import BINANCE_BTCUSDT, Position, liquidation_price, liquidation_probability
from isomargin_lib.exercises import lesson11
from isomargin_lib.explorers import mistake_scenarios
from isomargin_lib.explorers._mistakes import HORIZONS, MOVES


def long_at(leverage):
    return Position("long", 60_000, 1_000 * leverage / 60_000)


def fall(leverage, margin):
    return 100 * (1 - liquidation_price(long_at(leverage), margin, tiers=BINANCE_BTCUSDT) / 60_000)


@pytest.fixture
def ex():
    return mistake_scenarios()


def test_over_leveraging(ex):
    ex.controls["leverage"].value = 50
    assert ex.numbers["mistake"] == pytest.approx(fall(50, 1_000))
    assert ex.numbers["fix"] == pytest.approx(fall(3, 1_000))
    pnl = long_at(50).pnl(60_000 * (1 + MOVES / 100))
    expected = np.where(MOVES > -fall(50, 1_000), 10_000 + pnl, 9_000)
    assert_allclose(ex.figure.data[0].y, expected)
    assert ex.figure.data[2].x[0] == pytest.approx(-fall(50, 1_000))
    assert f"{fall(50, 1_000):.2f}" in ex.readout.value
    assert 'data-kind="danger"' in ex.readout.value


def test_ignoring_volatility(ex):
    ex.controls["mistake"].value = "ignoring volatility"
    ex.controls["leverage"].value = 10
    ex.controls["volatility"].value = 100
    expected = [100 * liquidation_probability(long_at(10), 1_000, volatility=1.0,
                                              horizon_days=float(d), tiers=BINANCE_BTCUSDT)
                for d in HORIZONS]
    assert_allclose(ex.figure.data[0].y, expected)
    assert ex.numbers["mistake"] == pytest.approx(expected[29])
    assert ex.figure.layout.xaxis.title.text == "Horizon (days)"
    assert ex.controls["volatility"].layout.display is None
    assert ex.controls["stop_percent"].layout.display == "none"


def test_no_stop_loss(ex):
    ex.controls["mistake"].value = "no stop-loss"
    ex.controls["leverage"].value = 10
    ex.controls["stop_percent"].value = 5
    assert ex.numbers["fix"] == pytest.approx(-float(long_at(10).pnl(57_000)))
    assert ex.figure.data[1].y[0] == pytest.approx(10_000 + float(long_at(10).pnl(57_000)))
    assert ex.figure.data[3].x[0] == -5
    ex.controls["leverage"].value = 40  # liquidation nearer than 5 %
    assert "never fires" in ex.status
    assert ex.numbers["fix"] == 1_000


def test_wrong_margin_mode(ex):
    ex.controls["mistake"].value = "wrong margin mode"
    ex.controls["leverage"].value = 20
    assert ex.numbers["detail"] == pytest.approx(fall(20, 10_000))
    assert ex.numbers["mistake"] == 10_000
    assert ex.figure.data[0].y[0] == 0.0  # -60 %: the cross account is gone
    assert ex.figure.data[1].y[0] == 9_000.0  # isolated: only the margin is lost
    assert "whole account" in ex.status


def test_lesson11_exercises():
    numeric = [lesson11.m1, lesson11.m2, lesson11.m4, lesson11.quiz1, lesson11.quiz2,
               lesson11.quiz3, lesson11.quiz4]
    for q in numeric:
        assert q.check(q.answer).correct
        for mistake in q.mistakes:
            feedback = q.check(mistake.value)
            assert feedback.verdict == "wrong" and mistake.explanation in feedback.message
        assert q.check(None).verdict == "info" and q.check([1]).verdict == "info"
    assert lesson11.m1.answer == pytest.approx(fall(50, 1_000))
    assert lesson11.quiz3.answer == pytest.approx(100_000 * 0.005 - 50)
    assert lesson11.quiz4.answer == pytest.approx(100 / 3_000)
    for q in (lesson11.m3, lesson11.quiz5, lesson11.quiz6):
        assert q.check(q.answer).correct
        wrong = next(k for k in q.options if k != q.answer)
        assert q.check(wrong).verdict == "wrong" and q.check(1).verdict == "info"
