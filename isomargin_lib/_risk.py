"""Position sizing from capital at risk, stop versus liquidation, and the probability of
liquidation under geometric Brownian motion: in closed form and by Monte Carlo.

Units as in ``_paths``: annual ``drift`` and ``volatility`` as fractions, horizons in days with
365 days a year, prices in quote currency per base asset.
"""

from __future__ import annotations

import math
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from . import _checks
from ._contracts import SIDES, Position
from ._margin import _check_position, check_leverage, liquidation_price
from ._paths import log_step_moments

BGK_BETA = 0.5825971579390106
"""Broadie–Glasserman–Kou constant ``beta = -zeta(1/2) / sqrt(2*pi)``."""

_CHUNK_PATHS = 16_384  # paths simulated together: rows of 128 KiB stay in cache
_BLOCK_STEPS = 32  # dates drawn at once: a 4 MiB block of normals per chunk


@dataclass(frozen=True)
class PositionSizing:
    """Result of ``position_size``: how big, how much margin, and where the liquidation sits.

    Attributes
    ----------
    side : str
        "long" or "short".
    quantity : float
        Position size in base asset (BTC).
    notional : float
        ``quantity * entry_price``, quote currency.
    margin : float
        Initial (isolated) margin at the chosen leverage, quote currency.
    risk_amount : float
        ``capital * risk_fraction``: the loss, quote currency, if the stop fills at its price.
    stop_distance : float
        ``|entry_price - stop_price|``, quote currency per base asset.
    liquidation_price : float or None
        Isolated liquidation price with ``margin``; None when no positive price liquidates.
    stop_before_liquidation : bool
        True when the price reaches the stop before the liquidation price (a stop beyond the
        liquidation price never fills: the position is liquidated first).
    fits_in_capital : bool
        True when ``margin <= capital``.
    fees : float
        Taker fees of opening at the entry and closing at the stop, quote currency; 0 when
        sized without a fee rate. ``risk_amount`` includes them.
    """

    side: str
    quantity: float
    notional: float
    margin: float
    risk_amount: float
    stop_distance: float
    liquidation_price: float | None
    stop_before_liquidation: bool
    fits_in_capital: bool
    fees: float = 0.0


def position_size(capital, risk_fraction, entry_price, stop_price, *, side, leverage, mmr=None,
                  maintenance_amount=0.0, tiers=None, taker_fee_rate=0.0) -> PositionSizing:
    """Size a linear (USDT-margined) position so that a stop-out loses ``risk_fraction`` of
    ``capital``, then check its isolated liquidation price against the stop.

    Parameters
    ----------
    capital : float
        Trading capital, quote currency (USDT), > 0.
    risk_fraction : float
        Fraction of capital lost if the stop fills, in (0, 1] (0.01 = the "1 % rule").
    entry_price, stop_price : float
        Quote currency per base asset, > 0. The stop must be on the losing side: below the
        entry for a long, above it for a short.
    side : {"long", "short"}
    leverage : float
        Sets the isolated margin ``notional / leverage``; >= 1 (checked against ``tiers``).
    mmr, maintenance_amount, tiers
        Maintenance rule, as in ``liquidation_price``.
    taker_fee_rate : float
        Taker fee rate in [0, 0.01] paid on opening at market and on the stop's market close
        (e.g. ``BINANCE_USDM_TAKER_RATE``); 0 leaves fees out.

    Returns
    -------
    PositionSizing

    Notes
    -----
    Fixed-fractional sizing (Van Tharp, "Trade Your Way to Financial Freedom", ch. 14):
    ``quantity = capital * risk_fraction / |entry - stop|``; with a taker fee rate ``f`` the two
    fees (notional x rate at entry and at the stop: Binance, "Binance Futures Fee Structure &
    Fee Calculations") are part of the loss, so ``quantity = capital * risk_fraction /
    (|entry - stop| + f * (entry + stop))``. Leverage does not change the amount at risk, only
    the margin set aside and the liquidation price, which comes from ``liquidation_price``
    (Binance's formula). Funding and slippage are left out: a stop that fills worse than its
    price loses more than ``risk_amount``.
    """
    capital = _checks.positive("capital", capital)
    risk_fraction = _checks.in_range("risk_fraction", risk_fraction, 0, 1)
    if risk_fraction == 0:
        raise ValueError("risk_fraction must be in (0, 1], got 0")
    entry_price = _checks.positive("entry_price", entry_price)
    stop_price = _checks.positive("stop_price", stop_price)
    _checks.choice("side", side, SIDES)
    sign = 1 if side == "long" else -1
    if not sign * (entry_price - stop_price) > 0:
        where = "below" if sign > 0 else "above"
        raise ValueError(f"stop_price must be {where} entry_price = {entry_price:,.2f} for a "
                         f"{side}, got {stop_price:,.2f}")
    fee_rate = _checks.in_range("taker_fee_rate", taker_fee_rate, 0, 0.01)
    risk_amount = capital * risk_fraction
    stop_distance = abs(entry_price - stop_price)
    fee_per_unit = fee_rate * (entry_price + stop_price)  # open at entry, close at the stop
    position = Position(side, entry_price, risk_amount / (stop_distance + fee_per_unit))
    leverage = check_leverage(position, leverage, tiers)
    margin = position.notional() / leverage
    liquidation = liquidation_price(position, margin, mmr=mmr,
                                    maintenance_amount=maintenance_amount, tiers=tiers)
    before = liquidation is None or sign * (stop_price - liquidation) > 0
    return PositionSizing(side, position.quantity, position.notional(), margin, risk_amount,
                          stop_distance, liquidation, before, margin <= capital,
                          position.quantity * fee_per_unit)


