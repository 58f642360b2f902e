"""Lesson 10: the seed's two strategies run as rules over hundreds of paths, as distributions."""

from __future__ import annotations

import dataclasses

import numpy as np
import plotly.graph_objects as go

from .. import plots
from .._contracts import Position
from .._margin import liquidation_price
from .._strategies import (
    AGGRESSIVE,
    BINANCE_BTCUSDT_FIRST_MMR,
    CONSERVATIVE,
    STRATEGY_HORIZON_DAYS,
    STRATEGY_MODELS,
    STRATEGY_PATHS,
    STRATEGY_SEED,
    STRATEGY_START_PRICE,
    STRATEGY_WALLET,
    strategy_outcomes,
)
from ._base import Explorer, Frame, Reading, slider, toggle

MODELS = STRATEGY_MODELS
TOP_UPS = {"off": None, "50 %": 0.5, "80 %": 0.8}
WALLET = STRATEGY_WALLET
START_PRICE = STRATEGY_START_PRICE
HORIZON_DAYS = STRATEGY_HORIZON_DAYS
PATHS = STRATEGY_PATHS
SEED = STRATEGY_SEED
BIN_WIDTH = 500.0  # USDT: few bars keep a redraw cheap
BINS = np.arange(7_000.0, 16_001.0, BIN_WIDTH)  # final-equity bin edges (USDT)
# Bar positions (USDT): an end bin "< 7,000" left of BINS, the bins, an end bin "≥ 16,000".
CENTERS = np.concatenate(([BINS[0] - BIN_WIDTH / 2], (BINS[:-1] + BINS[1:]) / 2,
                          [BINS[-1] + BIN_WIDTH / 2]))
BIN_LABELS = ([f"below {BINS[0]:,.0f} USDT"]
              + [f"{a:,.0f} to {b:,.0f} USDT" for a, b in zip(BINS[:-1], BINS[1:], strict=True)]
              + [f"{BINS[-1]:,.0f} USDT or more"])
ENDINGS = ("liquidated", "stopped", "open at the end")
# The right panel is one bar trace: conservative at k - 0.2, aggressive at k + 0.2 for ending k.
ENDING_X = np.array([[k - 0.2 for k in range(len(ENDINGS))],
                     [k + 0.2 for k in range(len(ENDINGS))]])
MEDIAN_Y = 96.0  # % of paths: height of the median markers on the left panel
# The sliders: (low, high, step).
SLIDERS = {"volatility": (40, 120, 10), "conservative_leverage": (2, 5, 1),
           "aggressive_leverage": (5, 50, 5), "stop_percent": (1, 40, 1)}


def strategy_rules(conservative_leverage, aggressive_leverage, stop_percent, top_up):
    """The two rule sets for the explorer's control values (``CONSERVATIVE`` and
    ``AGGRESSIVE`` with leverage, stop and top-up threshold replaced)."""
    ratio = TOP_UPS[top_up]
    extra = {"add_margin_at_ratio": ratio} if ratio else {
        "add_margin_at_ratio": None, "add_margin_amount": 0.0, "add_margin_budget": 0.0}
    return (dataclasses.replace(CONSERVATIVE, leverage=conservative_leverage,
                                stop_percent=stop_percent, **extra),
            dataclasses.replace(AGGRESSIVE, leverage=aggressive_leverage, **extra))


def liquidation_distance_percent(leverage) -> float:
    """How far (%) the price falls from entry to the liquidation price of a long with margin
    = notional / leverage (flat rate of Binance BTCUSDT's first bracket)."""
    position = Position("long", START_PRICE, CONSERVATIVE.margin * leverage / START_PRICE)
    price = liquidation_price(position, CONSERVATIVE.margin, mmr=BINANCE_BTCUSDT_FIRST_MMR)
    return 100.0 if price is None else 100 * (1 - price / START_PRICE)


def histogram_percent(values) -> np.ndarray:
    """Share of paths (%) at each of ``CENTERS``: below ``BINS[0]``, in each bin
    ``[BINS[k], BINS[k + 1])`` and at or above ``BINS[-1]``."""
    values = np.asarray(values, dtype=float)
    index = np.searchsorted(BINS, values, side="right")
    return 100 * np.bincount(index, minlength=BINS.size + 1) / values.size


