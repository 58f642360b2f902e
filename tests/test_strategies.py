"""backtest_paths against the event-driven backtest, path by path, and its validation."""

import dataclasses

import numpy as np
import pytest
from numpy.testing import assert_allclose

from isomargin_lib import (
    AGGRESSIVE,
    CONSERVATIVE,
    StrategyRules,
    backtest,
    backtest_paths,
    candles_from_path,
    gbm_paths,
    load_btc_daily,
)
from isomargin_lib._strategies import funding_counts

PATHS = gbm_paths(60_000, volatility=0.9, steps=20 * 24, step_days=1 / 24, paths=40, seed=7)
CANDLES = [candles_from_path(row, 24, step_days=1 / 24) for row in PATHS]

RULES = [
    CONSERVATIVE,
    AGGRESSIVE,
    dataclasses.replace(AGGRESSIVE, leverage=10, take_profit_percent=8, funding_rate=0.001),
    dataclasses.replace(AGGRESSIVE, side="short", stop_percent=6, take_profit_percent=10),
    dataclasses.replace(AGGRESSIVE, side="short", add_margin_at_ratio=0.3),
    dataclasses.replace(CONSERVATIVE, add_margin_at_ratio=None, add_margin_amount=0.0,
                        add_margin_budget=0.0, leverage=5, stop_percent=30),
]


def reference(rules, candles, wallet=10_000.0, mmr=0.004):
    records = []
    for c in candles:
        entry = float(c.open[0])
        records.append(backtest(c, side=rules.side, quantity=rules.quantity(entry),
                                leverage=rules.leverage, wallet_balance=wallet, mmr=mmr,
                                rules=rules.backtest_rules(entry)))
    return records


@pytest.mark.parametrize("rules", RULES)
def test_equals_backtest_path_by_path(rules):
    """Same arithmetic and intrabar order as ``backtest``: equal outcomes on every path."""
    out = backtest_paths(CANDLES, rules, wallet_balance=10_000)
    ref = reference(rules, CANDLES)
    assert_allclose(out.equity, np.array([r.equity for r in ref]), rtol=1e-12, atol=1e-8)
    assert_allclose(out.final_equity, [r.final_equity for r in ref], rtol=1e-12)
    for name, kind in (("liquidated", "liquidated"), ("stopped", "stop"),
                       ("took_profit", "take_profit")):
        assert list(getattr(out, name)) == [bool(r.events_of(kind)) for r in ref]
    assert_allclose(out.margin_added, [sum(e.amount for e in r.events_of("margin_added"))
                                       for r in ref], atol=1e-9)
    assert_allclose(out.fees, [r.total_fees for r in ref], atol=1e-9)
    assert_allclose(out.funding, [r.total_funding for r in ref], atol=1e-9)
    assert_allclose(out.forfeited, [r.total_forfeited for r in ref], atol=1e-9)


def test_real_daily_windows_equal_backtest():
    daily = load_btc_daily()
    windows = [daily_slice(daily, start, 30) for start in range(0, 600, 60)]
    out = backtest_paths(windows, AGGRESSIVE, wallet_balance=10_000)
    ref = reference(AGGRESSIVE, windows)
    assert_allclose(out.final_equity, [r.final_equity for r in ref], rtol=1e-12)
    assert list(out.liquidated) == [bool(r.events_of("liquidated")) for r in ref]


def daily_slice(daily, start, n):
    from isomargin_lib import Candles
    s = slice(start, start + n)
    return Candles(daily.time[s], daily.open[s], daily.high[s], daily.low[s], daily.close[s],
                   daily.interval)