def _normal_cdf(x: float) -> float:
    """Standard normal CDF ``Phi(x) = erfc(-x/sqrt(2)) / 2`` (accurate in both tails)."""
    return 0.5 * math.erfc(-x / math.sqrt(2))


def barrier_hit_probability(start_price, barrier, *, volatility, horizon_days,
                            drift=0.0) -> float:
    """Probability that a GBM price touches ``barrier`` at some time within the horizon.

    Parameters
    ----------
    start_price : float
        Price now, > 0.
    barrier : float
        Price level, > 0: below ``start_price`` for a fall (long liquidation), above it for a
        rise (short liquidation). A barrier equal to the start price is touched at once (1.0).
    volatility : float
        Annual volatility, a fraction, > 0.
    horizon_days : float
        Horizon in days, > 0.
    drift : float
        Annual drift ``mu`` of ``dS = mu*S*dt + sigma*S*dW``.

    Returns
    -------
    float
        Probability in [0, 1], for continuous monitoring.

    Notes
    -----
    ``ln(S_t/S_0) = nu*t + sigma*W_t`` with ``nu = mu - sigma**2/2``. For ``b = ln(barrier/S_0)
    < 0``, ``m = nu*T`` and ``s = sigma*sqrt(T)``, the reflection principle with a Girsanov
    change of drift gives::

        P(min_{t<=T} ln(S_t/S_0) <= b) = Phi((b - m)/s) + exp(2*nu*b/sigma**2) * Phi((b + m)/s)

    and for ``b > 0``::

        P(max_{t<=T} ln(S_t/S_0) >= b) = Phi((m - b)/s) + exp(2*nu*b/sigma**2) * Phi((-b - m)/s)

    Shreve, "Stochastic Calculus for Finance II" (2004), §7.2 (first passage and maximum of
    Brownian motion with drift); Borodin & Salminen, "Handbook of Brownian Motion" (2002), Part
    II, ch. 2, §1 (Brownian motion with drift); Harrison, "Brownian Motion and Stochastic Flow
    Systems" (1985), §1.8.
    """
    start_price = _checks.positive("start_price", start_price)
    barrier = _checks.positive("barrier", barrier)
    horizon_days = _checks.positive("horizon_days", horizon_days)
    mean, std = log_step_moments(drift, volatility, horizon_days)  # m = nu*T, s = sigma*sqrt(T)
    b = math.log(barrier / start_price)
    if b == 0:
        return 1.0
    exponent = 2 * mean * b / std**2  # = 2*nu*b/sigma**2
    if b < 0:
        direct, reflected = _normal_cdf((b - mean) / std), _normal_cdf((b + mean) / std)
    else:
        direct, reflected = _normal_cdf((mean - b) / std), _normal_cdf((-b - mean) / std)
    # exp(exponent) * reflected <= 1 always; multiply in logs so neither factor overflows.
    term = math.exp(exponent + math.log(reflected)) if reflected > 0 else 0.0
    return min(max(direct + term, 0.0), 1.0)


def _liquidation_barrier(position, margin, price, maintenance) -> tuple[float, float | None]:
    """(start price, liquidation price or None) for the probability functions."""
    _check_position(position)
    start = position.entry_price if price is None else _checks.positive("price", price)
    return start, liquidation_price(position, margin, **maintenance)


def _already_liquidated(position: Position, start: float, barrier: float) -> bool:
    return position.sign * (start - barrier) <= 0


