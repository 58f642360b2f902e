"""Lesson 08: the crash replay explorer and exercises, driven as a learner would."""

import datetime
import time

import numpy as np
import pytest
from numpy.testing import assert_allclose

from isomargin_lib import (
    BINANCE_BTCUSDT,
    CRASH_WINDOWS,
    BacktestRules,
    Candles,
    Position,
    backtest,
    explorers,
    liquidation_price,
    load_btc_crash,
    maintenance_margin,
    replay_crash,
    replay_outcome,
)
from isomargin_lib._backtest import crash_from
from isomargin_lib.exercises import lesson08
from isomargin_lib.explorers._crashes import time_in_candle

from exercise_checks import assert_numeric_feedback


@pytest.fixture
def crash():
    return explorers.crash_replay()


def _direct(name, leverage, entry_hour=0, mode="isolated", rules=None):
    """The same replay, built independently of the explorer's helpers."""
    c = load_btc_crash(name)
    part = slice(entry_hour, None)
    candles = Candles(c.time[part], c.open[part], c.high[part], c.low[part], c.close[part],
                      interval=c.interval)
    quantity = 1_000 * leverage / c.open[entry_hour]
    return backtest(candles, side="long", quantity=quantity, leverage=leverage,
                    wallet_balance=3_000, margin_mode=mode, rules=rules, tiers=BINANCE_BTCUSDT)


def _check_lines(crash, c, entry, mode, leverage, top_up, record):
    """Liquidation-price and margin-ratio lines: the entry, each top-up and the liquidation
    inside their hour, and every hourly close at the candle's close time."""
    position = Position("long", c.open[entry], 1_000 * leverage / c.open[entry])
    backing = 1_000 if mode == "isolated" else 3_000
    line, ratio = crash.figure.data[2], crash.figure.data[5]
    assert line.line.shape == "hv"
    lx = np.asarray(line.x, dtype="datetime64[s]")
    rx = np.asarray(ratio.x, dtype="datetime64[s]")
    assert np.all(np.diff(lx) >= np.timedelta64(0, "s"))
    assert np.all(np.diff(rx) >= np.timedelta64(0, "s"))
    # The entry: the first open's time, the liquidation price and margin ratio at entry.
    assert lx[0] == c.time[entry]
    assert_allclose(line.y[0], liquidation_price(position, backing, tiers=BINANCE_BTCUSDT))
    assert_allclose(ratio.y[0], 100 * maintenance_margin(position, c.open[entry],
                                                         tiers=BINANCE_BTCUSDT) / backing)
    # Every hourly close, drawn at the candle's close time (open + 1 hour).
    keep = np.isfinite(record.margin_ratio)
    closes = (record.time + np.timedelta64(1, "h"))[keep]
    last = np.searchsorted(lx, closes, side="right") - 1  # the close point comes last
    assert np.array_equal(lx[last], closes)
    assert_allclose(np.asarray(line.y, dtype=float)[last], record.liquidation_price[keep])
    last = np.searchsorted(rx, closes, side="right") - 1
    assert np.array_equal(rx[last], closes)
    assert_allclose(np.asarray(ratio.y, dtype=float)[last], 100 * record.margin_ratio[keep])
    # Each top-up: inside its hour, the liquidation price after it, and the ratio at the
    # threshold just before it.
    added = record.events_of("margin_added")
    top_x = np.asarray(crash.figure.data[3].x, dtype="datetime64[s]")
    assert len(top_x) == len(added)
    for k, (event, when) in enumerate(zip(added, top_x)):
        assert c.time[entry + event.index] <= when <= c.time[entry + event.index] + \
            np.timedelta64(1, "h")
        after = liquidation_price(position, 1_000 + 250 * (k + 1), tiers=BINANCE_BTCUSDT)
        assert_allclose(np.asarray(line.y, dtype=float)[lx == when], [after])
        assert_allclose(np.asarray(ratio.y, dtype=float)[rx == when][0], top_up)
    liquidated = record.events_of("liquidated")
    if liquidated:
        assert_allclose(ratio.y[-1], 100)
        assert_allclose(line.y[-1], liquidated[0].price)
        assert rx[-1] == np.datetime64(crash.figure.data[4].x[0], "s")


