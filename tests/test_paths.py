"""Seeded price paths, candles and the bundled BTC data."""

import math
from importlib import resources

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from isomargin_lib import (
    CRASH_WINDOWS,
    DAYS_PER_YEAR,
    Candles,
    bootstrap_paths,
    candles_from_path,
    gbm_paths,
    load_btc_crash,
    load_btc_daily,
    log_returns,
    student_t_paths,
)

GENERATORS = {
    "gbm": lambda seed: gbm_paths(100, volatility=0.8, steps=50, step_days=1, paths=4,
                                  drift=0.1, seed=seed),
    "student_t": lambda seed: student_t_paths(100, volatility=0.8, steps=50, step_days=1,
                                              paths=4, seed=seed),
    "bootstrap": lambda seed: bootstrap_paths(100, np.linspace(-0.05, 0.05, 11), steps=50,
                                              paths=4, block_length=3, seed=seed),
}


@pytest.mark.parametrize("name", GENERATORS)
def test_same_seed_same_paths(name):
    first, again, other = (GENERATORS[name](seed) for seed in (7, 7, 8))
    assert first.shape == (4, 51)
    assert_array_equal(first[:, 0], 100.0)
    assert_array_equal(first, again)
    assert not np.array_equal(first, other)


@pytest.mark.parametrize("name", GENERATORS)
def test_a_generator_as_seed_is_used_as_is(name):
    assert_array_equal(GENERATORS[name](np.random.default_rng(3)), GENERATORS[name](3))


def test_gbm_log_returns_have_the_stated_mean_and_volatility():
    """ln(S_{k+1}/S_k) ~ N((mu - sigma^2/2) dt, sigma^2 dt), dt = step_days / 365."""
    drift, volatility, step_days = 0.1, 0.8, 1.0
    paths = gbm_paths(60_000, volatility=volatility, steps=365, step_days=step_days,
                      paths=2_000, drift=drift, seed=1)
    returns = np.diff(np.log(paths), axis=1)
    dt = step_days / DAYS_PER_YEAR
    standard_error = volatility * math.sqrt(dt) / math.sqrt(returns.size)
    assert abs(returns.mean() - (drift - volatility**2 / 2) * dt) < 4 * standard_error
    assert_allclose(returns.std() / math.sqrt(dt), volatility, rtol=0.005)
    # E[S_T] = S_0 exp(mu T): the drift is the arithmetic one.
    final = paths[:, -1] / 60_000
    assert abs(final.mean() - math.exp(drift)) < 4 * final.std() / math.sqrt(final.size)


def test_hourly_steps_scale_volatility_with_the_square_root_of_time():
    paths = gbm_paths(1, volatility=0.5, steps=24 * 200, step_days=1 / 24, paths=50, seed=2)
    daily = np.diff(np.log(paths[:, ::24]), axis=1)
    assert_allclose(daily.std() * math.sqrt(DAYS_PER_YEAR), 0.5, rtol=0.02)


def test_student_t_matches_the_gbm_variance_with_fatter_tails():
    kwargs = {"volatility": 0.6, "steps": 500, "step_days": 1, "paths": 400, "seed": 5}
    fat = np.diff(np.log(student_t_paths(100, degrees_of_freedom=5, **kwargs)), axis=1)
    normal = np.diff(np.log(gbm_paths(100, **kwargs)), axis=1)
    sigma_step = 0.6 / math.sqrt(DAYS_PER_YEAR)
    assert_allclose(fat.std(), sigma_step, rtol=0.02)
    assert_allclose(fat.mean(), normal.mean(), atol=4 * sigma_step / math.sqrt(fat.size))
    beyond = 4 * sigma_step
    assert (np.abs(fat) > beyond).mean() > 5 * (np.abs(normal) > beyond).mean()