def liquidation_probability(position, margin, *, volatility, horizon_days, drift=0.0,
                            price=None, mmr=None, maintenance_amount=0.0, tiers=None) -> float:
    """Probability that ``position`` is liquidated within ``horizon_days`` when the mark price
    follows geometric Brownian motion (closed form, continuous monitoring).

    Parameters
    ----------
    position : Position
    margin : float
        Isolated margin (or cross wallet balance), as in ``liquidation_price``.
    volatility : float
        Annual volatility, a fraction, > 0.
    horizon_days : float
        Horizon in days, > 0.
    drift : float
        Annual drift, a fraction.
    price : float, optional
        Mark price now; default the entry price.
    mmr, maintenance_amount, tiers
        Maintenance rule, as in ``liquidation_price``.

    Returns
    -------
    float
        Probability in [0, 1]: 0 when no positive price liquidates, 1 when ``price`` is already
        at or beyond the liquidation price.

    Notes
    -----
    The barrier is ``liquidation_price`` (Binance's formula, with the margin fixed: no funding,
    no top-ups); the hitting probability is ``barrier_hit_probability`` (reflection principle,
    Shreve II §7.2). Real prices have fatter tails than GBM. At the same volatility that
    multiplies the small probability of a far-away liquidation, but changes a likely, nearby
    one little and can even lower it (appendix A2 compares both with ``student_t_paths``): this
    is not a lower bound.
    """
    start, barrier = _liquidation_barrier(
        position, margin, price,
        {"mmr": mmr, "maintenance_amount": maintenance_amount, "tiers": tiers})
    # Validate even when the answer is 0 or 1.
    log_step_moments(drift, volatility, _checks.positive("horizon_days", horizon_days))
    if barrier is None:
        return 0.0
    if _already_liquidated(position, start, barrier):
        return 1.0
    return barrier_hit_probability(start, barrier, volatility=volatility,
                                   horizon_days=horizon_days, drift=drift)


@dataclass(frozen=True)
class MonteCarloEstimate:
    """A Monte Carlo probability with its standard error.

    Attributes
    ----------
    probability : float
        Fraction of paths that hit the barrier.
    standard_error : float
        ``sqrt(p*(1-p)/paths)``: the estimate is within 3 standard errors of its mean with
        probability ~99.7 % (binomial, normal approximation).
    paths, steps : int
        Number of simulated paths and monitoring steps per path.
    """

    probability: float
    standard_error: float
    paths: int
    steps: int


def _seed_sequence(seed) -> np.random.SeedSequence:
    """The SeedSequence behind ``seed`` (an int >= 0, a SeedSequence, a Generator or None)."""
    if isinstance(seed, np.random.Generator):
        return seed.bit_generator.seed_seq
    if isinstance(seed, np.random.SeedSequence):
        return seed
    try:
        return np.random.SeedSequence(seed)
    except (TypeError, ValueError) as error:
        raise ValueError(f"seed must be an int >= 0, a numpy SeedSequence or Generator, or None; "
                         f"got {seed!r}") from error


def _extremes(rng, paths, steps, mean, std, *, lower, upper):
    """Running minimum and/or maximum (None when not asked for) of ``paths`` log-price random
    walks over ``steps`` dates.

    Normals are drawn in blocks of ``_BLOCK_STEPS`` dates x ``paths``; a running sum and the
    running extremes advance one date at a time over contiguous rows of paths, which is faster
    than ``numpy.cumsum`` along each path.
    """
    block = np.empty((min(_BLOCK_STEPS, steps), paths))
    level = np.zeros(paths)
    low = np.zeros(paths) if lower else None
    high = np.zeros(paths) if upper else None
    for first in range(0, steps, _BLOCK_STEPS):
        rows = block[:min(_BLOCK_STEPS, steps - first)]
        rng.standard_normal(out=rows)
        rows *= std
        rows += mean
        for row in rows:
            np.add(level, row, out=level)
            if lower:
                np.minimum(low, level, out=low)
            if upper:
                np.maximum(high, level, out=high)
    return low, high


def _count_hits(rng, paths, steps, mean, std, log_barrier) -> int:
    """Paths whose running log return touches ``log_barrier`` at one of ``steps`` dates."""
    low, high = _extremes(rng, paths, steps, mean, std, lower=log_barrier < 0,
                          upper=log_barrier > 0)
    hit = low <= log_barrier if log_barrier < 0 else high >= log_barrier
    return int(np.count_nonzero(hit))


def _default_workers() -> int:
    """One thread per core; one in the browser edition (Pyodide: ``sys.platform`` is
    "emscripten"), where no thread can be started."""
    return 1 if sys.platform == "emscripten" else (os.cpu_count() or 1)


