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
from .._paths import DAYS_PER_YEAR, gbm_paths
from .._risk import liquidation_probabilities_mc, liquidation_probability
from .._tiers import BINANCE_BTCUSDT, MarginTiers
from ._base import Explorer, Frame, Reading, slider

MAX_LEVERAGE = 100
MC_LEVERAGES = (3, 5, 10, 20, 50, 100)  # where the Monte Carlo points sit on the left panel
MC_STEPS = 200  # monitoring dates per simulated path (with the continuity correction)
FAN_STEPS = 60  # steps per sample path drawn on the right panel (61 points)
FAN_SIGMAS = 3.5  # the price axis spans the entry * exp(+- 3.5 sigma sqrt(T))


def _fan_traces(times, paths, barrier):
    """The fan as few, short lists (paths separated by None gaps): every path whole (y only;
    its x is ``times`` repeated), the liquidated paths up to their first touch of ``barrier``
    (x and y), the touch points, and how many paths touched. Drawn prices are rounded to
    whole USDT and ``times`` should be rounded too: less data per slider move."""
    count = paths.shape[0]
    drawn = np.round(paths).astype(int).tolist()  # whole USDT: short numbers on the wire
    every = [value for row in drawn for value in (*row, None)]
    if barrier is None:
        hit = np.zeros(count, dtype=bool)
    else:
        hit = (paths <= barrier).any(axis=1)
    first = (paths[hit] <= barrier).argmax(axis=1) if hit.any() else np.zeros(0, dtype=int)
    rows = [row for row, h in zip(drawn, hit, strict=True) if h]
    dead = {"x": [value for k in first for value in (*times[: k + 1], None)],
            "y": [value for row, k in zip(rows, first, strict=True)
                  for value in (*row[: k + 1], None)]}
    touch = {"x": times[first], "y": paths[hit, first] if hit.any() else np.zeros(0)}
    return every, dead, touch, int(hit.sum())


def _repeated(times, count):
    """x for ``count`` paths drawn in one trace: ``times`` then a None gap, ``count`` times."""
    return [*times.tolist(), None] * count


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

    @functools.cache
    def closed_form(volatility, horizon):
        return np.array([liquidation_probability(position(lev), margin, volatility=volatility,
                                                 horizon_days=horizon, tiers=tiers)
                         for lev in grid])

    @functools.lru_cache(maxsize=256)
    def monte_carlo(volatility, horizon):
        # One simulation per (volatility, horizon), compared with every leverage's barrier.
        return liquidation_probabilities_mc(
            [position(lev) for lev in grid], margin, volatility=volatility,
            horizon_days=horizon, steps=MC_STEPS, paths=paths, continuity_correction=True,
            seed=seed, workers=1, tiers=tiers)

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
        barrier = liquidation_price(position(leverage), margin, tiers=tiers)
        fall = None if barrier is None else 100 * (1 - barrier / entry_price)

        spread = sigma * math.sqrt(horizon / DAYS_PER_YEAR)
        y_range = [entry_price * math.exp(-FAN_SIGMAS * spread),
                   entry_price * math.exp(FAN_SIGMAS * spread)]
        times = np.round(np.linspace(0, horizon, FAN_STEPS + 1), 3)  # days
        fan = gbm_paths(entry_price, volatility=sigma, steps=FAN_STEPS,
                        step_days=horizon / FAN_STEPS, paths=sample_paths, seed=seed)
        every, dead, touch, hits = _fan_traces(times, fan, barrier)
        # The fan's axes and its x data depend on volatility and horizon only: sent when they
        # change, so a leverage move updates data alone (and little of it).
        scale = (volatility, horizon)
        fan_trace, layout = {"y": every}, {}
        if drawn_scale.get("now") != scale:
            drawn_scale["now"] = scale
            fan_trace["x"] = _repeated(times, sample_paths)
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