def test_time_in_candle_follows_the_intrabar_path():
    """open 100 -> low 90 (nearer) -> high 120 -> close 110: path length 10 + 30 + 10 = 50."""
    candles = Candles(np.array(["2020-01-01T00:00"], dtype="datetime64[m]"), np.array([100.0]),
                      np.array([120.0]), np.array([90.0]), np.array([110.0]),
                      interval=np.timedelta64(1, "h"))
    t0 = np.datetime64("2020-01-01T00:00", "s")
    when, travelled = time_in_candle(candles, 0, 95.0)
    assert travelled == 5 and when == t0 + np.timedelta64(360, "s")   # 5/50 of the hour
    when, travelled = time_in_candle(candles, 0, 100.0, after=travelled)
    assert travelled == 20 and when == t0 + np.timedelta64(1440, "s")  # on the way up
    assert time_in_candle(candles, 0, 110.0)[1] == 20 + 10  # first reached on the way up


@pytest.mark.parametrize(("name", "leverage", "entry", "mode", "top_up"),
                         [("covid_2020", 10, 0, "isolated", 0), ("may_2021", 5, 30, "cross", 0),
                          ("may_2021", 10, 108, "isolated", 50), ("ftx_2022", 25, 0, "cross", 0),
                          ("june_2022", 2, 200, "isolated", 80)])
def test_figure_and_readout_match_backtest(crash, name, leverage, entry, mode, top_up):
    for control, value in (("crash", name), ("leverage", leverage), ("entry_hour", entry),
                           ("mode", mode), ("top_up", top_up)):
        crash.controls[control].value = value
    rules = None
    if top_up:
        rules = BacktestRules(add_margin_at_ratio=top_up / 100, add_margin_amount=250,
                              add_margin_budget=2_000)
    record = _direct(name, leverage, entry, mode, rules)
    c = load_btc_crash(name)
    assert_allclose(crash.figure.data[0].close, c.close)
    assert_allclose(crash.figure.data[1].y, [c.open[entry]])
    _check_lines(crash, c, entry, mode, leverage, top_up, record)
    added = record.events_of("margin_added")
    assert_allclose(crash.figure.data[3].y, [e.price for e in added])
    assert_allclose(crash.numbers["margin_added"], sum(e.amount for e in added))
    assert_allclose(crash.numbers["final_equity"], record.final_equity)
    assert_allclose(crash.numbers["change"], record.final_equity - 3_000)
    position = Position("long", c.open[entry], 1_000 * leverage / c.open[entry])
    expected_lp = liquidation_price(position, 1_000 if mode == "isolated" else 3_000,
                                    tiers=BINANCE_BTCUSDT)
    assert_allclose(crash.numbers["liquidation_price_at_entry"], expected_lp)
    liquidated = record.events_of("liquidated")
    assert crash.numbers["outcome"] == ("liquidated" if liquidated else "survived")
    if liquidated:
        assert_allclose(crash.figure.data[4].y, [liquidated[0].price])
        assert_allclose(crash.numbers["liquidated_price"], liquidated[0].price)
        assert crash.numbers["hours_to_liquidation"] == liquidated[0].index
        assert 'data-kind="danger"' in crash.readout.value
        assert crash.status.startswith("LIQUIDATED")
    else:
        assert len(crash.figure.data[4].y) == 0
        assert crash.numbers["liquidated_price"] is None
    assert crash.texts["final_equity"] in crash.readout.value
    assert 'data-key="worst_margin_ratio_percent"' in crash.readout.value


