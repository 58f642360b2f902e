"""Lesson 00: the leverage explorer and its exercise, driven as a learner would."""

import pytest
from numpy.testing import assert_allclose

from isomargin_lib import (
    BINANCE_BTCUSDT,
    Position,
    explorers,
    initial_margin,
    liquidation_move_percent,
    liquidation_price,
)
from isomargin_lib.exercises import lesson00


@pytest.fixture
def explorer():
    return explorers.leverage_distance(entry_price=60_000, quantity=0.1)


def test_starts_at_1x_where_a_long_cannot_be_liquidated(explorer):
    assert explorer.numbers["liquidation_price"] is None
    assert explorer.texts["liquidation_price"] == "none"
    assert list(explorer.figure.data[1].y) == [100.0]
    assert "never liquidated" in explorer.status


@pytest.mark.parametrize("leverage", [2, 5, 20, 100, 125])
def test_moving_leverage_moves_marker_and_readout(explorer, leverage):
    explorer.controls["leverage"].value = leverage
    position = Position("long", 60_000, 0.1)
    margin = initial_margin(position, leverage, tiers=BINANCE_BTCUSDT)
    move = liquidation_move_percent(position, margin, tiers=BINANCE_BTCUSDT)
    assert list(explorer.figure.data[1].x) == [leverage]
    assert_allclose(explorer.figure.data[1].y, [-move])
    assert_allclose(explorer.numbers["margin"], margin)
    assert_allclose(explorer.numbers["liquidation_price"],
                    liquidation_price(position, margin, tiers=BINANCE_BTCUSDT))
    assert_allclose(explorer.numbers["distance_percent"], -move)
    assert 'data-key="distance_percent"' in explorer.readout.value
    assert explorer.texts["distance_percent"] in explorer.readout.value


def test_curve_matches_library_and_is_monotonic(explorer):
    x, y = explorer.figure.data[0].x, explorer.figure.data[0].y
    assert len(x) == 125 and y[0] == 100.0
    assert all(b <= a for a, b in zip(y, y[1:]))  # less room as leverage rises


def test_exercise_accepts_right_and_rejects_typical_wrong():
    q = lesson00.q1
    assert q.check(round(q.answer, 2)).correct
    wrong = q.check(10)
    assert not wrong.correct and "maintenance margin" in wrong.message
    # 9.6 is the answer rounded (and also the rule "maintenance margin at entry"): a rounding
    # answer is told to keep two decimals, never called a wrong rule.
    for rounded in (9.6, "9.6 %", 10):
        feedback = q.check(rounded)
        assert feedback.verdict == "close" and "two decimals" in feedback.message
        assert "wrong rule" not in feedback.message
    assert not q.check(-q.answer).correct
    assert q.check("nine").verdict == "info"
    assert q.check(None).verdict == "info"
    assert f"{q.answer:,.2f}" in q.solution().message


def test_float_noise_from_the_browser_is_snapped_and_errors_are_shown():
    """The browser may send -4.5e-13 for 0; a refused setting shows in the status line."""
    ex = explorers.adjust_margin()
    ex.controls["margin_change"].value = -4.547e-13
    ex.controls["leverage"].value = 11
    assert ex.numbers["margin_change"] == 0.0
    assert "cannot be computed" not in ex.status

    def refuse(**values):
        raise ValueError("leverage must be in [1, 50], got 75")

    ex._compute = refuse
    before = list(ex.figure.data[0].y)
    ex.update()
    assert ex.status.startswith("This setting cannot be computed: leverage must be")
    assert 'data-kind="danger"' in ex.readout.value
    assert list(ex.figure.data[0].y) == before
