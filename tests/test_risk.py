"""Position sizing and the probability of liquidation (closed form and Monte Carlo)."""

import itertools
import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from isomargin_lib import (
    BINANCE_BTCUSDT,
    DAYS_PER_YEAR,
    Position,
    barrier_hit_probability,
    liquidation_price,
    liquidation_probability,
    liquidation_probability_mc,
    position_size,
)


def test_position_size_from_capital_at_risk():
    """1 % of 10,000 USDT at risk, stop 1,200 below 60,000: 100 / 1,200 = 0.08333 BTC, notional
    5,000; at 10x the margin is 500 and, with MMR 0.4 %, the liquidation price is
    (500 - 5,000) / (0.08333 * (0.004 - 1)) = 54,216.87, below the stop."""
    sizing = position_size(10_000, 0.01, 60_000, 58_800, side="long", leverage=10, mmr=0.004)
    assert_allclose(sizing.quantity, 100 / 1_200)
    assert_allclose(sizing.notional, 5_000)
    assert_allclose(sizing.margin, 500)
    assert sizing.risk_amount == 100
    assert sizing.stop_distance == 1_200
    assert_allclose(sizing.liquidation_price, 4_500 / (0.996 / 12), rtol=1e-12)
    assert_allclose(sizing.liquidation_price, 54_216.867, rtol=1e-7)
    assert sizing.stop_before_liquidation
    assert sizing.fits_in_capital


def test_high_leverage_puts_the_liquidation_before_the_stop():
    """At 50x the margin is 100 and the liquidation price (100 - 5,000)/(-0.083) = 59,036.14
    sits above the 58,800 stop: the stop never fills."""
    sizing = position_size(10_000, 0.01, 60_000, 58_800, side="long", leverage=50, mmr=0.004)
    assert_allclose(sizing.liquidation_price, 4_900 / (0.996 / 12), rtol=1e-12)
    assert not sizing.stop_before_liquidation


def test_position_size_short_with_tiers():
    sizing = position_size(10_000, 0.02, 60_000, 63_000, side="short", leverage=20,
                           tiers=BINANCE_BTCUSDT)
    position = Position("short", 60_000, 200 / 3_000)
    assert_allclose(sizing.quantity, position.quantity)
    assert sizing.liquidation_price == liquidation_price(position, sizing.margin,
                                                         tiers=BINANCE_BTCUSDT)
    assert sizing.stop_before_liquidation == (63_000 < sizing.liquidation_price)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"stop_price": 61_000}, "stop_price must be below entry_price = 60,000.00 for a long"),
    ({"side": "short"}, "stop_price must be above entry_price"),
    ({"risk_fraction": 0}, r"risk_fraction must be in \(0, 1\], got 0"),
    ({"risk_fraction": 1.5}, r"risk_fraction must be in \[0, 1\], got 1.5"),
    ({"capital": -5}, "capital must be a finite number > 0"),
    ({"leverage": 0.5}, r"leverage must be in \[1, inf\)"),
    ({"side": "flat"}, "side must be one of 'long', 'short'"),
])
def test_bad_sizing_arguments(kwargs, message):
    arguments = {"capital": 10_000, "risk_fraction": 0.01, "entry_price": 60_000,
                 "stop_price": 58_800, "side": "long", "leverage": 10, "mmr": 0.004, **kwargs}
    with pytest.raises(ValueError, match=message):
        position_size(**arguments)


def _first_passage_by_quadrature(log_barrier, nu, sigma, horizon_years):
    """Integral of the first-passage density of nu*t + sigma*W_t to b (inverse Gaussian):
    |b| / (sigma sqrt(2 pi t^3)) exp(-(b - nu t)^2 / (2 sigma^2 t)), an independent check."""
    t = np.linspace(0, horizon_years, 400_001)[1:]
    density = (abs(log_barrier) / (sigma * np.sqrt(2 * np.pi * t**3))
               * np.exp(-((log_barrier - nu * t) ** 2) / (2 * sigma**2 * t)))
    return np.trapezoid(density, t)


@pytest.mark.parametrize(("barrier", "drift"), [(50_000, 0.0), (50_000, 0.5), (50_000, -0.5),
                                                (70_000, 0.3), (70_000, -1.0)])
def test_closed_form_matches_the_first_passage_density(barrier, drift):
    volatility, days = 0.7, 60
    closed = barrier_hit_probability(60_000, barrier, volatility=volatility, horizon_days=days,
                                     drift=drift)
    by_quadrature = _first_passage_by_quadrature(
        math.log(barrier / 60_000), drift - volatility**2 / 2, volatility, days / DAYS_PER_YEAR)
    assert_allclose(closed, by_quadrature, atol=2e-4)


def test_without_drift_the_reflection_principle_doubles_the_tail():
    """nu = 0 (drift = sigma^2/2): P(min <= b) = 2 * Phi(b / (sigma sqrt T))."""
    sigma, days = 0.8, 30
    b = math.log(0.9)
    expected = math.erfc(-b / (sigma * math.sqrt(days / DAYS_PER_YEAR)) / math.sqrt(2))
    got = barrier_hit_probability(1.0, 0.9, volatility=sigma, horizon_days=days,
                                  drift=sigma**2 / 2)
    assert_allclose(got, expected, rtol=1e-12)