def test_bootstrap_draws_blocks_of_consecutive_real_returns():
    data = 0.001 * np.arange(1, 11)  # ten distinct returns
    paths = bootstrap_paths(1.0, data, steps=30, paths=20, block_length=3, seed=4)
    drawn = np.diff(np.log(paths), axis=1)
    positions = np.rint(drawn / 0.001).astype(int) - 1  # index into data
    assert_allclose(drawn, data[positions], atol=1e-12)
    blocks = positions.reshape(20, 10, 3)
    assert_array_equal(np.diff(blocks, axis=2) % 10, 1)  # consecutive, wrapping at the end


def test_log_returns():
    assert_allclose(log_returns([100, 110, 99]), [math.log(1.1), math.log(0.9)])


def test_candles_from_a_hand_made_path():
    path = [100, 105, 95, 102, 103, 101, 99]
    candles = candles_from_path(path, 3, step_days=1 / 24, start="2024-05-01T00:00")
    assert_array_equal(candles.open, [100, 102])
    assert_array_equal(candles.high, [105, 103])
    assert_array_equal(candles.low, [95, 99])
    assert_array_equal(candles.close, [102, 99])
    assert candles.interval == np.timedelta64(3, "h")
    assert candles.time[1] == np.datetime64("2024-05-01T03:00")


def test_candles_are_read_only_and_checked():
    candles = Candles(np.array(["2024-01-01", "2024-01-02"], dtype="datetime64[D]"),
                      [10, 11], [12, 12], [9, 10], [11, 10])
    assert candles.interval == np.timedelta64(1, "D")
    with pytest.raises(ValueError, match="read-only"):
        candles.close[0] = 1
    days = np.array(["2024-01-01", "2024-01-02"], dtype="datetime64[D]")
    with pytest.raises(ValueError, match="high must be >= max"):
        Candles(days, [10, 11], [10.5, 12], [9, 10], [11, 10])
    with pytest.raises(ValueError, match="low must be <="):
        Candles(days, [10, 11], [12, 12], [10.5, 10], [11, 10])
    with pytest.raises(ValueError, match="interval is required"):
        Candles(days[:1], [10], [12], [9], [11])
    uneven = np.array(["2024-01-01", "2024-01-02", "2024-01-04"], dtype="datetime64[D]")
    with pytest.raises(ValueError, match="evenly spaced"):
        Candles(uneven, [1, 1, 1], [1, 1, 1], [1, 1, 1], [1, 1, 1])
    with pytest.raises(ValueError, match="time must be numpy datetime64"):
        Candles([1, 2], [1, 1], [1, 1], [1, 1], [1, 1])


def test_daily_data():
    daily = load_btc_daily()
    assert len(daily) == 2_742
    assert daily.time.dtype == np.dtype("datetime64[D]")
    assert daily.time[0] == np.datetime64("2018-01-01")
    assert daily.time[-1] == np.datetime64("2025-07-04")
    assert daily.interval == np.timedelta64(1, "D")
    # Known anomaly (SOURCES.md): 2018-02-08 is a partial candle closing at 7,784.02.
    assert daily.close[daily.time == np.datetime64("2018-02-08")][0] == 7_784.02
    # 2020-03-12 closed 39.5 % down.
    march_12 = np.flatnonzero(daily.time == np.datetime64("2020-03-12"))[0]
    assert_allclose(daily.close[march_12] / daily.close[march_12 - 1] - 1, -0.395, atol=0.001)


@pytest.mark.parametrize(("name", "low", "when"), [
    ("covid_2020", 3_782.13, "2020-03-13T02:00"),
    ("may_2021", 30_000.00, "2021-05-19T13:00"),
    ("june_2022", 17_622.00, "2022-06-18T20:00"),
    ("ftx_2022", 15_588.00, "2022-11-09T23:00"),
])
def test_crash_windows_lows_from_sources_md(name, low, when):
    window = load_btc_crash(name)
    assert len(window) == 240
    assert window.interval == np.timedelta64(1, "h")
    assert window.low.min() == low
    assert window.time[window.low.argmin()] == np.datetime64(when)