def _by_chunks(seed, paths, workers, work) -> list:
    """``work(generator, size)`` for each chunk of at most ``_CHUNK_PATHS`` paths, each chunk
    with its own SFC64 generator spawned from the seed's SeedSequence; results in chunk order,
    the same whatever ``workers`` is."""
    workers = _checks.whole_number(
        "workers", _default_workers() if workers is None else workers, 1)
    sizes = [min(_CHUNK_PATHS, paths - start) for start in range(0, paths, _CHUNK_PATHS)]
    generators = [np.random.Generator(np.random.SFC64(child))
                  for child in _seed_sequence(seed).spawn(len(sizes))]

    def run(chunk: int):
        return work(generators[chunk], sizes[chunk])

    workers = min(workers, len(sizes))
    if workers == 1:
        return list(map(run, range(len(sizes))))
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(run, range(len(sizes))))


def barrier_hits_mc(log_barrier, *, mean, std, steps, paths, seed=None, workers=None) -> int:
    """Count random-walk paths whose running sum of normal log returns crosses a barrier.

    Parameters
    ----------
    log_barrier : float
        ``ln(barrier / start)``, nonzero: < 0 counts falls to it, > 0 rises to it.
    mean, std : float
        Mean and standard deviation of one log return (``log_step_moments``).
    steps, paths : int
        Monitoring steps per path and number of paths, >= 1.
    seed : int, SeedSequence, Generator or None
        Same seed, same count, whatever ``workers`` is: paths are simulated in fixed chunks of
        ``_CHUNK_PATHS``, each with its own SFC64 generator spawned from the seed's
        SeedSequence (SFC64: a fast generator of high statistical quality, numpy's
        "Random Generator: Bit Generators" documentation).
    workers : int, optional
        Threads (numpy releases the GIL while drawing normals and adding arrays); default the
        number of CPUs.

    Returns
    -------
    int
        Number of paths whose log price touched the barrier at one of the ``steps`` dates.
    """
    steps = _checks.whole_number("steps", steps, 1)
    paths = _checks.whole_number("paths", paths, 1)
    return sum(_by_chunks(seed, paths, workers, lambda rng, size: _count_hits(
        rng, size, steps, mean, std, log_barrier)))


def liquidation_probability_mc(position, margin, *, volatility, horizon_days, steps, paths,
                               drift=0.0, price=None, continuity_correction=False, seed=None,
                               workers=None, mmr=None, maintenance_amount=0.0,
                               tiers=None) -> MonteCarloEstimate:
    """Monte Carlo probability of liquidation within ``horizon_days`` under GBM.

    Parameters
    ----------
    position, margin, volatility, horizon_days, drift, price, mmr, maintenance_amount, tiers
        As in ``liquidation_probability``.
    steps : int
        Monitoring dates per path, evenly spaced over the horizon, >= 1.
    paths : int
        Number of simulated paths, >= 1.
    continuity_correction : bool
        Shift the barrier towards the start price by a factor ``exp(beta*sigma*sqrt(dt))``
        (Broadie–Glasserman–Kou) so that the discrete estimate approximates continuous
        monitoring, i.e. ``liquidation_probability``.
    seed : int, SeedSequence, Generator or None
        Same seed, same estimate (whatever ``workers`` is).
    workers : int, optional
        Threads to use; default the number of CPUs.

    Returns
    -------
    MonteCarloEstimate

    Notes
    -----
    Paths are exact GBM at the monitoring dates (``log_step_moments``); the barrier is
    ``liquidation_price``. Monitoring is **discrete**: a path that crosses the barrier and
    comes back between two dates is missed, so without correction the estimate is biased low
    by roughly ``density * beta * sigma * sqrt(dt)``, which vanishes only like ``sqrt(dt)``.
    Exchanges check the mark price every second or so, effectively continuously. Broadie,
    Glasserman & Kou, "A continuity correction for discrete barrier options", Mathematical
    Finance 7(4), 1997: a barrier monitored every ``dt`` behaves like a continuous barrier
    moved away from the start by ``exp(beta*sigma*sqrt(dt))``, ``beta = -zeta(1/2)/sqrt(2*pi)
    ~= 0.5826``; moving it the other way corrects the discrete simulation.
    """
    steps = _checks.whole_number("steps", steps, 1)
    paths = _checks.whole_number("paths", paths, 1)
    mean, std = log_step_moments(drift, volatility, _checks.positive(
        "horizon_days", horizon_days) / steps)
    maintenance = {"mmr": mmr, "maintenance_amount": maintenance_amount, "tiers": tiers}
    log_barrier, fixed = _mc_barrier(position, margin, price, maintenance, std,
                                     continuity_correction)
    if fixed is not None:
        return MonteCarloEstimate(fixed, 0.0, paths, steps)
    hits = barrier_hits_mc(log_barrier, mean=mean, std=std, steps=steps, paths=paths, seed=seed,
                           workers=workers)
    return _estimate(hits, paths, steps)