def test_liquidation_probability_edges():
    long = Position("long", 60_000, 1)
    assert liquidation_probability(long, 60_000, volatility=0.5, horizon_days=30, mmr=0) == 0.0
    margin = 6_000  # 10x: liquidation price ~ 54,216
    assert liquidation_probability(long, margin, volatility=0.5, horizon_days=30, mmr=0.004,
                                   price=50_000) == 1.0
    short = liquidation_probability(Position("short", 60_000, 1), margin, volatility=0.5,
                                    horizon_days=30, mmr=0.004)
    rising = liquidation_probability(Position("short", 60_000, 1), margin, volatility=0.5,
                                     horizon_days=30, mmr=0.004, drift=1.0)
    assert 0 < short < rising < 1
    longer = [liquidation_probability(long, margin, volatility=0.5, horizon_days=days,
                                      mmr=0.004) for days in (1, 7, 30, 365)]
    assert longer == sorted(longer)


GRID = list(itertools.product(("long", "short"), (5, 20, 50), (0.4, 0.8), (1, 7, 30)))


def test_closed_form_and_monte_carlo_agree_within_3_standard_errors():
    """Continuously monitored closed form vs discretely monitored Monte Carlo with the
    Broadie-Glasserman-Kou continuity correction, over leverage x volatility x horizon.

    The standard error is that of the closed-form probability p: sqrt(p(1-p)/n)."""
    paths = 10_000
    failures = []
    for seed, (side, leverage, volatility, days) in enumerate(GRID):
        position = Position(side, 60_000, 1)
        kwargs = {"volatility": volatility, "horizon_days": days, "drift": 0.2, "mmr": 0.004}
        margin = 60_000 / leverage
        exact = liquidation_probability(position, margin, **kwargs)
        estimate = liquidation_probability_mc(position, margin, steps=400, paths=paths,
                                              continuity_correction=True, seed=seed, **kwargs)
        tolerance = 3 * math.sqrt(exact * (1 - exact) / paths)
        if abs(estimate.probability - exact) > max(tolerance, 1 / paths):
            failures.append((side, leverage, volatility, days, exact, estimate.probability))
    assert not failures


def test_discrete_monitoring_misses_crossings():
    """Checking the price once a day misses intraday touches: the uncorrected estimate is
    clearly below the continuous probability, and the correction recovers it."""
    position = Position("long", 60_000, 1)
    kwargs = {"volatility": 0.8, "horizon_days": 30, "mmr": 0.004, "paths": 20_000, "seed": 9}
    exact = liquidation_probability(position, 6_000, volatility=0.8, horizon_days=30,
                                    mmr=0.004)
    daily = liquidation_probability_mc(position, 6_000, steps=30, **kwargs)
    corrected = liquidation_probability_mc(position, 6_000, steps=30,
                                           continuity_correction=True, **kwargs)
    assert exact - daily.probability > 10 * daily.standard_error
    assert abs(corrected.probability - exact) < 3 * corrected.standard_error


def test_monte_carlo_is_reproducible_whatever_the_threads():
    position = Position("short", 60_000, 1)
    kwargs = {"volatility": 0.6, "horizon_days": 7, "mmr": 0.004, "steps": 100,
              "paths": 30_000, "seed": 123}
    one = liquidation_probability_mc(position, 3_000, workers=1, **kwargs)
    two = liquidation_probability_mc(position, 3_000, workers=2, **kwargs)
    assert one == two
    assert one.paths == 30_000 and one.steps == 100
    assert_allclose(one.standard_error,
                    math.sqrt(one.probability * (1 - one.probability) / 30_000))


def test_monte_carlo_edges():
    position = Position("long", 60_000, 1)
    none = liquidation_probability_mc(position, 60_000, volatility=0.5, horizon_days=1,
                                      steps=10, paths=10, mmr=0)
    assert (none.probability, none.standard_error) == (0.0, 0.0)
    gone = liquidation_probability_mc(position, 6_000, volatility=0.5, horizon_days=1,
                                      steps=10, paths=10, mmr=0.004, price=40_000)
    assert gone.probability == 1.0


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"volatility": 0}, "volatility must be a finite number > 0"),
    ({"horizon_days": 0}, "horizon_days must be a finite number > 0"),
    ({"drift": math.nan}, "drift must be a finite number"),
    ({"steps": 0}, r"steps must be a whole number in \[1, inf\]"),
    ({"paths": 1.5}, r"paths must be a whole number in \[1, inf\]"),
    ({"workers": 0}, r"workers must be a whole number in \[1, inf\]"),
    ({"seed": "x"}, "seed must be an int >= 0"),
    ({"price": -1}, "price must be a finite number > 0"),
])
def test_bad_probability_arguments(kwargs, message):
    arguments = {"volatility": 0.5, "horizon_days": 7, "steps": 10, "paths": 100,
                 "mmr": 0.004, **kwargs}
    with pytest.raises(ValueError, match=message):
        liquidation_probability_mc(Position("long", 60_000, 1), 6_000, **arguments)
    if set(kwargs).isdisjoint({"steps", "paths", "workers", "seed"}):
        del arguments["steps"], arguments["paths"]
        with pytest.raises(ValueError, match=message):
            liquidation_probability(Position("long", 60_000, 1), 6_000, **arguments)


def test_bad_barrier():
    with pytest.raises(ValueError, match="barrier must be a finite number > 0"):
        barrier_hit_probability(100, 0, volatility=0.5, horizon_days=1)
