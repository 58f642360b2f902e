"""Lesson 07: the probability of liquidation against leverage, volatility and horizon, in closed
form and by Monte Carlo, next to a fan of simulated price paths."""

from __future__ import annotations

import functools
import math

import numpy as np
import plotly.graph_objects as go

from .. import plots
from .._contracts import Position
from .._margin import liquidation_price
from .._paths import DAYS_PER_YEAR, gbm_paths, log_step_moments
from .._risk import (
    _CHUNK_PATHS,
    BGK_BETA,
    _already_liquidated,
    _estimate,
    _seed_sequence,
    barrier_hit_probability,
)
from .._tiers import BINANCE_BTCUSDT, MarginTiers
from ._base import Explorer, Frame, Reading, slider

MAX_LEVERAGE = 100
MC_LEVERAGES = (3, 5, 10, 20, 50, 100)  # where the Monte Carlo points sit on the left panel
MC_STEPS = 200  # monitoring dates per simulated path (with the continuity correction)
FAN_STEPS = 60  # steps per sample path drawn on the right panel (61 points)
FAN_SIGMAS = 3.5  # the price axis spans the entry * exp(+- 3.5 sigma sqrt(T))


def _gapped(rows) -> np.ndarray:
    """Rows of a 2-D array as one line trace: each row then a NaN gap, as float32 (a binary
    buffer on the wire; whole USDT prices and times rounded to 1/1000 day are exact in it)."""
    rows = np.atleast_2d(rows)
    out = np.full((rows.shape[0], rows.shape[1] + 1), np.nan, dtype=np.float32)
    out[:, :-1] = rows
    return out.ravel()


def _fan_traces(times, paths, barrier, *, every=None):
    """The fan as few, short arrays (paths separated by NaN gaps): every path whole (y only;
    its x is ``times`` repeated), the liquidated paths up to their first touch of ``barrier``
    (x and y), the touch points, and how many paths touched. Drawn prices are rounded to
    whole USDT and ``times`` should be rounded too: less data per slider move."""
    count = paths.shape[0]
    drawn = np.round(paths)  # whole USDT
    if every is None:
        every = _gapped(drawn)
    if barrier is None:
        hit = np.zeros(count, dtype=bool)
    else:
        hit = (paths <= barrier).any(axis=1)
    first = (paths[hit] <= barrier).argmax(axis=1) if hit.any() else np.zeros(0, dtype=int)
    rows = drawn[hit]
    empty = np.zeros(0, dtype=np.float32)
    dead = {"x": np.concatenate([_gapped(times[: k + 1]) for k in first]) if first.size
            else empty,
            "y": np.concatenate([_gapped(row[: k + 1]) for row, k in
                                 zip(rows, first, strict=True)]) if first.size else empty}
    touch = {"x": times[first], "y": paths[hit, first] if hit.any() else np.zeros(0)}
    return every, dead, touch, int(hit.sum())


def _repeated(times, count):
    """x for ``count`` paths drawn in one trace: ``times`` then a NaN gap, ``count`` times."""
    return _gapped(np.tile(times, (count, 1)))


