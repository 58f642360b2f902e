"""Lessons 03 and 04: the cross explorers and exercises, driven as a learner would."""

import pytest
from numpy.testing import assert_allclose

from isomargin_lib import (
    BINANCE_BTCUSDT,
    IsolatedPosition,
    Position,
    compare_shock,
    explorers,
    liquidation_price,
    shocked_marks,
)
from isomargin_lib.exercises import lesson03, lesson04
from isomargin_lib.explorers._cross import SHOCK_LIMIT, build_portfolio

from exercise_checks import assert_numeric_feedback

LONG = Position("long", 60_000, 0.1)


@pytest.fixture
def cross():
    return explorers.cross_vs_isolated(entry_price=60_000, quantity=0.1)


@pytest.mark.parametrize(("wallet", "leverage"), [(3_000, 10), (1_500, 5), (5_000, 50)])
def test_cross_readout_and_lines_match_library(cross, wallet, leverage):
    cross.controls["wallet"].value = wallet
    cross.controls["leverage"].value = leverage
    isolated = IsolatedPosition(LONG, leverage, tiers=BINANCE_BTCUSDT)
    iso_lp = liquidation_price(LONG, isolated.margin, tiers=BINANCE_BTCUSDT)
    cross_lp = liquidation_price(LONG, wallet, tiers=BINANCE_BTCUSDT)
    assert_allclose(cross.numbers["isolated_liquidation_price"], iso_lp)
    assert_allclose(cross.numbers["cross_liquidation_price"], cross_lp)
    assert_allclose(cross.figure.data[3].x, [iso_lp, iso_lp])
    assert_allclose(cross.figure.data[4].x, [cross_lp, cross_lp])
    assert_allclose(cross.numbers["isolated_at_risk"], isolated.margin)
    assert_allclose(cross.numbers["cross_at_risk"], wallet)
    # distance to liquidation: positive, the fall the price can still take
    assert_allclose(cross.numbers["cross_distance_percent"], 100 * (60_000 - cross_lp) / 60_000)
    assert_allclose(cross.numbers["isolated_distance_percent"], 100 * (60_000 - iso_lp) / 60_000)
    assert cross.numbers["isolated_distance_percent"] > 0
    assert cross_lp < iso_lp  # the whole wallet behind it: more room
    assert cross.texts["cross_liquidation_price"] in cross.readout.value
    assert 'data-key="isolated_at_risk"' in cross.readout.value


def test_big_wallet_cross_long_has_no_liquidation_price(cross):
    """Wallet 8,000 > the 6,000 the long can lose: no positive price liquidates it."""
    cross.controls["wallet"].value = 8_000
    assert liquidation_price(LONG, 8_000, tiers=BINANCE_BTCUSDT) is None
    assert cross.numbers["cross_liquidation_price"] is None
    assert cross.texts["cross_liquidation_price"] == "none"
    assert list(cross.figure.data[4].x) == [None, None]


def test_cross_equity_curves_and_markers(cross):
    cross.controls["move"].value = -5
    price = 57_000
    assert list(cross.figure.data[5].x) == [price]
    assert_allclose(cross.figure.data[5].y, [600 + LONG.pnl(price)])
    assert_allclose(cross.figure.data[6].y, [3_000 + LONG.pnl(price)])
    assert_allclose(cross.numbers["cross_equity"], 3_000 + LONG.pnl(price))
    x, y = cross.figure.data[0].x, cross.figure.data[0].y
    lp = cross.numbers["isolated_liquidation_price"]
    assert all(v == 0 for px, v in zip(x, y) if px < lp)
    assert_allclose([v for px, v in zip(x, y) if px > 61_000][:1],
                    [600 + LONG.pnl(next(px for px in x if px > 61_000))])


def test_status_isolated_then_both_liquidated(cross):
    assert cross.status.startswith("Neither")
    cross.controls["move"].value = -12
    assert "Isolated twin liquidated" in cross.status
    assert cross.numbers["isolated_equity"] == 0 and cross.numbers["cross_equity"] > 0
    assert 'data-kind="danger"' in cross.readout.value
    # once liquidated the readout says so instead of giving a (negative) distance
    assert cross.numbers["isolated_distance_percent"] == "liquidated"
    assert cross.texts["isolated_distance_percent"] == "liquidated"
    cross_lp = cross.numbers["cross_liquidation_price"]
    assert_allclose(cross.numbers["cross_distance_percent"], 100 * (52_800 - cross_lp) / 52_800)
    assert cross.numbers["cross_distance_percent"] > 0
    cross.controls["move"].value = -60
    assert cross.status.startswith("Both liquidated")
    assert cross.numbers["cross_equity"] == 0
    assert cross.texts["cross_distance_percent"] == "liquidated"
    assert "-0.00" not in cross.readout.value
    cross.controls["wallet"].value = 500
    assert "would not open" in cross.status


