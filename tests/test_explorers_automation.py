"""Lesson 10 explorer and exercises: the strategy comparison shows backtest_paths' numbers."""

import dataclasses

import numpy as np
import pytest
from numpy.testing import assert_allclose

from isomargin_lib import (
    AGGRESSIVE,
    CONSERVATIVE,
    backtest_paths,
    candles_from_path,
    gbm_paths,
    strategy_outcomes,
)
from isomargin_lib._strategies import (
    STRATEGY_PATHS,
    STRATEGY_SEED,
    STRATEGY_START_PRICE,
    history_windows,
    strategy_paths,
)
from isomargin_lib.exercises import lesson10
from isomargin_lib.explorers import strategy_comparison
from isomargin_lib.explorers._automation import (
    BINS,
    CENTERS,
    endings_percent,
    histogram_percent,
)

PATHS, SEED, START_PRICE = STRATEGY_PATHS, STRATEGY_SEED, STRATEGY_START_PRICE


@pytest.fixture(scope="module")
def ex():
    return strategy_comparison()


def test_path_set_equals_candles_from_path():
    rows = gbm_paths(START_PRICE, volatility=0.6, steps=30 * 24, step_days=1 / 24, paths=PATHS,
                     seed=SEED)
    o, h, lo, c, _ = strategy_paths("GBM", 60)
    for i in (0, 17, PATHS - 1):
        candles = candles_from_path(rows[i], 24, step_days=1 / 24)
        for mine, theirs in zip((o, h, lo, c), (candles.open, candles.high, candles.low,
                                                 candles.close), strict=True):
            assert_allclose(mine[i], theirs)


def test_defaults_show_backtest_paths(ex):
    rows = gbm_paths(START_PRICE, volatility=0.6, steps=30 * 24, step_days=1 / 24, paths=PATHS,
                     seed=SEED)
    candles = [candles_from_path(row, 24, step_days=1 / 24) for row in rows]
    for i, rules in enumerate((CONSERVATIVE, AGGRESSIVE)):
        out = backtest_paths(candles, rules, wallet_balance=10_000)
        name = ("conservative", "aggressive")[i]
        assert_allclose(ex.figure.data[i].y, histogram_percent(out.final_equity))
        assert_allclose(ex.figure.data[4].y[3 * i:3 * i + 3], endings_percent(out))
        assert ex.numbers[f"median_{name}"] == pytest.approx(np.median(out.final_equity))
        assert ex.numbers[f"liquidated_{name}"] == pytest.approx(100 * out.liquidated.mean())
        assert ex.numbers[f"worst5_{name}"] == pytest.approx(
            np.quantile(out.final_equity, 0.05))
        assert ex.figure.data[3].x[i] == pytest.approx(
            np.clip(np.median(out.final_equity), CENTERS[0], CENTERS[-1]))
    assert ex.numbers["paths"] == PATHS


def test_histogram_end_bins_are_labelled(ex):
    """Paths below 7,000 or from 16,000 USDT up are counted in their own end bars, which the
    axis labels "< 7,000" and "≥ 16,000", not piled silently into the last bin."""
    values = np.array([6_000.0, 7_000.0, 7_100.0, 15_999.0, 16_000.0, 30_000.0])
    shares = histogram_percent(values)
    assert shares.size == CENTERS.size == BINS.size + 1
    assert_allclose(shares[[0, 1, -2, -1]], 100 * np.array([1, 2, 1, 2]) / values.size)
    axis = ex.figure.layout.xaxis
    assert axis.ticktext[0] == "< 7,000" and axis.ticktext[-1] == "≥ 16,000"
    assert axis.tickvals[0] == CENTERS[0] and axis.tickvals[-1] == CENTERS[-1]
    assert axis.range[0] < CENTERS[0] and axis.range[1] > CENTERS[-1]
    history = strategy_outcomes(AGGRESSIVE, "BTC 2018-2025")
    assert_allclose(histogram_percent(history.final_equity)[-1],
                    100 * np.mean(history.final_equity >= 16_000))


def test_a_liquidated_path_loses_margin_top_ups_and_opening_fee():
    """Aggressive (20x, 1,000 USDT margin): a liquidated path loses exactly the margin, every
    top-up it received and the opening fee, 20,000 x 0.05 % = 10 USDT; what was left of the
    margin at the liquidation price is forfeited to the liquidation engine."""
    out = strategy_outcomes(AGGRESSIVE, "GBM", 60)
    dead = out.liquidated
    assert dead.any()
    assert_allclose(10_000 - out.final_equity[dead], 1_000 + out.margin_added[dead] + 10,
                    rtol=1e-12)
    assert (out.forfeited[dead] > 0).all()


def test_controls_change_the_figure(ex):
    ex.controls["aggressive_leverage"].value = 40
    out = strategy_outcomes(dataclasses.replace(AGGRESSIVE, leverage=40), "GBM", 60)
    assert_allclose(ex.figure.data[1].y, histogram_percent(out.final_equity))
    assert f"{100 * out.summary['liquidation_probability']:.1f}" in ex.readout.value
    assert "aggressive" in ex.status
    ex.controls["top_up"].value = "off"
    off = strategy_outcomes(dataclasses.replace(AGGRESSIVE, leverage=40, add_margin_at_ratio=None,
                                                add_margin_amount=0.0, add_margin_budget=0.0),
                            "GBM", 60)
    assert ex.numbers["liquidated_aggressive"] == pytest.approx(
        100 * off.summary["liquidation_probability"])
    ex.controls["top_up"].value = "50 %"
    ex.controls["aggressive_leverage"].value = 20