def test_status_changes_from_liquidated_to_survived(crash):
    """10x isolated dies on Black Thursday; 10x cross with a 3,000 USDT wallet too, but 5x
    cross survives the window."""
    assert crash.numbers["outcome"] == "liquidated"
    assert "the rest of the wallet is untouched" in crash.status
    crash.controls["mode"].value = "cross"
    crash.controls["leverage"].value = 5
    assert crash.numbers["outcome"] == "survived"
    assert crash.status.startswith("Survived")
    assert crash.numbers["liquidated_time"] is None
    assert crash.texts["liquidated_time"] == "none"


def test_top_ups_save_the_position_before_the_may_2021_wick(crash):
    crash.controls["crash"].value = "may_2021"
    crash.controls["entry_hour"].value = 108
    assert crash.numbers["outcome"] == "liquidated"
    assert crash.numbers["hours_to_liquidation"] == 0 and "the entry hour" in crash.status
    crash.controls["top_up"].value = 50
    assert crash.numbers["outcome"] == "survived"
    assert crash.numbers["margin_added"] > 0
    assert len(crash.figure.data[3].x) > 0
    assert list(crash.figure.data[7].y) == [50, 50]
    crash.controls["mode"].value = "cross"  # top-ups are for isolated mode only
    assert "isolated mode only" in crash.status
    assert len(crash.figure.data[7].y) == 0 and crash.numbers["margin_added"] == 0


def test_crash_switch_redraws_candles_and_axes(crash):
    for name in CRASH_WINDOWS:
        crash.controls["crash"].value = name
        c = load_btc_crash(name)
        assert_allclose(crash.figure.data[0].low, c.low)
        assert_allclose(crash.figure.layout.yaxis.range[0], 0.75 * c.low.min())


def _times_held(value):
    """Every datetime-like object inside a figure's data or layout (dicts, lists, arrays)."""
    if isinstance(value, dict):
        return [t for v in value.values() for t in _times_held(v)]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _times_held(v)]
    if isinstance(value, np.ndarray):
        return list(value[:1]) if value.dtype.kind in "MO" else []
    return [value] if isinstance(value, (datetime.date, np.datetime64)) else []


def test_the_figure_holds_times_as_iso_strings(crash):
    """The browser edition's kernel cannot post datetime objects over the widget comm: every
    time in the figure (traces and axis range) is an ISO string, in every state drawn."""
    for name in CRASH_WINDOWS:
        crash.controls["crash"].value = name
        crash.controls["top_up"].value = 50
        crash.controls["leverage"].value = 20
        assert not _times_held(crash.figure._data), name
        assert not _times_held(crash.figure._layout), name
        assert np.datetime64(crash.figure.data[0].x[0], "s") == load_btc_crash(name).time[0]
        assert np.datetime64(crash.figure.layout.xaxis.range[0], "s") == \
            load_btc_crash(name).time[0]


def test_helpers_cache_and_validate():
    assert crash_from("ftx_2022", 5) is crash_from("ftx_2022", 5)
    assert len(crash_from("ftx_2022", 5)) == 235
    with pytest.raises(ValueError, match="entry_hour"):
        crash_from("ftx_2022", 239)
    with pytest.raises(ValueError, match="margin"):
        explorers.crash_replay(margin=5_000, wallet=3_000)
    o = replay_outcome(replay_crash("covid_2020", 2))
    assert o.liquidated and o.price == pytest.approx(
        liquidation_price(Position("long", 8_885.25, 2_000 / 8_885.25), 1_000,
                          tiers=BINANCE_BTCUSDT))
    # Liquidated in isolated mode: the whole 1,000 USDT margin is lost, the other 2,000 kept.
    assert o.final_equity == 2_000 and o.change == -1_000
    assert replay_crash("covid_2020", 2) is replay_crash("covid_2020", 2)
    with pytest.raises(ValueError, match="name must be one of"):
        replay_crash("covid", 2)
    with pytest.raises(ValueError, match="record must be a BacktestRecord"):
        replay_outcome("covid_2020")


