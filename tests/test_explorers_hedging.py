"""Lesson 09: the hedged pair explorer and exercises, driven as a learner would."""

import pytest
from numpy.testing import assert_allclose

from isomargin_lib import (
    compare_shock,
    explorers,
    hedged_pair_positions,
    margin_to_survive,
    shocked_marks,
)
from isomargin_lib.exercises import lesson09

from exercise_checks import assert_numeric_feedback


@pytest.fixture
def hedge():
    return explorers.hedged_pair()


def _set(ex, **values):
    for name, value in values.items():
        ex.controls[name].value = value


@pytest.mark.parametrize(("move", "ratio", "beta", "leverage", "wallet"),
                         [(-15, 1.0, 1.0, 10, 3_000), (30, 0.75, 1.3, 10, 5_000),
                          (-40, 1.0, -0.5, 10, 3_000), (-20, 0.0, 1.0, 5, 2_000),
                          (12, 1.5, 0.8, 20, 1_500)])
def test_readout_and_markers_match_library(hedge, move, ratio, beta, leverage, wallet):
    _set(hedge, move=move, hedge_ratio=ratio, beta=beta, leverage=leverage, wallet=wallet)
    pair = hedged_pair_positions(ratio, leverage)
    betas = {"BTC long": 1.0, "ETH short": beta}
    need = margin_to_survive(pair, [shocked_marks(pair, -abs(move), betas=betas),
                                    shocked_marks(pair, abs(move), betas=betas)])
    assert_allclose(hedge.numbers["isolated_needed"], need.isolated)
    assert_allclose(hedge.numbers["cross_needed"], need.cross)
    result = compare_shock(wallet, pair, shocked_marks(pair, move, betas=betas))
    for index, mode in ((5, "isolated"), (6, "cross")):
        o = result[mode]
        assert_allclose(hedge.numbers[f"{mode}_equity"], o.wallet_left)
        assert_allclose(hedge.figure.data[index].y, [o.wallet_left])
        names = ", ".join(o.liquidated) or "none"
        assert hedge.numbers[f"{mode}_liquidated"] == names
        assert names in hedge.readout.value
    # the curves pass through the library's outcome at the current move (x grid step 0.5 %)
    x = list(hedge.figure.data[2].x)
    i = x.index(move)
    assert_allclose(hedge.figure.data[2].y[i], result["isolated"].wallet_left)
    assert_allclose(hedge.figure.data[3].y[i], result["cross"].wallet_left)
    assert list(hedge.figure.data[4].x) == [move, move]


def test_curves_everywhere_equal_compare_shock(hedge):
    _set(hedge, hedge_ratio=0.75, beta=1.3)
    pair = hedged_pair_positions(0.75, 10)
    betas = {"BTC long": 1.0, "ETH short": 1.3}
    for i, move in enumerate(hedge.figure.data[2].x):
        if i % 10:
            continue
        result = compare_shock(3_000, pair, shocked_marks(pair, move, betas=betas))
        assert_allclose(hedge.figure.data[2].y[i], result["isolated"].wallet_left)
        assert_allclose(hedge.figure.data[3].y[i], result["cross"].wallet_left)
        leg = pair["BTC long"]
        price = 60_000 * (1 + move / 100)
        expected = 0.0 if leg.is_liquidated(price) else float(leg.equity(price))
        assert_allclose(hedge.figure.data[0].y[i], expected)


def test_status_one_leg_alone_then_cross_liquidated(hedge):
    assert hedge.status.startswith("No leg")
    _set(hedge, move=-15)
    assert "BTC long liquidated" in hedge.status and "ALONE" in hedge.status
    assert 'data-kind="warning"' in hedge.readout.value
    assert "its margin lost" in hedge.status
    _set(hedge, beta=-0.5, move=-30)  # both isolated legs liquidated, cross still alive
    assert "BTC long, ETH short liquidated, their margins lost" in hedge.status
    assert "ALONE" not in hedge.status
    _set(hedge, move=-40)
    assert hedge.status.startswith("Cross: the account is liquidated")
    assert 'data-kind="danger"' in hedge.readout.value
    assert hedge.numbers["cross_equity"] == 0
    _set(hedge, wallet=500)
    assert "would not open" in hedge.status and hedge.numbers["cross_equity"] is None


def test_mode_toggle_and_no_hedge(hedge):
    _set(hedge, mode="cross")
    assert hedge.figure.data[2].visible is False and hedge.figure.data[3].visible is True
    _set(hedge, mode="isolated", hedge_ratio=0)
    assert hedge.figure.data[3].visible is False
    assert all(y != y for y in hedge.figure.data[1].y)  # no ETH leg: NaN, drawn as nothing
    with pytest.raises(ValueError, match="hedge_ratio"):
        hedged_pair_positions(-1, 10)


@pytest.mark.parametrize("q", [lesson09.q1, lesson09.q2])
def test_numeric_exercises(q):
    assert_numeric_feedback(q)


def test_q1_q2_are_margin_to_survive():
    pair = hedged_pair_positions(0.75, 10)
    betas = {"BTC long": 1.0, "ETH short": 1.3}
    need = margin_to_survive(pair, [shocked_marks(pair, -30, betas=betas),
                                    shocked_marks(pair, 30, betas=betas)])
    assert_allclose(lesson09.q1.answer, need.isolated)
    assert_allclose(lesson09.q2.answer, need.cross)
    assert need.cross < need.isolated


def test_q3_choice():
    q = lesson09.q3
    assert q.check("b").correct
    lengths = [len(text) for text in q.options.values()]
    assert max(lengths) - min(lengths) < 15  # the right answer is not the long one
    assert "squeeze" in q.options["b"]
    for letter in "acd":
        assert not q.check(letter).correct
    assert q.check(2).verdict == "info"


def test_hedge_ratio_slider_reaches_the_beta_neutral_077(hedge):
    """Question 3 (beta 1.3): the slider steps 0.01, so the learner can set 0.77 ~ 1/1.3. The
    cross account is wallet + 6,000*m*(1 - ratio*beta) along the move m: spread over +-50 %
    (a range of 1.0 in m) 6,000 * |1 - ratio*1.3| USDT: 6 at 0.77, 150 at 0.75, 240 at 0.80."""
    assert hedge.controls["hedge_ratio"].step == pytest.approx(0.01)
    spread = {}
    for ratio in (0.75, 0.76, 0.77, 0.78, 0.80):
        _set(hedge, beta=1.3, hedge_ratio=ratio)
        assert hedge.values()["hedge_ratio"] == ratio
        y = hedge.figure.data[3].y
        spread[ratio] = max(y) - min(y)
    assert_allclose(spread[0.77], 6_000 * abs(1 - 0.77 * 1.3), rtol=1e-9)
    assert_allclose([spread[0.75], spread[0.80]], [150.0, 240.0], rtol=1e-9)
    assert min(spread, key=spread.get) == 0.77