def test_stop_beyond_liquidation_is_flagged(ex):
    ex.controls["conservative_leverage"].value = 5
    ex.controls["stop_percent"].value = 25
    assert "beyond its liquidation price" in ex.status
    assert 'data-kind="danger"' in ex.readout.value
    ex.controls["stop_percent"].value = 5
    ex.controls["conservative_leverage"].value = 3
    assert "Liquidated:" in ex.status


def test_real_history_and_models(ex):
    ex.controls["model"].value = "BTC 2018-2025"
    windows = history_windows()
    out = backtest_paths(windows, CONSERVATIVE, wallet_balance=10_000)
    assert ex.numbers["paths"] == len(windows)
    assert ex.numbers["median_conservative"] == pytest.approx(np.median(out.final_equity))
    assert "real returns" in ex.status
    for model in ("fat tails", "bootstrap", "GBM"):
        ex.controls["model"].value = model
        assert ex.numbers["paths"] == PATHS


def test_lesson10_exercises():
    q1, q2, q3 = lesson10.q1, lesson10.q2, lesson10.q3
    assert q1.check(q1.answer).correct and q2.check(round(q2.answer, 2)).correct
    for q in (q1, q2):
        for mistake in q.mistakes:
            feedback = q.check(mistake.value)
            assert feedback.verdict == "wrong" and mistake.explanation in feedback.text
        assert q.check("abc").verdict == "info" and q.check(None).verdict == "info"
    assert q3.check("b").correct and q3.check("a").verdict == "wrong"
    assert q3.check(2).verdict == "info"
    # labelled for the feedback ("Try ex.q1.hint()"), and a fraction gets the percent hint
    assert (q1.label, q2.label, q3.label) == ("ex.q1", "ex.q2", "ex.q3")
    assert "ex.q2.hint()" in q2.check(1).message
    assert "percent" in q1.check(q1.answer / 100).message


def test_lesson10_q2_is_the_explorer_with_a_10_percent_stop(ex):
    """Not the median printed in the lesson (the 5 % stop), but what the explorer shows on the
    real history with the stop moved to 10 %."""
    ex.controls["model"].value = "BTC 2018-2025"
    ex.controls["stop_percent"].value = lesson10.Q2_STOP
    assert ex.numbers["median_conservative"] == pytest.approx(lesson10.q2.answer)
    printed = strategy_outcomes(CONSERVATIVE, "BTC 2018-2025").summary["median_final_equity"]
    assert not lesson10.q2.check(round(printed, 2)).correct
    ex.controls["stop_percent"].value = 5
    ex.controls["model"].value = "GBM"


def test_lesson10_7990_is_margin_plus_budget_plus_opening_fee():
    """Lesson 10 spells out 7,990.00 = 10,000 - 1,000 (margin) - 1,000 (four top-ups) - 10
    (taker fee 0.05 % of the 20,000 notional). On the seed-0 path the four top-ups fire and the
    position is liquidated; funding, loss, liquidation fee and forfeited remainder sum to the
    2,000 USDT of isolated margin. On the real history every liquidated aggressive entry ends
    there (196 of 388), none lower, so it is the median and the 5 % worst."""
    from isomargin_lib import backtest

    expected = 10_000 - AGGRESSIVE.margin - AGGRESSIVE.add_margin_budget \
        - AGGRESSIVE.taker_fee * AGGRESSIVE.margin * AGGRESSIVE.leverage
    assert_allclose(expected, 7_990.0)
    path = gbm_paths(60_000, volatility=0.6, steps=30 * 24, step_days=1 / 24, paths=1, seed=0)[0]
    month = candles_from_path(path, 24, step_days=1 / 24)
    entry = float(month.open[0])
    record = backtest(month, side="long", quantity=AGGRESSIVE.quantity(entry),
                      leverage=AGGRESSIVE.leverage, wallet_balance=10_000, mmr=0.004,
                      rules=AGGRESSIVE.backtest_rules(entry))
    kinds = [e.kind for e in record.events if e.kind != "funding"]
    assert kinds == ["open", *["margin_added"] * 4, "liquidated"]
    assert_allclose(record.final_equity, expected)
    liquidation = record.events_of("liquidated")[0]
    assert_allclose(-liquidation.amount + liquidation.fee + liquidation.forfeited
                    - record.total_funding, 2_000.0)
    out = strategy_outcomes(AGGRESSIVE, "BTC 2018-2025")
    equity = np.asarray(out.final_equity)
    assert np.count_nonzero(out.liquidated) == 196 and len(equity) == 388
    assert_allclose(equity[np.asarray(out.liquidated)], expected)
    assert equity.min() == pytest.approx(expected)
    assert out.summary["median_final_equity"] == pytest.approx(expected)
    assert out.summary["worst_5_percent"] == pytest.approx(expected)