def endings_percent(outcomes) -> np.ndarray:
    """Share of paths (%) liquidated, stopped, and still open at the end."""
    liquidated, stopped = outcomes.liquidated.mean(), outcomes.stopped.mean()
    return 100 * np.array([liquidated, stopped, 1 - liquidated - stopped])


def strategy_comparison() -> Explorer:
    """The seed's conservative and aggressive strategies over hundreds of paths.

    Returns
    -------
    Explorer
        Controls ``model`` (one of ``MODELS``), ``volatility`` (annual %, simulated models),
        ``conservative_leverage`` (x), ``aggressive_leverage`` (x), ``stop_percent`` (the
        conservative stop's distance from entry, %), ``top_up`` (margin ratio that triggers a
        250 USDT top-up, both strategies: "off", "50 %", "80 %"). Left panel: histogram of the
        final equity (% of paths per 500 USDT bin, at ``CENTERS``; the end bins, labelled
        "< 7,000" and "≥ 16,000" on the axis, hold every path below 7,000 or from 16,000 up):
        trace 0 conservative, 1 aggressive, 2 the starting equity, 3 the two medians (markers
        at the top, conservative then aggressive). Right panel: trace 4, one bar per strategy
        and ending at ``ENDING_X`` (conservative first): % of paths liquidated, stopped, and
        still open at the end. Axes are fixed; a move updates data only.
        Readout keys: ``median_conservative``, ``median_aggressive``,
        ``liquidated_conservative``, ``liquidated_aggressive`` (%), ``worst5_conservative``,
        ``worst5_aggressive`` (5 % quantile of final equity), ``paths``.

    Notes
    -----
    Every path: a 10,000 USDT account opens a long with 1,000 USDT of isolated margin at the
    first open and holds it ``HORIZON_DAYS`` days unless a rule closes it; funding 0.01 % per
    8 h and Binance's taker fee (see ``CONSERVATIVE`` and ``AGGRESSIVE``). The numbers are
    ``backtest_paths``'s, which equal ``backtest``'s path by path.
    """
    colors = (plots.COLORS["isolated"], plots.COLORS["cross"])
    names = ("conservative", "aggressive")
    centers = CENTERS
    fig = plots.figure(x_title="Final equity after 30 days (USDT)", y_title="Paths (%)",
                       cols=2, column_widths=[0.68, 0.32], horizontal_spacing=0.1,
                       subplot_titles=("Final equity, all paths", "How the position ended"),
                       height=plots.HEIGHT + 40)
    for name, color in zip(names, colors, strict=True):
        fig.add_trace(go.Bar(name=name, x=centers, y=np.zeros(centers.size), marker_color=color,
                             opacity=0.6, width=BIN_WIDTH, legendgroup=name,
                             customdata=BIN_LABELS,
                             hovertemplate=name + ": %{y:.1f} % of paths, %{customdata}"
                                                  "<extra></extra>"), row=1, col=1)
    start_x, start_y = plots.vertical(WALLET, (0, 100))
    fig.add_trace(plots.line("starting equity", "entry", width=1.5, x=start_x, y=start_y,
                             hoverinfo="skip"), row=1, col=1)
    fig.add_trace(go.Scatter(name="medians", mode="markers", x=[None, None],
                             y=[MEDIAN_Y, MEDIAN_Y], customdata=list(names),
                             marker={"color": list(colors), "size": 14,
                                     "symbol": "triangle-down",
                                     "line": {"color": "white", "width": 1}},
                             hovertemplate="median, %{customdata}: %{x:,.0f} USDT"
                                           "<extra></extra>"), row=1, col=1)
    fig.add_trace(go.Bar(name="endings", x=ENDING_X.ravel(), y=[0.0] * ENDING_X.size,
                         marker_color=[colors[0]] * len(ENDINGS) + [colors[1]] * len(ENDINGS),
                         customdata=[f"{n}, {e}" for n in names for e in ENDINGS],
                         showlegend=False, width=0.38,
                         hovertemplate="%{customdata}: %{y:.1f} %<extra></extra>"),
                  row=1, col=2)
    fig.update_layout(barmode="overlay", margin={"t": 90})
    fig.update_xaxes(range=[-0.6, len(ENDINGS) - 0.4], tickvals=list(range(len(ENDINGS))),
                     ticktext=list(ENDINGS), row=1, col=2)
    ticks = [CENTERS[0], *np.arange(8_000.0, BINS[-1], 2_000.0), CENTERS[-1]]
    fig.update_xaxes(range=[CENTERS[0] - BIN_WIDTH / 2, CENTERS[-1] + BIN_WIDTH / 2],
                     tickvals=ticks, ticktext=[f"< {BINS[0]:,.0f}"]
                     + [f"{t:,.0f}" for t in ticks[1:-1]] + [f"≥ {BINS[-1]:,.0f}"],
                     row=1, col=1)
    fig.update_yaxes(range=[0, 100], row=1, col=1)
    fig.update_yaxes(range=[0, 100], title_text="Paths (%)", row=1, col=2)

    def compute(model, volatility, conservative_leverage, aggressive_leverage, stop_percent,
                top_up):
        rules = strategy_rules(conservative_leverage, aggressive_leverage, stop_percent, top_up)
        results = [strategy_outcomes(r, model, int(volatility)) for r in rules]
        traces, readings = {}, []
        for i, (name, result) in enumerate(zip(names, results, strict=True)):
            summary = result.summary
            median = summary["median_final_equity"]
            traces[i] = {"y": histogram_percent(result.final_equity)}
            readings += [
                Reading(f"median_{name}", f"Median final equity, {name} (USDT)", median),
                Reading(f"liquidated_{name}", f"Liquidated, {name} (% of paths)",
                        100 * summary["liquidation_probability"], "{:.1f}"),
                Reading(f"worst5_{name}", f"5 % worst final equity, {name} (USDT)",
                        summary["worst_5_percent"]),
            ]
        medians = [r.summary["median_final_equity"] for r in results]
        traces[3] = {"x": np.clip(medians, CENTERS[0], CENTERS[-1])}
        traces[4] = {"y": np.concatenate([endings_percent(r) for r in results])}
        readings.append(Reading("paths", "Paths", len(results[0]), "{:d}"))
        shares = [100 * r.summary["liquidation_probability"] for r in results]
        room = liquidation_distance_percent(conservative_leverage)
        if stop_percent >= room:
            status = (f"The conservative stop ({stop_percent:g} % below entry) is beyond its "
                      f"liquidation price at entry ({room:.1f} % below): "
                      + ("only the margin top-ups can keep the position alive until it fires."
                         if TOP_UPS[top_up] else "it never fires, liquidation comes first."))
            kind = "danger"
        else:
            status = (f"Liquidated: conservative {shares[0]:.1f} %, aggressive {shares[1]:.1f} "
                      f"% of {len(results[0])} paths ({model}).")
            kind = "danger" if max(shares) >= 25 else "warning" if max(shares) > 0 else "ok"
        if model in ("bootstrap", "BTC 2018-2025"):
            status += " (Volatility slider not used: real returns.)"
        return Frame(traces=traces, readings=readings, status=status, status_kind=kind)

    controls = {
        "model": toggle("Price paths", list(MODELS)),
        "volatility": slider("Volatility (annual %)", 60, *SLIDERS["volatility"],
                             integer=True),
        "conservative_leverage": slider("Conservative leverage (x)", 3,
                                        *SLIDERS["conservative_leverage"], integer=True),
        "aggressive_leverage": slider("Aggressive leverage (x)", 20,
                                      *SLIDERS["aggressive_leverage"], integer=True),
        "stop_percent": slider("Conservative stop distance (%)", 5, *SLIDERS["stop_percent"],
                               integer=True),
        "top_up": toggle("Top up 250 USDT at margin ratio", list(TOP_UPS), "50 %"),
    }
    return Explorer(controls, fig, compute)