@pytest.fixture
def shock():
    return explorers.portfolio_shock()


@pytest.mark.parametrize(("move", "betas", "wallet", "margin"),
                         [(-30, "with betas", 3_000, 500), (-5, "with betas", 3_000, 500),
                          (20, "same for all", 5_000, 300), (-45, "same for all", 10_000, 100)])
def test_portfolio_matches_compare_shock(shock, move, betas, wallet, margin):
    for name, value in (("shock", move), ("betas", betas), ("wallet", wallet),
                        ("margin", margin)):
        shock.controls[name].value = value
    positions, beta = build_portfolio(margin)
    if betas == "same for all":
        beta = None
    result = compare_shock(wallet, positions, shocked_marks(positions, move, betas=beta))
    for index, mode in enumerate(("isolated", "cross")):
        outcome = result[mode]
        assert_allclose(shock.figure.data[index].y,
                        [*outcome.change.values(), -outcome.forfeited])
        assert_allclose(shock.figure.data[index + 2].y, [outcome.wallet_left])
        # one sign convention, as on the bars' axis: gain (+) or loss (-)
        assert_allclose(shock.numbers[f"{mode}_change"], -outcome.loss, atol=1e-9)
        assert_allclose(sum(shock.figure.data[index].y), -outcome.loss, atol=1e-6)
        assert_allclose(shock.numbers[f"{mode}_wallet_left"], outcome.wallet_left)
        names = ", ".join(outcome.liquidated) or "none"
        assert shock.numbers[f"{mode}_liquidated"] == names
        assert names in shock.readout.value
        labels = shock.figure.data[index].text
        assert [t == "liquidated" for t in labels[:3]] == \
            [n in outcome.liquidated for n in positions]


def test_cascade_status_and_bars(shock):
    assert "No position" in shock.status
    shock.controls["shock"].value = -5
    assert "ETH long liquidated" in shock.status and 'data-kind="warning"' in shock.readout.value
    shock.controls["shock"].value = -30
    assert "margin ratio reached 100 %" in shock.status and "closed in full" in shock.status
    assert 'data-kind="danger"' in shock.readout.value
    assert list(shock.figure.data[1].text[:3]) == ["liquidated"] * 3
    assert shock.numbers["cross_wallet_left"] == 0
    assert shock.numbers["isolated_wallet_left"] > 0


def test_no_negative_zero_and_gain_sign(shock):
    """At -20 % the isolated ETH loss, BTC loss and SOL gain cancel: "0.00", not "-0.00"."""
    shock.controls["shock"].value = -20
    assert shock.texts["isolated_change"] == "0.00"
    assert "-0.00" not in shock.readout.value
    assert shock.numbers["cross_change"] < 0  # a loss is negative, like its bar
    shock.controls["shock"].value = 10
    assert shock.numbers["cross_change"] > 0 and shock.numbers["isolated_change"] > 0


def test_insurance_fund_bar_is_labelled_not_a_gain(shock):
    """At -30 % the cross positions lose more than the wallet: the fund pays the deficit."""
    shock.controls["shock"].value = -30
    positions, beta = build_portfolio(500)
    cross = compare_shock(3_000, positions, shocked_marks(positions, -30, betas=beta))["cross"]
    assert cross.forfeited < 0
    assert_allclose(shock.figure.data[1].y[-1], -cross.forfeited)
    assert shock.figure.data[1].text[-1] == "insurance fund pays: not a gain"
    assert_allclose(shock.numbers["cross_change"], -3_000)


def test_same_moves_for_all_cascade_later(shock):
    """Lesson 04, guiding question 3: without betas ETH falls less, which outweighs the
    smaller gain of the short, so the cross account collapses at a bigger market move."""
    def first_collapse():
        for move in range(0, -SHOCK_LIMIT - 1, -1):
            shock.controls["shock"].value = move
            if shock.numbers["cross_liquidated"] != "none":
                return move
        return None

    with_betas = first_collapse()
    shock.controls["betas"].value = "same for all"
    same = first_collapse()
    assert same < with_betas < 0


def test_mode_toggle_hides_bars(shock):
    shock.controls["mode"].value = "isolated"
    assert shock.figure.data[0].visible is True and shock.figure.data[1].visible is False
    shock.controls["mode"].value = "cross"
    assert shock.figure.data[0].visible is False and shock.figure.data[3].visible is True


@pytest.mark.parametrize("q", [lesson03.q1, lesson04.q2, lesson04.q3])
def test_numeric_exercises(q):
    assert_numeric_feedback(q)
    assert f"{q.answer:,.2f}" in q.solution().message