def test_a_cross_liquidation_empties_the_wallet(crash):
    """25x cross in the FTX window is liquidated: the 3,000 USDT wallet backed it, all lost."""
    for control, value in (("crash", "ftx_2022"), ("leverage", 25), ("mode", "cross")):
        crash.controls[control].value = value
    assert crash.numbers["outcome"] == "liquidated"
    assert crash.numbers["final_equity"] == 0 and crash.numbers["change"] == -3_000
    assert "the whole wallet is lost" in crash.status


def test_a_move_is_fast(crash):
    """A backtest per move (uncached settings) stays well under 50 ms on an idle core."""
    crash.controls["crash"].value = "june_2022"
    crash.controls["top_up"].value = 50
    timings = []
    for hour in range(1, 41, 4):
        start = time.perf_counter()
        crash.controls["entry_hour"].value = hour
        timings.append(time.perf_counter() - start)
    assert np.median(timings) < 0.1  # loose bound: CI machines are shared


def test_q1_is_the_highest_surviving_leverage():
    """May 2021 from hour 120, isolated: not one of the replays printed in the lesson."""
    assert (lesson08.Q1_CRASH, lesson08.Q1_ENTRY) == ("may_2021", 120)
    surviving = [lev for lev in (2, 5, 10, 25)
                 if not _direct("may_2021", lev, 120).events_of("liquidated")]
    expected = f"{max(surviving)}x" if surviving else "none of them"
    q = lesson08.q1
    assert q.options[q.answer] == expected
    assert q.check(q.answer).correct
    for wrong in (k for k in q.options if k != q.answer):
        feedback = q.check(wrong)
        assert not feedback.correct
        assert len(feedback.message) < 160  # a short reason, not every replay's fate
    assert q.check(3).verdict == "info" and "ex.q1.check" in q.check(3).message


def test_q2_is_the_june_2022_loss():
    """Liquidated in isolated mode: the loss is the whole 1,000 USDT margin, the loss at the
    liquidation price plus the maintenance margin left there (forfeited)."""
    record = _direct("june_2022", 10, 48)
    assert_allclose(lesson08.q2.answer, 3_000 - record.final_equity)
    assert_allclose(lesson08.q2.answer, 1_000)
    event = record.events_of("liquidated")[0]
    assert_allclose(-event.amount + event.forfeited, 1_000)
    entry = load_btc_crash("june_2022").open[48]
    position = Position("long", entry, 10_000 / entry)
    assert_allclose(event.forfeited,
                    maintenance_margin(position, event.price, tiers=BINANCE_BTCUSDT))
    assert any(m.value == pytest.approx(-event.amount) for m in lesson08.q2.mistakes)
    # The explorer's "Gain (+) or loss (−)" reads -1,000: say to give the loss as positive.
    feedback = lesson08.q2.check(-1_000)
    assert not feedback.correct and "positive number" in feedback.message


def test_q3_is_the_margin_added():
    rules = BacktestRules(add_margin_at_ratio=0.5, add_margin_amount=250, add_margin_budget=2_000)
    record = _direct("covid_2020", 10, 120, rules=rules)
    assert_allclose(lesson08.q3.answer, sum(e.amount for e in record.events_of("margin_added")))
    assert 0 < lesson08.q3.answer < 2_000


def test_liquidation_price_below_the_chart_is_said(crash):
    """5x cross in the May 2021 window: its liquidation price is below the fixed y axis."""
    for control, value in (("crash", "may_2021"), ("leverage", 5), ("mode", "cross")):
        crash.controls[control].value = value
    assert crash.numbers["outcome"] == "survived"
    assert crash.numbers["liquidation_price_at_entry"] < crash.figure.layout.yaxis.range[0]
    assert "lies below the chart" in crash.status
    crash.controls["mode"].value = "isolated"
    assert "below the chart" not in crash.status


@pytest.mark.parametrize("q", [lesson08.q2, lesson08.q3])
def test_numeric_exercises(q):
    assert_numeric_feedback(q)