def test_summary_and_drawdown():
    out = backtest_paths(CANDLES, AGGRESSIVE, wallet_balance=10_000)
    assert out.summary["liquidation_probability"] == pytest.approx(out.liquidated.mean())
    assert out.summary["median_final_equity"] == pytest.approx(np.median(out.final_equity))
    assert out.summary["worst_5_percent"] == pytest.approx(np.quantile(out.final_equity, 0.05))
    peak = np.maximum.accumulate(np.column_stack([np.full(len(out), 10_000.0), out.equity]),
                                 axis=1)[:, 1:]
    assert_allclose(out.max_drawdown, np.max(1 - out.equity / peak, axis=1).clip(0, 1))
    # A liquidated aggressive path loses exactly its margin, every top-up it received and the
    # opening fee (20,000 USDT of notional x 0.05 % = 10 USDT): what was left of the margin at
    # the liquidation price is forfeited, the liquidation's taker fee came out of it.
    liquidated = out.liquidated
    assert liquidated.any()
    lost = 10_000 - out.final_equity[liquidated]
    assert_allclose(lost, 1_000 + out.margin_added[liquidated] + 10, rtol=1e-12)
    assert (out.forfeited[liquidated] > 0).all() and (out.forfeited[~liquidated] == 0).all()


def hourly(*rows):
    """Candles from (open, high, low, close) rows, one hour apart from 01:00 (no funding)."""
    from isomargin_lib import Candles
    o, h, low, c = np.array(rows, dtype=float).T
    time = np.datetime64("2024-01-01T01:00", "s") + np.arange(len(rows)) * np.timedelta64(1, "h")
    return Candles(time, o, h, low, c, np.timedelta64(1, "h"))


def test_a_liquidation_forfeits_the_margin_and_a_gap_costs_no_more():
    """A long of 1 at 100 with 10 of margin (10x), wallet 100, MMR 1 %: LP = (10 - 100) /
    (0.01 - 1) = 90.909. Path 0 falls through it inside a candle: the loss at LP is 9.091 and
    the maintenance margin left there, 0.909, is forfeited: the account keeps 90. Path 1 gaps
    to 80, through the bankruptcy price 90: the loss is still the margin, 10, nothing is left
    to forfeit, and the account keeps 90 too."""
    paths = [hourly((100, 100, 85, 88), (88, 89, 87, 88)),
             hourly((100, 100.5, 99, 99.5), (80, 85, 79, 84))]
    rules = StrategyRules(leverage=10, margin=10)
    out = backtest_paths(paths, rules, wallet_balance=100, mmr=0.01)
    assert out.liquidated.tolist() == [True, True]
    assert_allclose(out.final_equity, [90, 90])
    assert_allclose(out.forfeited, [0.01 * 90 / 0.99, 0], atol=1e-12)
    ref = reference(rules, paths, wallet=100, mmr=0.01)
    assert_allclose(out.equity, [r.equity for r in ref], rtol=1e-12)
    assert_allclose(out.forfeited, [r.total_forfeited for r in ref], atol=1e-12)


def test_funding_counts_daily_candles():
    """Daily candles from midnight: 2 funding times in the first (08:00, 16:00), then 3."""
    times = np.arange(4, dtype=np.int64)[None, :] * 86_400
    assert funding_counts(times, 86_400).tolist() == [[2, 3, 3, 3]]


@pytest.mark.parametrize("kwargs, message", [
    ({"leverage": 0.5, "margin": 1_000}, "leverage"),
    ({"leverage": 3, "margin": -1}, "margin"),
    ({"leverage": 3, "margin": 1_000, "stop_percent": 0}, "stop_percent"),
    ({"leverage": 3, "margin": 1_000, "side": "up"}, "side"),
    ({"leverage": 3, "margin": 1_000, "add_margin_at_ratio": 0.5}, "add_margin_amount"),
])
def test_rules_validation(kwargs, message):
    with pytest.raises(ValueError, match=message):
        StrategyRules(**kwargs)


def test_backtest_paths_validation():
    with pytest.raises(ValueError, match="wallet_balance"):
        backtest_paths(CANDLES, AGGRESSIVE, wallet_balance=500)
    with pytest.raises(ValueError, match="rules"):
        backtest_paths(CANDLES, "aggressive", wallet_balance=10_000)
    with pytest.raises(ValueError, match="same length"):
        backtest_paths([CANDLES[0], daily_slice(load_btc_daily(), 0, 5)], AGGRESSIVE,
                       wallet_balance=10_000)
    with pytest.raises(ValueError, match="add_margin_at_ratio"):
        backtest_paths(CANDLES, dataclasses.replace(AGGRESSIVE, add_margin_at_ratio=0.001),
                       wallet_balance=10_000)
