"""Speed of the liquidation Monte Carlo: vectorised numpy versus a pure-Python loop.

Run: ``python benchmarks/monte_carlo.py [--paths N] [--steps N] [--loop-paths N]``

Prints path-steps per second (one path-step = one normal draw, one addition to the running log
price and one barrier check) of ``liquidation_probability_mc`` and of the same simulation written
as a plain Python loop, and their ratio. Targets: >= 50 million path-steps/s on 2 cores, and
>= 100x the loop.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import time

from isomargin_lib import Position, liquidation_price, liquidation_probability_mc
from isomargin_lib._paths import log_step_moments

POSITION = Position("long", 60_000, 1)
MARGIN = 60_000 / 20  # 20x
MAINTENANCE = {"mmr": 0.004}
VOLATILITY, HORIZON_DAYS = 0.8, 7


def vectorised(paths: int, steps: int, workers: int | None) -> tuple[float, float]:
    """(seconds, probability) of one ``liquidation_probability_mc`` call."""
    start = time.perf_counter()
    estimate = liquidation_probability_mc(POSITION, MARGIN, volatility=VOLATILITY,
                                          horizon_days=HORIZON_DAYS, steps=steps, paths=paths,
                                          seed=1, workers=workers, **MAINTENANCE)
    return time.perf_counter() - start, estimate.probability


def python_loop(paths: int, steps: int) -> tuple[float, float]:
    """The same simulation, one path-step at a time (no early exit, like the vectorised one)."""
    mean, std = log_step_moments(0.0, VOLATILITY, HORIZON_DAYS / steps)
    barrier = math.log(liquidation_price(POSITION, MARGIN, **MAINTENANCE) / POSITION.entry_price)
    draw = random.Random(1).gauss
    start = time.perf_counter()
    hits = 0
    for _ in range(paths):
        log_price, lowest = 0.0, 0.0
        for _ in range(steps):
            log_price += mean + std * draw(0.0, 1.0)
            lowest = min(lowest, log_price)
        hits += lowest <= barrier
    return time.perf_counter() - start, hits / paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", type=int, default=200_000)
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--loop-paths", type=int, default=2_000)
    parser.add_argument("--workers", type=int, default=None)
    arguments = parser.parse_args()
    steps = arguments.steps

    vectorised(10_000, steps, arguments.workers)  # warm up threads and caches
    seconds, probability = min(vectorised(arguments.paths, steps, arguments.workers)
                               for _ in range(3))
    numpy_rate = arguments.paths * steps / seconds
    loop_seconds, loop_probability = python_loop(arguments.loop_paths, steps)
    loop_rate = arguments.loop_paths * steps / loop_seconds

    print(f"CPUs: {os.cpu_count()}; 20x long BTC, volatility {VOLATILITY:.0%}, "
          f"{HORIZON_DAYS} days, {steps} steps")
    print(f"vectorised numpy : {arguments.paths:>9,} paths in {seconds:6.3f} s -> "
          f"{numpy_rate / 1e6:7.1f} million path-steps/s (P = {probability:.4f})")
    print(f"pure-Python loop : {arguments.loop_paths:>9,} paths in {loop_seconds:6.3f} s -> "
          f"{loop_rate / 1e6:7.2f} million path-steps/s (P = {loop_probability:.4f})")
    print(f"speed-up         : {numpy_rate / loop_rate:,.0f}x "
          f"(targets: >= 50 million path-steps/s, >= 100x)")


if __name__ == "__main__":
    main()
