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


def test_a_stop_just_before_liquidation_is_flagged(ex):
    """At 5x the liquidation price is fall(5) = 19.68 % below entry: a 19 % stop fires, but only
    0.68 % of the entry price before liquidation; a 10 % stop is well clear."""
    ex.controls["mistake"].value = "no stop-loss"
    ex.controls["leverage"].value = 5
    ex.controls["stop_percent"].value = 19
    assert f"{fall(5, 1_000) - 19:.2f} %" in ex.status and "only just" in ex.status
    assert 'data-kind="warning"' in ex.readout.value
    ex.controls["stop_percent"].value = 10
    assert "caps the loss" in ex.status and 'data-kind="ok"' in ex.readout.value


def test_over_leveraging_at_the_safe_leverage_labels_both_readings_apart(ex):
    ex.controls["leverage"].value = 3
    assert "your 3x" in ex.readout.value and "the safer 3x" in ex.readout.value


def test_wrong_margin_mode(ex):
    ex.controls["mistake"].value = "wrong margin mode"
    ex.controls["leverage"].value = 20
    assert ex.numbers["detail"] == pytest.approx(fall(20, 10_000))
    assert ex.numbers["mistake"] == 10_000
    assert ex.figure.data[0].y[0] == 0.0  # -60 %: the cross account is gone
    assert ex.figure.data[1].y[0] == 9_000.0  # isolated: only the margin is lost
    assert "whole account" in ex.status


def test_no_liquidation_reads_none(ex):
    """At 1x no fall liquidates the long: the readout says "none", not 100.00."""
    ex.controls["leverage"].value = 1
    assert ex.numbers["mistake"] is None and ex.texts["mistake"] == "none"
    assert "no fall liquidates" in ex.status
    ex.controls["mistake"].value = "wrong margin mode"
    assert ex.numbers["mistake"] is None and ex.numbers["detail"] is None
    assert ex.numbers["fix"] is None
    assert "no fall liquidates" in ex.status
    ex.controls["mistake"].value = "no stop-loss"
    assert ex.numbers["detail"] is None


def test_over_leveraging_axis_holds_the_curve(ex):
    for leverage in (3, 20, 50, 100):
        ex.controls["leverage"].value = leverage
        low, high = ex.figure.layout.yaxis.range
        assert max(ex.figure.data[0].y) < high and high >= 14_000 and low == 5_000


def test_lesson11_exercises():
    numeric = [lesson11.m1, lesson11.m2, lesson11.m4, lesson11.quiz1, lesson11.quiz2,
               lesson11.quiz3, lesson11.quiz4]
    for q in numeric:
        assert q.check(q.answer).correct
        for mistake in q.mistakes:
            feedback = q.check(mistake.value)
            assert feedback.verdict == "wrong" and mistake.explanation in feedback.text
        assert q.check(None).verdict == "info" and q.check([1]).verdict == "info"
    # The checks ask about settings the lesson's worked examples do not print (3x/10x/50x,
    # 30 %/80 % volatility at 10x, 20x cross).
    assert lesson11.m1.answer == pytest.approx(fall(40, 1_000))
    assert lesson11.m2.answer == pytest.approx(
        100 * liquidation_probability(long_at(10), 1_000, volatility=1.2, horizon_days=30.0,
                                      tiers=BINANCE_BTCUSDT))
    assert lesson11.m4.answer == pytest.approx(fall(50, 10_000))
    assert lesson11.quiz3.answer == pytest.approx(100_000 * 0.005 - 50)
    assert lesson11.quiz4.answer == pytest.approx(100 / 3_000)
    # quiz4: the answer shows with enough decimals, and sensible roundings are accepted.
    assert "0.03333 BTC" in lesson11.quiz4.solution().message
    for typed in (0.0333, 0.03333, "0.0333 BTC"):
        assert lesson11.quiz4.check(typed).correct
    assert "decimals" in lesson11.quiz4.check(0.03).message
    # Multiplying the risk-based size by the 5x leverage: 0.1667 BTC, whose 3,000 USDT stop
    # distance would lose 500 USDT, 5 % of the capital.
    times_leverage = lesson11.quiz4.check(5 * 100 / 3_000)
    assert times_leverage.verdict == "wrong"
    assert "multiplied by the leverage" in times_leverage.message
    assert "5 % of the capital" in times_leverage.message
    # Feedback names the question as the learner types it.
    for name in ("m1", "m2", "m3", "m4", "quiz1", "quiz2", "quiz3", "quiz4", "quiz5", "quiz6"):
        assert getattr(lesson11, name).label == f"ex.{name}"
    assert "ex.m1.hint()" in lesson11.m1.check(123).message
    assert "ex.quiz5.check" in lesson11.quiz5.check(1).message
    # m2: a fraction gets the fraction hint (unit "%").
    assert "fraction" in lesson11.m2.check(lesson11.m2.answer / 100).message
    # Choice options do not give the answer away by length or by a number in it.
    for q in (lesson11.m3, lesson11.quiz5, lesson11.quiz6):
        lengths = [len(text) for text in q.options.values()]
        assert len(q.options[q.answer]) < max(lengths) + 1 and max(lengths) - min(lengths) < 15
    assert "%" not in lesson11.m3.options[lesson11.m3.answer]
    for q in (lesson11.m3, lesson11.quiz5, lesson11.quiz6):
        assert q.check(q.answer).correct
        wrong = next(k for k in q.options if k != q.answer)
        assert q.check(wrong).verdict == "wrong" and q.check(1).verdict == "info"


def test_volatility_status_says_the_fall_liquidates(ex):
    """20x (the default): a 4.62 % fall liquidates the trade; the status says so, and gives the
    probability that the price falls that far within 30 days (it used to say the trade
    "survives" that fall)."""
    ex.controls["mistake"].value = "ignoring volatility"
    ex.controls["leverage"].value = 20
    move = fall(20, 1_000)
    assert move == pytest.approx(4.62, abs=0.005)
    assert ex.status.startswith(f"At 20x a {move:.1f} % fall liquidates the trade.")
    assert "survives" not in ex.status
    assert f"in {ex.numbers['mistake']:.0f} % of cases" in ex.status
    ex.controls["mistake"].value = "wrong margin mode"
    assert f"it takes a {fall(20, 10_000):.1f} % fall (not {move:.1f} %) to liquidate it" \
        in ex.status