def test_crash_windows_cover_the_whole_file_and_agree_with_the_daily_data():
    windows = [load_btc_crash(name) for name in CRASH_WINDOWS]
    assert sum(len(w) for w in windows) == 4 * 240
    daily = load_btc_daily()
    for window in windows:  # SOURCES.md: hourly windows aggregate to the daily candles
        days = window.time.astype("datetime64[D]")
        for day in np.unique(days):
            hours = days == day
            row = np.flatnonzero(daily.time == day)[0]
            assert window.open[hours][0] == daily.open[row]
            assert window.high[hours].max() == daily.high[row]
            assert window.low[hours].min() == daily.low[row]
            assert window.close[hours][-1] == daily.close[row]


def test_sources_md_ships_with_the_attribution():
    text = resources.files("isomargin_lib").joinpath("data", "SOURCES.md").read_text("utf-8")
    assert ("Bitcoin Historical Datasets 2018-2024 by novandraanugrah (Kaggle), data from the "
            "Binance API, CC BY 4.0.") in text
    for name in CRASH_WINDOWS:
        assert f"`{name}`" in text


def test_unknown_crash_window():
    with pytest.raises(ValueError, match="name must be one of 'covid_2020'"):
        load_btc_crash("2008")


BAD_ARGUMENTS = [
    ({"volatility": 0}, "volatility must be a finite number > 0"),
    ({"volatility": math.nan}, "volatility must be a finite number > 0"),
    ({"step_days": -1}, "step_days must be a finite number > 0"),
    ({"steps": 0}, r"steps must be a whole number in \[1, inf\], got 0"),
    ({"steps": 2.5}, r"steps must be a whole number in \[1, inf\], got 2.5"),
    ({"paths": 0}, r"paths must be a whole number in \[1, inf\]"),
    ({"drift": math.inf}, "drift must be a finite number"),
    ({"seed": "abc"}, "seed must be an int >= 0"),
    ({"seed": -1}, "seed must be an int >= 0"),
]


@pytest.mark.parametrize(("change", "message"), BAD_ARGUMENTS)
@pytest.mark.parametrize("generator", [gbm_paths, student_t_paths])
def test_bad_path_arguments(generator, change, message):
    kwargs = {"volatility": 0.5, "steps": 10, "step_days": 1, **change}
    with pytest.raises(ValueError, match=message):
        generator(100, **kwargs)


def test_bad_start_price_and_tails():
    with pytest.raises(ValueError, match="start_price must be a finite number > 0"):
        gbm_paths(0, volatility=0.5, steps=10, step_days=1)
    with pytest.raises(ValueError, match="degrees_of_freedom must be > 2"):
        student_t_paths(100, volatility=0.5, steps=10, step_days=1, degrees_of_freedom=2)


def test_bad_bootstrap_arguments():
    with pytest.raises(ValueError, match=r"block_length must be a whole number in \[1, 3\]"):
        bootstrap_paths(100, [0.1, 0.2, 0.3], steps=5, block_length=4)
    with pytest.raises(ValueError, match="returns must be a non-empty 1-D array"):
        bootstrap_paths(100, [0.1, math.nan], steps=5)
    with pytest.raises(ValueError, match="prices must be a 1-D series of at least 2"):
        log_returns([100])
    with pytest.raises(ValueError, match="prices must hold finite numbers > 0"):
        log_returns([100, -1])


def test_bad_candle_grouping():
    with pytest.raises(ValueError, match="steps_per_candle must divide len"):
        candles_from_path([1, 2, 3, 4], 2, step_days=1)
    with pytest.raises(ValueError, match="whole number of seconds"):
        candles_from_path([1, 2, 3], 1, step_days=1e-7)
    with pytest.raises(ValueError, match="start must be a date and time"):
        candles_from_path([1, 2, 3], 1, step_days=1, start="soon")