def test_lesson03_q1_hint_runs_in_the_notebook_and_does_not_give_the_answer():
    """The hint names no function the notebook lacks and is no one-line answer; the solution
    shows the hand calculation and the code with the names the notebook has (ex.)."""
    hint = lesson03.q1.hint().message
    assert "liquidation_price(" not in hint and "TMM1" in hint and "UPNL1" in hint
    solution = lesson03.q1.solution().message
    assert "ex.ACCOUNT.liquidation_price('BTC', ex.MARKS)" in solution
    assert "-4,313.50 / -0.0996" in solution


def test_lesson04_q2_q3_differ_from_the_worked_example():
    """Questions 2 and 3 use the pair at 20x and +/-15 %, not the 10x, +/-20 % pair the lesson
    prints. Independent derivation: each leg's loss is 15 % of 6,000 = 900 USDT; maintenance
    margin at the worst price: 0.4 % of 5,100 (BTC at 51,000) and 0.5 % of 6,900 (ETH at
    3,450). Cross: the losses cancel, the initial margin (6,000 / 20 per leg) decides."""
    assert_allclose(lesson04.q2.answer, (900 + 0.004 * 5_100) + (900 + 0.005 * 6_900))
    assert_allclose(lesson04.q3.answer, 2 * 6_000 / 20)
    shown = {round(lesson04.NEEDED.isolated, 2), round(lesson04.NEEDED.cross, 2)}
    assert round(lesson04.q2.answer, 2) not in shown
    assert round(lesson04.q3.answer, 2) not in shown
    assert "lesson's example" in lesson04.q2.check(lesson04.NEEDED.isolated).message
    assert "lesson's example" in lesson04.q3.check(lesson04.NEEDED.cross).message
    solution = lesson04.q2.solution().message
    assert "900.00 + maintenance margin 20.40 = 920.40" in solution
    assert "900.00 + maintenance margin 34.50 = 934.50" in solution


def test_lesson04_q2_boundary_is_the_liquidation_price():
    """The answer is the boundary: with exactly it the losing leg sits on its liquidation price
    (up to rounding); a cent less and it is liquidated, a cent more and it survives."""
    needed = lesson04.Q_NEEDED.per_position
    for name, margin in needed.items():
        leg = lesson04.Q_PAIR[name]
        for extra, dead in ((-0.01, True), (0.01, False)):
            twin = IsolatedPosition(leg.position, leg.leverage, **leg.rule.kwargs())
            twin.add_margin(margin + extra - twin.margin)
            worst = [s[name] for s in lesson04.Q_SCENARIOS]
            assert any(twin.is_liquidated(p) for p in worst) is dead


def test_lesson03_q1_is_the_cross_formula_with_tmm1_and_upnl1():
    eth = lesson03.ETH
    expected = liquidation_price(
        lesson03.BTC, lesson03.WALLET, tiers=BINANCE_BTCUSDT,
        other_maintenance=eth.notional(2_700) * lesson03.ETH_MMR, other_pnl=eth.pnl(2_700))
    assert_allclose(lesson03.q1.answer, expected)


@pytest.mark.parametrize("q", [lesson03.q2, lesson04.q1])
def test_choice_exercises(q):
    assert q.check(q.answer).correct
    wrong = next(k for k in q.options if k != q.answer)
    assert q.check(wrong).verdict == "wrong"
    assert q.check(3).verdict == "info"
    assert q.check("z").verdict == "info"


def test_lesson04_answers():
    assert lesson03.q2.answer == "b"
    assert lesson04.q1.answer == "a"
    assert lesson04.NEEDED.cross < lesson04.NEEDED.isolated


def test_wallet_moves_only_the_cross_liquidation_price(cross):
    """Lesson 03's answer to question 4: LP = (WB - Q*EP) / (Q*MMR - Q) for the 0.1 BTC long
    (first bracket, 0.4 %): 3,000 -> 30,120.48, 3,100 -> 29,116.47 (about 10.04 USDT of price per
    USDT of wallet); from 6,000 (= 0.1 * 60,000) no positive price liquidates it. The isolated
    twin's liquidation price stays at 54,216.87."""
    iso_before = cross.numbers["isolated_liquidation_price"]
    assert_allclose(cross.numbers["cross_liquidation_price"], (6_000 - 3_000) / 0.0996,
                    atol=0.005)
    cross.controls["wallet"].value = 3_100
    assert_allclose(cross.numbers["cross_liquidation_price"], (6_000 - 3_100) / 0.0996)
    assert_allclose(cross.numbers["cross_liquidation_price"], 29_116.47, atol=0.005)
    assert cross.numbers["isolated_liquidation_price"] == iso_before
    assert_allclose(iso_before, 54_216.87, atol=0.005)
    cross.controls["wallet"].value = 6_000
    assert cross.numbers["cross_liquidation_price"] is None
    assert cross.texts["cross_liquidation_price"] == "none"