def liquidation_risk(entry_price: float = 60_000, margin: float = 1_000, paths: int = 2_000,
                     sample_paths: int = 40, seed: int = 7,
                     tiers: MarginTiers = BINANCE_BTCUSDT) -> Explorer:
    """Probability that an isolated BTC long is liquidated within a horizon, by leverage.

    Parameters
    ----------
    entry_price : float
        BTC price at entry (USDT), > 0.
    margin : float
        Isolated margin (USDT), > 0; the notional is ``margin * leverage``.
    paths : int
        Monte Carlo paths per estimate (a few thousand keeps a slider move fast).
    sample_paths : int
        Price paths drawn in the fan (right panel).
    seed : int
        Seed of every simulation: the same seed gives the same estimates and the same fan.
    tiers : MarginTiers
        Maintenance margin brackets (default: Binance BTCUSDT); their maximum for
        ``margin * MAX_LEVERAGE`` must allow ``MAX_LEVERAGE``.

    Returns
    -------
    Explorer
        Controls ``leverage`` (x), ``volatility`` (annual, %) and ``horizon`` (days). Left
        panel: 0 the closed-form probability against leverage, 1 Monte Carlo estimates at
        ``MC_LEVERAGES`` (error bars: one standard error), 2 the current leverage. Right panel:
        3 every sample path (an illustration of what random prices look like, not an estimate:
        one trace, paths separated by gaps), 4 the liquidated paths up to
        the liquidation, drawn over them, 5 the moments of liquidation, 6 the liquidation
        price, 7 a note when it lies below the chart. The right panel's axes change only with
        volatility and horizon; a leverage move sends trace data only.
        Readout keys: ``liquidation_price``, ``fall_percent``,
        ``sigma_horizon_percent``, ``typical_moves`` (the fall divided by σ·√T: the distance
        to liquidation in typical moves over the horizon), ``probability_percent``, ``mc_percent``,
        ``mc_standard_error_percent``, ``sample_liquidated``.

    Notes
    -----
    The price follows geometric Brownian motion without drift. The closed form is
    ``liquidation_probability`` (first passage, reflection principle); the estimate is
    ``liquidation_probabilities_mc`` (each leverage on the same simulated paths, equal to
    ``liquidation_probability_mc`` with the same seed) with ``MC_STEPS`` monitoring dates and
    the Broadie–Glasserman–Kou continuity correction, so both approximate an exchange that checks
    the price continuously. The fan is ``gbm_paths`` with ``FAN_STEPS`` steps (touches between
    its points are not drawn). Results are cached per (volatility, horizon).
    """
    Position("long", entry_price, 1.0)  # validates entry_price
    margin = float(margin)
    if not margin > 0:
        raise ValueError(f"margin must be > 0 (USDT), got {margin:g}")
    allowed = tiers.tier_for(margin * MAX_LEVERAGE).max_leverage
    if MAX_LEVERAGE > allowed:
        raise ValueError(f"margin must keep {MAX_LEVERAGE}x allowed in {tiers.name}; "
                         f"{margin * MAX_LEVERAGE:,.0f} USDT allows only {allowed:g}x")
    grid = np.arange(1, MAX_LEVERAGE + 1)

    def position(leverage):
        return Position("long", entry_price, margin * leverage / entry_price)

    # What no slider but leverage changes, computed once: each leverage's liquidation price.
    barriers = [liquidation_price(position(lev), margin, tiers=tiers) for lev in grid]
    already = [b is not None and _already_liquidated(position(lev), entry_price, b)
               for lev, b in zip(grid, barriers, strict=True)]

    @functools.cache
    def closed_form(volatility, horizon):
        # liquidation_probability for each leverage, its barrier computed once above.
        return np.array([0.0 if b is None else 1.0 if dead else barrier_hit_probability(
            entry_price, b, volatility=volatility, horizon_days=horizon)
            for b, dead in zip(barriers, already, strict=True)])

    @functools.cache
    def normals():
        # The seeded sample, drawn once: liquidation_probabilities_mc's standard normals, in its
        # order (one SFC64 generator per chunk of paths, dates by rows), so a (volatility,
        # horizon) only rescales them: the same paths and estimates, without re-drawing.
        sizes = [min(_CHUNK_PATHS, paths - start) for start in range(0, paths, _CHUNK_PATHS)]
        generators = [np.random.Generator(np.random.SFC64(child))
                      for child in _seed_sequence(seed).spawn(len(sizes))]
        return [g.standard_normal((MC_STEPS, size)) for g, size in
                zip(generators, sizes, strict=True)]

    @functools.lru_cache(maxsize=256)
    def monte_carlo(volatility, horizon):
        """``liquidation_probabilities_mc`` for every leverage (continuity correction,
        ``MC_STEPS`` dates, ``paths`` paths, ``seed``) on the normals drawn once: the running
        minimum of the log price is the same sum of the same numbers in the same order."""
        mean, std = log_step_moments(0.0, volatility, horizon / MC_STEPS)
        lows = []
        for block in normals():
            steps = block * std
            steps += mean
            lows.append(np.minimum(np.cumsum(steps, axis=0).min(axis=0), 0.0))
        low = np.concatenate(lows)
        estimates = []
        for b, dead in zip(barriers, already, strict=True):
            if b is None or dead:
                estimates.append(_estimate(0 if b is None else paths, paths, MC_STEPS))
                continue
            log_barrier = math.log(b / entry_price)
            corrected = log_barrier - math.copysign(BGK_BETA * std, log_barrier)
            if corrected * log_barrier <= 0:  # the correction moved it past the start
                estimates.append(_estimate(paths, paths, MC_STEPS))
                continue
            estimates.append(_estimate(int(np.count_nonzero(low <= corrected)), paths,
                                       MC_STEPS))
        return estimates

    @functools.lru_cache(maxsize=64)
    def fan_for(volatility, horizon):
        """The sample paths, their times (days) and the fan's whole-path trace: they change
        with volatility and horizon only."""
        sigma = volatility / 100
        times = np.round(np.linspace(0, horizon, FAN_STEPS + 1), 3)  # days
        fan = gbm_paths(entry_price, volatility=sigma, steps=FAN_STEPS,
                        step_days=horizon / FAN_STEPS, paths=sample_paths, seed=seed)
        return times, fan, _gapped(np.round(fan)), _repeated(times, sample_paths)

    @functools.lru_cache(maxsize=1024)
    def fan_at(volatility, horizon, leverage):
        times, fan, every, _ = fan_for(volatility, horizon)
        return _fan_traces(times, fan, barriers[leverage - 1], every=every)

    fig = plots.figure(x_title="Leverage (x)", y_title="Probability of liquidation (%)",
                       rows=1, cols=2, horizontal_spacing=0.1, height=plots.HEIGHT + 60,
                       subplot_titles=("Probability of liquidation within the horizon",
                                       f"An illustration: {sample_paths} random prices "
                                       "(not an estimate)"))
    fig.add_trace(plots.line("model (formula)", "isolated", dash="solid", x=grid,
                             y=grid * 0.0,
                             hovertemplate="%{x}x: %{y:.2f} %<extra></extra>"), row=1, col=1)
    fig.add_trace(go.Scatter(name=f"simulation, {paths:,} paths (± 1 standard error)",
                             mode="markers",
                             x=list(MC_LEVERAGES), y=[0.0] * len(MC_LEVERAGES),
                             marker={"color": plots.COLORS["cross"], "size": 8,
                                     "symbol": "diamond"},
                             error_y={"type": "data", "array": [0.0] * len(MC_LEVERAGES),
                                      "color": plots.COLORS["cross"]},
                             hovertemplate="%{x}x: %{y:.2f} %<extra></extra>"), row=1, col=1)
    fig.add_trace(plots.marker("your leverage", "liquidation", size=13), row=1, col=1)
    fig.add_trace(go.Scatter(name="simulated price", mode="lines", hoverinfo="skip",
                             line={"color": plots.COLORS["isolated"], "width": 1},
                             opacity=0.5), row=1, col=2)
    fig.add_trace(go.Scatter(name="liquidated (up to the liquidation)", mode="lines",
                             hoverinfo="skip",
                             line={"color": plots.COLORS["liquidation"], "width": 1.8}),
                  row=1, col=2)
    fig.add_trace(go.Scatter(name="liquidated here", mode="markers", showlegend=False,
                             marker={"color": plots.COLORS["liquidation"], "size": 8,
                                     "symbol": "x"},
                             hovertemplate="day %{x:.1f}: %{y:,.0f} USDT<extra></extra>"),
                  row=1, col=2)
    fig.add_trace(plots.line("liquidation price", "liquidation", width=2, hoverinfo="skip"),
                  row=1, col=2)
    fig.add_trace(go.Scatter(name="note", mode="text", x=[None], y=[None], text=[""],
                             textposition="top right", showlegend=False, hoverinfo="skip",
                             textfont={"color": plots.COLORS["liquidation"]}), row=1, col=2)
    fig.update_xaxes(range=[0, MAX_LEVERAGE + 2], row=1, col=1)
    fig.update_yaxes(range=[-2, 102], row=1, col=1)
    fig.update_xaxes(title_text="Days", row=1, col=2)
    fig.update_yaxes(title_text="BTC price (USDT)", row=1, col=2)
    fig.update_layout(hovermode="closest", margin={"t": 100}, legend={"y": 1.12})

    drawn_scale = {}

    def compute(leverage, volatility, horizon):
        sigma = volatility / 100
        curve = closed_form(sigma, horizon)
        simulated = monte_carlo(sigma, horizon)
        estimates = [simulated[lev - 1] for lev in MC_LEVERAGES]
        here = simulated[leverage - 1]
        probability = float(curve[leverage - 1])
        barrier = barriers[leverage - 1]
        fall = None if barrier is None else 100 * (1 - barrier / entry_price)

        spread = sigma * math.sqrt(horizon / DAYS_PER_YEAR)
        y_range = [entry_price * math.exp(-FAN_SIGMAS * spread),
                   entry_price * math.exp(FAN_SIGMAS * spread)]
        every, dead, touch, hits = fan_at(volatility, horizon, leverage)
        # The fan's axes and its x data depend on volatility and horizon only: sent when they
        # change, so a leverage move updates data alone (and little of it).
        scale = (volatility, horizon)
        fan_trace, layout = {"y": every}, {}
        if drawn_scale.get("now") != scale:
            drawn_scale["now"] = scale
            fan_trace["x"] = fan_for(volatility, horizon)[3]
            layout = {"xaxis2": {"range": [0, horizon]}, "yaxis2": {"range": y_range}}
        visible = barrier is not None and barrier >= y_range[0]
        if barrier is None:
            note = "a 1x long has no liquidation price"
        elif visible:
            note = ""
        else:
            note = f"liquidation price {barrier:,.0f}: below the chart"

        if barrier is None:
            status, kind = "A 1x long cannot be liquidated: its margin covers the whole " \
                "position.", "ok"
        else:
            days = f"{horizon:g} day{'' if horizon == 1 else 's'}"
            share = (f"{leverage}x long, {volatility:g} % volatility: liquidated within {days} "
                     f"in {100 * probability:.1f} % of cases (simple model)")
            if probability >= 0.5:
                status = f"MORE LIKELY THAN NOT: {share}. Real prices have fatter tails."
                kind = "danger"
            elif probability >= 0.1:
                status, kind = f"High risk: {share}.", "warning"
            else:
                status, kind = f"{share}.", "ok"

        return Frame(
            traces={
                0: {"y": 100 * curve},
                1: {"y": [100 * e.probability for e in estimates],
                    "error_y.array": [100 * e.standard_error for e in estimates]},
                2: {"x": [leverage], "y": [100 * probability]},
                3: fan_trace,
                4: dead,
                5: touch,
                6: {"x": [0, horizon] if visible else [None, None],
                    "y": [barrier, barrier] if visible else [None, None]},
                7: {"x": [0], "y": [y_range[0]], "text": [note]},
            },
            readings=[
                Reading("liquidation_price", "Liquidation price (USDT)", barrier),
                Reading("fall_percent", "Fall to liquidation (%)", fall),
                Reading("sigma_horizon_percent", "Typical move over the horizon, σ·√T (%)",
                        100 * spread),
                Reading("typical_moves",
                        "Fall to liquidation in typical moves (fall ÷ σ·√T)",
                        None if fall is None else fall / (100 * spread)),
                Reading("probability_percent", "Probability of liquidation, model (%)",
                        100 * probability),
                Reading("mc_percent", "Simulation estimate (%)", 100 * here.probability),
                Reading("mc_standard_error_percent", "Simulation standard error (%)",
                        100 * here.standard_error),
                Reading("sample_liquidated", "Illustration paths liquidated", hits,
                        f"{{:.0f}} of {sample_paths}"),
            ],
            status=status, status_kind=kind,
            layout=layout,
        )

    controls = {
        "leverage": slider("Leverage (x)", 10, 1, MAX_LEVERAGE, 1, integer=True),
        "volatility": slider("Volatility (% a year)", 60, 20, 150, 5),
        "horizon": slider("Horizon (days)", 7, 1, 60, 1, integer=True),
    }
    return Explorer(controls, fig, compute)