def _estimate(hits: int, paths: int, steps: int) -> MonteCarloEstimate:
    probability = hits / paths
    return MonteCarloEstimate(probability, math.sqrt(probability * (1 - probability) / paths),
                              paths, steps)


def _mc_barrier(position, margin, price, maintenance, std, continuity_correction):
    """(log barrier to simulate, None) or (None, probability known without simulating: 0 when
    no positive price liquidates, 1 when already liquidated or the corrected barrier passed
    the start price)."""
    start, barrier = _liquidation_barrier(position, margin, price, maintenance)
    if barrier is None or _already_liquidated(position, start, barrier):
        return None, (0.0 if barrier is None else 1.0)
    log_barrier = math.log(barrier / start)
    if continuity_correction:
        corrected = log_barrier - math.copysign(BGK_BETA * std, log_barrier)
        if corrected * log_barrier <= 0:  # moved past the start price
            return None, 1.0
        log_barrier = corrected
    return log_barrier, None


def liquidation_probabilities_mc(positions, margins, *, volatility, horizon_days, steps, paths,
                                 drift=0.0, price=None, continuity_correction=False, seed=None,
                                 workers=None, mmr=None, maintenance_amount=0.0,
                                 tiers=None) -> list[MonteCarloEstimate]:
    """Monte Carlo probabilities of liquidation for several positions on the same simulated
    paths (common random numbers): one simulation, one estimate per position.

    Parameters
    ----------
    positions : sequence of Position
        Positions on the same asset (longs, shorts or both).
    margins : float or sequence of float
        Isolated margin of each position (USDT), or one margin for all.
    volatility, horizon_days, steps, paths, drift, price, continuity_correction, seed, workers,
    mmr, maintenance_amount, tiers
        As in ``liquidation_probability_mc``; ``price`` (default: each position's entry) is
        where every path starts.

    Returns
    -------
    list of MonteCarloEstimate
        In the order of ``positions``. With the same ``seed``, each estimate equals
        ``liquidation_probability_mc(position, margin, ...)`` exactly: the paths are the same
        and only the barrier differs.

    Notes
    -----
    A path liquidates a long when its running minimum log return reaches ``ln(LP/start)`` and
    a short when its running maximum does; the running extremes are computed once and compared
    with every barrier. Using the same random numbers for every position (common random
    numbers, Glasserman, "Monte Carlo Methods in Financial Engineering", §4.2) makes the
    estimates a smooth, monotone function of leverage, and costs one simulation instead of one
    per position. Model, monitoring and continuity correction as in
    ``liquidation_probability_mc`` (Broadie, Glasserman & Kou 1997).
    """
    positions = list(positions)
    if not positions:
        raise ValueError("positions must hold at least one Position, got none")
    if np.ndim(margins) == 0:
        margins = [margins] * len(positions)
    margins = list(margins)
    if len(margins) != len(positions):
        raise ValueError(f"margins must be one number or one per position ({len(positions)}), "
                         f"got {len(margins)}")
    steps = _checks.whole_number("steps", steps, 1)
    paths = _checks.whole_number("paths", paths, 1)
    mean, std = log_step_moments(drift, volatility, _checks.positive(
        "horizon_days", horizon_days) / steps)
    maintenance = {"mmr": mmr, "maintenance_amount": maintenance_amount, "tiers": tiers}
    barriers = [_mc_barrier(position, margin, price, maintenance, std, continuity_correction)
                for position, margin in zip(positions, margins, strict=True)]
    simulated = [b for b, fixed in barriers if fixed is None]
    lower, upper = any(b < 0 for b in simulated), any(b > 0 for b in simulated)
    if simulated:
        chunks = _by_chunks(seed, paths, workers, lambda rng, size: _extremes(
            rng, size, steps, mean, std, lower=lower, upper=upper))
        low = np.concatenate([c[0] for c in chunks]) if lower else None
        high = np.concatenate([c[1] for c in chunks]) if upper else None
    estimates = []
    for log_barrier, fixed in barriers:
        if fixed is not None:
            estimates.append(MonteCarloEstimate(fixed, 0.0, paths, steps))
            continue
        hit = low <= log_barrier if log_barrier < 0 else high >= log_barrier
        estimates.append(_estimate(int(np.count_nonzero(hit)), paths, steps))
    return estimates
