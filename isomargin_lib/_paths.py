"""Seeded price paths (geometric Brownian motion, fat tails, bootstrap), candles, real BTC data.

Units, once for the whole module:

* prices in quote currency per base asset (USDT per BTC);
* ``drift`` and ``volatility`` are annual, as fractions (0.6 means 60 % a year);
* time steps are given in **days** (``step_days``), with ``DAYS_PER_YEAR = 365`` because crypto
  markets trade every day: an hourly step is ``step_days=1/24``;
* every generator returns an array of shape ``(paths, steps + 1)`` whose column 0 is the start
  price, and takes ``seed`` (an int, a ``numpy.random.SeedSequence`` or a
  ``numpy.random.Generator``): the same seed gives the same paths.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from importlib import resources

import numpy as np

from . import _checks

DAYS_PER_YEAR = 365.0
"""Days in a year for annualised drift and volatility: crypto trades 365 days a year."""

CRASH_WINDOWS = ("covid_2020", "may_2021", "june_2022", "ftx_2022")
"""Names of the bundled hourly crash windows, oldest first (see ``load_btc_crash``)."""

CRASH_LABELS = {
    "covid_2020": "Black Thursday, March 2020",
    "may_2021": "19 May 2021",
    "june_2022": "Celsius / 3AC, June 2022",
    "ftx_2022": "FTX collapse, November 2022",
}
"""What each of ``CRASH_WINDOWS`` is called in the lessons."""

_CRASH_STARTS = {
    "covid_2020": "2020-03-08",  # "Black Thursday", 12-13 March 2020
    "may_2021": "2021-05-15",  # 19 May 2021 crash
    "june_2022": "2022-06-09",  # Celsius / Three Arrows Capital, June 2022
    "ftx_2022": "2022-11-04",  # FTX collapse, November 2022
}
_HOURS_PER_WINDOW = 240


def rng_from(seed) -> np.random.Generator:
    """A numpy Generator from ``seed``: an int >= 0, a SeedSequence, a Generator or None.

    A Generator is returned as is (its state advances when used); None draws fresh entropy
    (not reproducible).
    """
    try:
        return np.random.default_rng(seed)
    except (TypeError, ValueError) as error:
        raise ValueError(f"seed must be an int >= 0, a numpy SeedSequence or Generator, or None; "
                         f"got {seed!r}") from error


def log_step_moments(drift, volatility, step_days) -> tuple[float, float]:
    """Mean and standard deviation of one GBM log return over ``step_days``.

    Parameters
    ----------
    drift : float
        Annual drift ``mu`` of ``dS = mu*S*dt + sigma*S*dW`` (fraction a year).
    volatility : float
        Annual volatility ``sigma`` (fraction a year), > 0.
    step_days : float
        Length of a step in days, > 0.

    Returns
    -------
    (float, float)
        ``((mu - sigma**2/2) * dt, sigma * sqrt(dt))`` with ``dt = step_days / 365`` years.

    Notes
    -----
    Itô's formula for geometric Brownian motion: ``ln S`` is a Brownian motion with drift
    ``mu - sigma**2/2`` and volatility ``sigma`` (Hull, "Options, Futures, and Other
    Derivatives", ch. 15; Shreve, "Stochastic Calculus for Finance II", §4.4).
    """
    drift = _checks.finite("drift", drift)
    volatility = _checks.positive("volatility", volatility)
    step_years = _checks.positive("step_days", step_days) / DAYS_PER_YEAR
    return (drift - volatility**2 / 2) * step_years, volatility * math.sqrt(step_years)


def _paths_from_log_returns(start_price: float, log_returns: np.ndarray) -> np.ndarray:
    """Prices ``start * exp(cumulative log return)``, with the start price in column 0."""
    paths = np.empty((log_returns.shape[0], log_returns.shape[1] + 1))
    paths[:, 0] = 0.0
    np.cumsum(log_returns, axis=1, out=paths[:, 1:])
    np.exp(paths, out=paths)
    paths *= start_price
    return paths


def _check_shape(steps, paths) -> tuple[int, int]:
    return (_checks.whole_number("paths", paths, 1),
            _checks.whole_number("steps", steps, 1))


def gbm_paths(start_price, *, volatility, steps, step_days, paths=1, drift=0.0,
              seed=None) -> np.ndarray:
    """Geometric Brownian motion paths, exact in distribution at every step.

    Parameters
    ----------
    start_price : float
        Price at time 0, > 0 (quote currency per base asset).
    volatility : float
        Annual volatility, a fraction (0.6 = 60 % a year), > 0.
    steps : int
        Number of time steps, >= 1.
    step_days : float
        Length of one step in days (1/24 = an hour), > 0.
    paths : int
        Number of independent paths, >= 1.
    drift : float
        Annual drift ``mu`` (fraction a year); the expected price grows as ``exp(mu*t)``.
    seed : int, SeedSequence, Generator or None
        Same seed, same paths.

    Returns
    -------
    numpy.ndarray
        Shape ``(paths, steps + 1)``; column 0 holds ``start_price``.

    Notes
    -----
    ``S_{k+1} = S_k * exp((mu - sigma**2/2)*dt + sigma*sqrt(dt)*Z)``, ``Z`` standard normal, the
    exact solution of ``dS = mu*S*dt + sigma*S*dW`` (Glasserman, "Monte Carlo Methods in
    Financial Engineering", §3.2.1).
    """
    start_price = _checks.positive("start_price", start_price)
    mean, std = log_step_moments(drift, volatility, step_days)
    n_paths, n_steps = _check_shape(steps, paths)
    increments = rng_from(seed).standard_normal((n_paths, n_steps))
    increments *= std
    increments += mean
    return _paths_from_log_returns(start_price, increments)


def student_t_paths(start_price, *, volatility, steps, step_days, paths=1, drift=0.0,
                    degrees_of_freedom=3.0, seed=None) -> np.ndarray:
    """Fat-tailed paths: Student-t log returns with the same mean and volatility as GBM.

    Parameters
    ----------
    start_price, volatility, steps, step_days, paths, drift, seed
        As in ``gbm_paths``.
    degrees_of_freedom : float
        Tail parameter ``nu`` of the Student-t distribution, > 2 (the variance is infinite
        otherwise). Smaller means fatter tails; large values approach ``gbm_paths``.

    Returns
    -------
    numpy.ndarray
        Shape ``(paths, steps + 1)``; column 0 holds ``start_price``.

    Notes
    -----
    Each log return is ``(mu - sigma**2/2)*dt + sigma*sqrt(dt)*T*sqrt((nu-2)/nu)`` with ``T``
    Student-t with ``nu`` degrees of freedom: ``Var(T) = nu/(nu-2)``, so the scaled variable
    has unit variance and the log returns have exactly the mean and variance of the GBM ones
    (Hull, "Risk Management and Financial Institutions", ch. 10, on fat-tailed returns). Only
    the first two moments of the log return match: large moves are far more frequent, and the
    expected price does not exist in closed form (``E[exp(T)]`` is infinite for a Student-t).
    """
    start_price = _checks.positive("start_price", start_price)
    mean, std = log_step_moments(drift, volatility, step_days)
    n_paths, n_steps = _check_shape(steps, paths)
    nu = _checks.positive("degrees_of_freedom", degrees_of_freedom)
    if not nu > 2:
        raise ValueError(f"degrees_of_freedom must be > 2 (finite variance), got {nu:g}")
    increments = rng_from(seed).standard_t(nu, (n_paths, n_steps))
    increments *= std * math.sqrt((nu - 2) / nu)
    increments += mean
    return _paths_from_log_returns(start_price, increments)


def log_returns(prices) -> np.ndarray:
    """Log returns ``ln(p[k+1] / p[k])`` of a 1-D price series (e.g. daily closes).

    Parameters
    ----------
    prices : array_like
        At least two prices, each finite and > 0.

    Returns
    -------
    numpy.ndarray
        One fewer entry than ``prices``; dimensionless.
    """
    prices = _checks.positive_prices("prices", np.atleast_1d(np.asarray(prices, dtype=float)))
    if prices.ndim != 1 or prices.size < 2:
        raise ValueError(f"prices must be a 1-D series of at least 2 prices, got shape "
                         f"{prices.shape}")
    return np.diff(np.log(prices))


def bootstrap_paths(start_price, returns, *, steps, paths=1, block_length=1,
                    seed=None) -> np.ndarray:
    """Paths built by resampling real log returns (block bootstrap).

    Parameters
    ----------
    start_price : float
        Price at time 0, > 0.
    returns : array_like
        Historical log returns, 1-D, finite (e.g. ``log_returns(load_btc_daily().close)``). One
        step of a path lasts as long as one step of the data (a day for daily returns).
    steps : int
        Number of steps, >= 1.
    paths : int
        Number of paths, >= 1.
    block_length : int
        Length of the blocks of consecutive returns drawn together, in [1, len(returns)]. 1 is
        the plain (i.i.d.) bootstrap; longer blocks keep volatility clustering within a block.
    seed : int, SeedSequence, Generator or None
        Same seed, same paths.

    Returns
    -------
    numpy.ndarray
        Shape ``(paths, steps + 1)``; column 0 holds ``start_price``.

    Notes
    -----
    Efron (1979), "Bootstrap methods: another look at the jackknife" (i.i.d. resampling);
    Künsch (1989), "The jackknife and the bootstrap for general stationary observations" (moving
    blocks). Blocks start anywhere and wrap around the end of the series (circular blocks,
    Politis & Romano 1992), so every return is drawn equally often.
    """
    start_price = _checks.positive("start_price", start_price)
    data = np.asarray(returns, dtype=float)
    if data.ndim != 1 or data.size < 1 or not np.isfinite(data).all():
        raise ValueError(f"returns must be a non-empty 1-D array of finite log returns, got shape "
                         f"{data.shape}")
    n_paths, n_steps = _check_shape(steps, paths)
    block = _checks.whole_number("block_length", block_length, 1, data.size)
    n_blocks = -(-n_steps // block)
    starts = rng_from(seed).integers(0, data.size, size=(n_paths, n_blocks))
    indices = (starts[:, :, None] + np.arange(block)).reshape(n_paths, -1)[:, :n_steps]
    return _paths_from_log_returns(start_price, data[indices % data.size])


def _as_times(time) -> np.ndarray:
    times = np.asarray(time)
    if times.dtype.kind != "M":
        raise ValueError(f"time must be numpy datetime64 values, got dtype {times.dtype}")
    return times


@dataclass(frozen=True, eq=False)
class Candles:
    """Open/high/low/close candles at regular times (read-only arrays).

    Parameters
    ----------
    time : numpy.ndarray of datetime64
        Open time of each candle (UTC); each candle covers ``[time, time + interval)``.
    open, high, low, close : numpy.ndarray
        Prices in quote currency per base asset, finite and > 0, with
        ``low <= min(open, close)`` and ``high >= max(open, close)``.
    interval : numpy.timedelta64, optional
        Length of a candle; inferred from ``time`` (which must then be evenly spaced) when
        omitted. Required for a single candle.
    """

    time: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    interval: np.timedelta64 | None = None

    def __post_init__(self):
        prices = {}
        for name in ("open", "high", "low", "close"):
            array = np.array(getattr(self, name), dtype=float)
            if array.ndim != 1 or array.size == 0:
                raise ValueError(f"{name} must be a non-empty 1-D array, got shape {array.shape}")
            prices[name] = _checks.positive_prices(name, array)
        times = np.array(_as_times(self.time))
        if {a.shape for a in prices.values()} != {times.shape}:
            raise ValueError("time, open, high, low and close must have the same length, got "
                             f"{[len(times)] + [a.size for a in prices.values()]}")
        if (prices["high"] < np.maximum(prices["open"], prices["close"])).any():
            raise ValueError("high must be >= max(open, close) on every candle")
        if (prices["low"] > np.minimum(prices["open"], prices["close"])).any():
            raise ValueError("low must be <= min(open, close) on every candle")
        interval = self._interval(times)
        for name, array in [("time", times), *prices.items()]:
            array.setflags(write=False)
            object.__setattr__(self, name, array)
        object.__setattr__(self, "interval", interval)

    def _interval(self, times: np.ndarray) -> np.timedelta64:
        gaps = np.diff(times)
        if self.interval is not None:
            interval = np.timedelta64(self.interval)
            if not interval > np.timedelta64(0, "s"):
                raise ValueError(f"interval must be a positive numpy timedelta64, got {interval}")
            if gaps.size and (gaps != interval).any():
                raise ValueError(f"time must be evenly spaced by interval = {interval}")
            return interval
        if gaps.size == 0:
            raise ValueError("interval is required for a single candle (e.g. "
                             "numpy.timedelta64(1, 'h'))")
        if not (gaps > np.timedelta64(0, "s")).all() or (gaps != gaps[0]).any():
            raise ValueError("time must be strictly increasing and evenly spaced (or give "
                             "interval)")
        return gaps[0]

    def __len__(self) -> int:
        """Number of candles."""
        return self.close.size

    def __repr__(self):
        return (f"Candles({np.size(self.close)} x {self.interval}, {self.time[0]} .. "
                f"{self.time[-1]}, low {np.min(self.low):,.2f}, high {np.max(self.high):,.2f})")


def candles_from_path(path, steps_per_candle, *, step_days,
                      start="2024-01-01T00:00:00") -> Candles:
    """Group a fine 1-D price path into candles (e.g. 60 one-minute steps per hourly candle).

    Parameters
    ----------
    path : array_like
        Prices, shape ``(n * steps_per_candle + 1,)``: one row of ``gbm_paths`` and friends.
    steps_per_candle : int
        Path steps per candle, >= 1; must divide ``len(path) - 1``.
    step_days : float
        Length of one path step in days (as given to the path generator), > 0.
    start : numpy.datetime64 or str
        Open time of the first candle, UTC (ISO 8601 string or datetime64).

    Returns
    -------
    Candles
        Candle ``k`` opens at ``path[k*m]``, closes at ``path[(k+1)*m]`` and has the extremes of
        ``path[k*m : (k+1)*m + 1]`` (``m = steps_per_candle``), so a candle's close is the next
        candle's open, as in a continuously traded market.
    """
    prices = np.asarray(path, dtype=float)
    if prices.ndim != 1 or prices.size < 2:
        raise ValueError(f"path must be a 1-D price path of at least 2 prices, got shape "
                         f"{prices.shape}")
    m = _checks.whole_number("steps_per_candle", steps_per_candle, 1, prices.size - 1)
    if (prices.size - 1) % m:
        raise ValueError(f"steps_per_candle must divide len(path) - 1 = {prices.size - 1}, "
                         f"got {m}")
    seconds = _checks.positive("step_days", step_days) * 86_400 * m
    if abs(seconds - round(seconds)) > 1e-6 * seconds:
        raise ValueError(f"step_days * steps_per_candle must be a whole number of seconds, got "
                         f"{seconds:g} s")
    interval = np.timedelta64(round(seconds), "s")
    body = prices[:-1].reshape(-1, m)
    close = prices[m::m]
    try:
        start = np.datetime64(start, "s")
    except (TypeError, ValueError) as error:
        raise ValueError(f"start must be a date and time (numpy datetime64 or ISO string), got "
                         f"{start!r}") from error
    time = start + interval * np.arange(close.size)
    return Candles(time, body[:, 0], np.maximum(body.max(axis=1), close),
                   np.minimum(body.min(axis=1), close), close, interval)


def _data_text(filename: str) -> str:
    return resources.files("isomargin_lib").joinpath("data", filename).read_text("utf-8")


def _parse_ohlc(text: str, time_unit: str):
    rows = [line.split(",") for line in text.strip().splitlines()[1:]]
    time = np.array([row[0].rstrip("Z") for row in rows], dtype=f"datetime64[{time_unit}]")
    ohlc = np.array([row[1:5] for row in rows], dtype=float)
    return time, ohlc


@functools.cache
def load_btc_daily() -> Candles:
    """Daily BTC/USDT candles from Binance, 2018-01-01 .. 2025-07-04 (2,742 days, UTC).

    Returns
    -------
    Candles
        ``time`` in ``datetime64[D]`` (the UTC day), prices in USDT per BTC; read-only arrays.

    Notes
    -----
    Bitcoin Historical Datasets 2018-2024 by novandraanugrah (Kaggle), data from the Binance
    API, CC BY 4.0. Provenance, checks and known anomalies (2018-02-08 is a partial candle) in
    ``isomargin_lib/data/SOURCES.md``.
    """
    time, ohlc = _parse_ohlc(_data_text("btc_daily.csv"), "D")
    return Candles(time, *ohlc.T)


@functools.cache
def _hourly_crashes() -> tuple[np.ndarray, np.ndarray]:
    return _parse_ohlc(_data_text("btc_hourly_crashes.csv"), "s")


def load_btc_crash(name) -> Candles:
    """Hourly BTC/USDT candles of one 10-day crash window (240 hours, UTC).

    Parameters
    ----------
    name : str
        One of ``CRASH_WINDOWS``: ``"covid_2020"`` (2020-03-08 .. 17, "Black Thursday", low
        3,782.13), ``"may_2021"`` (2021-05-15 .. 24, low 30,000.00), ``"june_2022"``
        (2022-06-09 .. 18, Celsius / 3AC, low 17,622.00), ``"ftx_2022"`` (2022-11-04 .. 13, FTX
        collapse, low 15,588.00).

    Returns
    -------
    Candles
        ``time`` in ``datetime64[s]`` (candle open, UTC), prices in USDT per BTC.

    Notes
    -----
    Bitcoin Historical Datasets 2018-2024 by novandraanugrah (Kaggle), data from the Binance
    API, CC BY 4.0. See ``isomargin_lib/data/SOURCES.md``.
    """
    _checks.choice("name", name, CRASH_WINDOWS)
    time, ohlc = _hourly_crashes()
    first = int(np.searchsorted(time, np.datetime64(_CRASH_STARTS[name], "s")))
    window = slice(first, first + _HOURS_PER_WINDOW)
    return Candles(time[window], *ohlc[window].T)
