"""Margin requirements. Lesson 05: adding and removing isolated margin (the explorer). Appendix
A3: the tier ladder (a static figure) and the bracket at the liquidation price (an explorer)."""

from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np

from .. import plots
from .._accounts import IsolatedPosition, max_addable_margin
from .._contracts import Position
from .._margin import initial_margin, liquidation_price
from .._tiers import BINANCE_BTCUSDT, MarginTiers
from ._base import STYLE, Explorer, Frame, Reading, slider, toggle
from ._cross import _distance_reading, fall_to_liquidation


def _liquidation_curve(position: Position, margins, tiers: MarginTiers) -> np.ndarray:
    """Liquidation price for each total margin in ``margins`` (NaN where none exists)."""
    prices = []
    for margin in margins:
        try:
            price = liquidation_price(position, float(margin), tiers=tiers)
        except ValueError:  # beyond the largest bracket: nothing to draw
            price = None
        prices.append(math.nan if price is None else price)
    return np.array(prices)


def _broken_line(x, y, mask) -> dict:
    """Points of ``x, y`` where ``mask`` holds, with a gap (NaN) where the mask is interrupted,
    so refused removals and refused additions are drawn as two separate pieces."""
    index = np.flatnonzero(mask)
    breaks = np.flatnonzero(np.diff(index) > 1) + 1
    xs, ys = np.insert(x[index], breaks, np.nan), np.insert(y[index], breaks, np.nan)
    return {"x": xs, "y": ys}


def adjust_margin(entry_price: float = 60_000, quantity: float = 0.5, side: str = "long",
                  max_added: float = 6_000, max_removed: float = 3_000,
                  max_leverage: int = 125, free_balance: float = 5_000) -> Explorer:
    """Add or remove isolated margin and watch the liquidation price move.

    Parameters
    ----------
    entry_price : float
        BTC price at entry (USDT).
    quantity : float
        Position size (BTC); the position opens with margin ``notional / leverage``.
    side : {"long", "short"}
    max_added, max_removed : float
        Ends of the margin slider (USDT): from ``-max_removed`` to ``+max_added``.
    max_leverage : int
        Right end of the leverage slider (at most the bracket's maximum for this notional).
    free_balance : float
        USDT in the futures wallet outside this position: the most that can be added
        (``max_addable_margin``, no cross positions or open orders).

    Controls: ``leverage`` (x), ``margin_change`` (USDT; negative removes margin) and
    ``price`` (current mark price, USDT). The change is made at the current price with
    Binance's rules ("How to Adjust Margin Balance in Cross/Isolated Margin Mode"): a removal
    larger than ``max_removable_margin`` or an addition larger than ``max_addable_margin`` is
    refused, and the explorer shows the largest one allowed. Maintenance margin follows
    ``BINANCE_BTCUSDT``.
    """
    tiers = BINANCE_BTCUSDT
    position = Position(side, entry_price, quantity)
    notional = position.notional()
    max_leverage = int(min(max_leverage, tiers.tier_for(notional).max_leverage))
    long = position.sign > 0

    # Liquidation price depends only on the total margin: draw it once on a fine grid, then
    # each update shows the slice that the chosen leverage (initial margin) puts on screen.
    low = max(notional / max_leverage - max_removed, notional * 1e-4)
    margins = np.linspace(low, notional + max_added, 1_801)
    curve = _liquidation_curve(position, margins, tiers)

    y_max = entry_price * (1.3 if long else 2.1)
    x_range = [-max_removed, max_added]
    # No title: the legend needs two rows on top (the lesson's text names the position).
    fig = plots.figure(x_title="Margin added (+) or removed (−) (USDT)", y_title="Price (USDT)")
    fig.add_trace(plots.line("liquidation price", "liquidation", dash="solid", x=[], y=[],
                             hovertemplate="%{x:,.0f} USDT: %{y:,.2f}<extra></extra>"))
    fig.add_trace(plots.line("refused by the exchange", "neutral", dash="dot", x=[], y=[],
                             hoverinfo="skip"))
    fig.add_trace(plots.line("current price", "equity", dash="solid", width=2,
                             x=x_range, y=[entry_price] * 2, hoverinfo="skip"))
    fig.add_trace(plots.line("entry price", "entry", width=1.5, x=x_range,
                             y=[entry_price] * 2, hoverinfo="skip"))
    fig.add_trace(plots.marker("your margin", "isolated", x=[0], y=[None]))
    fig.add_trace(plots.marker("refused request", "neutral", symbol="circle-open", size=11,
                               x=[None], y=[None]))
    fig.add_trace(plots.marker("liquidated", "liquidation", symbol="x", size=18,
                               x=[None], y=[None], showlegend=False))
    fig.update_xaxes(range=x_range)
    fig.update_yaxes(range=[0, y_max])

    addable = max_addable_margin(free_balance)

    def compute(leverage, margin_change, price):
        if abs(margin_change) < 0.005:  # under half a cent is no change (browser float noise)
            margin_change = 0.0
        account = IsolatedPosition(position, leverage, tiers=tiers)
        initial = account.margin
        removable_before = account.max_removable_margin(price)
        refused_removal = margin_change < 0 and -margin_change > removable_before + 1e-9
        refused_addition = margin_change > addable + 1e-9
        refused = refused_removal or refused_addition
        applied = (-removable_before if refused_removal
                   else addable if refused_addition else margin_change)
        applied = 0.0 if applied == 0 else float(applied)  # no "-0.00" in the readout
        if applied > 0:
            account.add_margin(applied)
        elif applied < 0:
            account.remove_margin(-applied, price)
        liquidation = account.liquidation_price()
        liquidated = account.is_liquidated(price)
        # Positive in the adverse direction; "liquidated" once it has happened.
        distance = fall_to_liquidation(liquidation, price, liquidated, position.sign)

        shown = (margins >= initial - max_removed - 1e-9) & (margins <= initial + max_added + 1e-9)
        allowed = shown & (margins >= initial - removable_before - 1e-9) \
            & (margins <= initial + addable + 1e-9)
        barred = shown & ~allowed
        x = margins - initial
        lp = None if liquidation is None else liquidation
        requested_lp = None
        if refused and initial + margin_change > 0:
            requested_lp = _liquidation_curve(position, [initial + margin_change], tiers)[0]
            requested_lp = None if math.isnan(requested_lp) else requested_lp

        if liquidated:
            status = (f"LIQUIDATED: at {price:,.0f} USDT the margin left is at or below the "
                      "maintenance margin; the exchange closes the position and this isolated "
                      "margin is lost.")
            kind = "danger"
        elif refused_addition:
            status = (f"Addition refused: the wallet holds {addable:,.2f} USDT outside this "
                      "position, so that is the most you can add. Shown: the largest addition "
                      "allowed.")
            kind = "warning"
        elif refused:
            status = (f"Removal refused: at {price:,.0f} USDT you may remove at most "
                      f"{removable_before:,.2f} USDT. What stays, plus the unrealised PnL, must "
                      f"cover the initial margin at {leverage:g}x (notional at the current price "
                      f"/ {leverage:g}), and what stays must cover the maintenance margin. "
                      "Shown: the largest removal allowed.")
            if removable_before == 0:
                status += (" On a position just opened that is nothing: a profit, or margin you "
                           "added, makes room.")
            kind = "warning"
        elif liquidation is None:
            status = "With this margin no positive price liquidates the position."
            kind = "ok"
        else:
            way = "fall" if long else "rise"
            status = (f"Liquidation at {liquidation:,.2f} USDT: a {distance:.2f} % {way} "
                      "from the current price.")
            kind = "ok" if distance >= 10 else "warning"
        return Frame(
            traces={
                0: {"x": x[allowed], "y": curve[allowed]},
                1: _broken_line(x, curve, barred),
                2: {"y": [price, price],
                    "line": {"color": plots.COLORS["liquidation" if liquidated else "equity"]}},
                4: {"x": [applied], "y": [lp]},
                5: {"x": [margin_change if refused else None], "y": [requested_lp]},
                6: {"x": [applied if liquidated else None], "y": [price if liquidated else None]},
            },
            readings=[
                Reading("margin", "Isolated margin (USDT)",
                        None if liquidated else account.margin, word="lost"),
                Reading("at_stake", "Margin this trade can lose (USDT; plus any open profit)",
                        account.margin),
                Reading("margin_change", "Margin change applied (USDT)", applied),
                Reading("liquidation_price", "Liquidation price (USDT)", liquidation),
                _distance_reading("distance_percent", f"Price {'fall' if long else 'rise'} "
                                  "to liquidation (%)", distance),
                Reading("max_removable", "Most you could remove now (USDT)",
                        account.max_removable_margin(price)),
                Reading("effective_leverage", "Effective leverage (notional at entry / margin, x)",
                        account.effective_leverage()),
            ],
            status=status, status_kind=kind,
        )

    step = 10 ** max(int(math.log10(max(max_added, max_removed))) - 2, 0)
    controls = {
        "leverage": slider("Leverage (x)", min(10, max_leverage), 1, max_leverage, 1,
                           integer=True),
        "margin_change": slider("Margin added (+) / removed (−) (USDT)", 0, -max_removed,
                                max_added, step),
        "price": slider("Current price (USDT)", entry_price,
                        round(entry_price * (0.5 if long else 0.8), -2),
                        round(entry_price * (1.2 if long else 1.5), -2), 100),
    }
    return Explorer(controls, fig, compute)


LADDER_SIZES = (20_000, 300_000, 50_000_000)  # USDT, marked on the ladder (not the exercises)


def tier_ladder(tiers: MarginTiers = BINANCE_BTCUSDT, sizes=LADDER_SIZES):
    """Position size against the maintenance margin rate: a static figure (no widget).

    Parameters
    ----------
    tiers : MarginTiers
        The exchange table (default ``BINANCE_BTCUSDT``).
    sizes : sequence of float
        Notionals (USDT) marked on the ladder, each labelled with its bracket and maximum
        leverage; every size must lie within the table.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces: 0 the bracket's rate (a staircase, one step per bracket), 1 the effective rate
        ``maintenance margin / notional`` that the maintenance amount keeps continuous, 2 the
        marked sizes at their effective rate. Shown as a cell's last expression it is stored
        as a static plot (one FigureWidget per lesson is enough: plotly.js ships with each).
    """
    top = tiers.max_notional
    sizes = np.asarray(sizes, dtype=float)
    if sizes.size and (np.any(sizes <= 0) or np.any(sizes >= top)):
        raise ValueError(f"sizes must be in (0, {top:,.0f}) USDT, got {sizes.tolist()}")
    floors = np.array([max(tier.floor, 1_000.0) for tier in tiers] + [top])
    stair = 100 * np.array([tier.mmr for tier in tiers] + [tiers[-1].mmr])
    # Four significant figures: geomspace's last bit depends on the CPU's vector unit, and this
    # static figure's data is stored in the lesson, where nbval compares it exactly.
    grid = np.array([float(f"{size:.4g}") for size in np.geomspace(1_000, top * 0.999, 160)])
    rates, amounts = tiers.rates(grid)
    effective = 100 * (grid * rates - amounts) / grid
    marked = [tiers.tier_for(size) for size in sizes]
    marked_rates = [100 * (size * t.mmr - t.maintenance_amount) / size
                    for size, t in zip(sizes, marked, strict=True)]
    labels = [f"bracket {tiers.tiers.index(t) + 1}, up to {t.max_leverage:g}x" for t in marked]

    fig = plots.figure(x_title="Position size, notional (USDT, log scale)",
                       y_title="Maintenance margin rate (%, log scale)",
                       title=f"{tiers.name}: bigger positions, higher rates", widget=False)
    fig.add_trace(plots.line("bracket rate (MMR)", "neutral", dash="solid", width=2,
                             x=floors, y=stair, line_shape="hv",
                             hovertemplate="from %{x:,.0f} USDT: %{y:.2f} %<extra></extra>"))
    fig.add_trace(plots.line("effective rate (MM / notional)", "maintenance", dash="solid",
                             x=grid, y=effective,
                             hovertemplate="%{x:,.0f} USDT: %{y:.3f} %<extra></extra>"))
    sized = plots.marker("example sizes", "isolated", x=sizes, y=marked_rates,
                         text=labels, textposition="top left",
                         hovertemplate="%{x:,.0f} USDT: %{y:.3f} %<extra></extra>")
    sized.mode = "markers+text"
    fig.add_trace(sized)
    fig.update_xaxes(type="log", range=[3, math.log10(top)])
    fig.update_yaxes(type="log", range=[math.log10(100 * tiers[0].mmr * 0.7),
                                        math.log10(100 * tiers[-1].mmr * 1.3)])
    return fig


def entry_bracket_shortcut(position: Position, margin: float, tiers: MarginTiers = BINANCE_BTCUSDT):
    """Isolated liquidation price with the entry bracket's rate, and with the right bracket.

    Parameters
    ----------
    position : Position
        A linear position; its bracket at entry is the one holding its notional at entry.
    margin : float
        Isolated margin (quote currency), > 0.
    tiers : MarginTiers
        The exchange table (default ``BINANCE_BTCUSDT``).

    Returns
    -------
    tuple of float or None
        ``(shortcut, right)``: the price from Binance's formula ("How to Calculate Liquidation
        Price of USDⓈ-M Contracts") with the entry bracket's MMR and maintenance amount, and
        ``liquidation_price(position, margin, tiers=tiers)``, which uses the bracket that holds
        the notional at the liquidation price (Binance's rule). Equal when the notional stays in
        its bracket; otherwise the shortcut always promises more room (see lesson A3).
    """
    entry = tiers.tier_for(position.notional())
    shortcut = liquidation_price(position, margin, mmr=entry.mmr,
                                 maintenance_amount=entry.maintenance_amount)
    return shortcut, liquidation_price(position, margin, tiers=tiers)


def _overstated_room(side, entry_price, notional, leverage, tiers) -> float:
    """Price (quote currency) by which the entry bracket overstates the room to liquidation;
    NaN when the bracket does not allow ``leverage`` for this size."""
    position = Position(side, entry_price, notional / entry_price)
    if leverage > tiers.tier_for(notional).max_leverage:
        return math.nan
    shortcut, right = entry_bracket_shortcut(position, initial_margin(position, leverage), tiers)
    if shortcut is None or right is None:
        return math.nan
    return position.sign * (right - shortcut) + 0.0  # + 0.0: no -0.0 for a short


def _size_slider(value: float, low: float, high: float):
    """A logarithmic size slider (million USDT): each step multiplies the size by the same
    factor, so 0.01 million and 1,000 million are both a short drag away."""
    return widgets.FloatLogSlider(value=value, base=10, min=math.log10(low),
                                  max=math.log10(high), step=0.01, readout_format=".3g",
                                  description="Position size at entry (million USDT, log scale)",
                                  continuous_update=True, style=STYLE,
                                  layout=widgets.Layout(width="420px"))


def _three_figures(size: float) -> float:
    """``size`` to the three significant figures the size slider shows (so that the readout's
    notional is the one on the slider, not 10**x with a long tail)."""
    return float(f"{size:.3g}")


def bracket_at_liquidation(entry_price: float = 60_000, max_size: float = 1_000,
                           min_leverage: int = 2, max_leverage: int = 20,
                           min_size: float = 0.01) -> Explorer:
    """Position size against the bracket at the liquidation price (BINANCE_BTCUSDT, isolated).

    Parameters
    ----------
    entry_price : float
        BTC price at entry (USDT).
    max_size : float
        Right end of the size slider (million USDT of notional at entry), below the table's top.
    min_size : float
        Left end of the size slider (million USDT), > 0 and below ``max_size``. The slider is
        logarithmic (``ipywidgets.FloatLogSlider``), so small and very large positions are
        both reachable; sizes are read to three significant figures, as the slider shows them.
    min_leverage, max_leverage : int
        Ends of the leverage slider. At ``min_leverage`` a short of ``max_size`` must still
        liquidate inside the table (2x and 1,000 million USDT do).

    Controls: ``side``, ``size`` (notional at entry, million USDT) and ``leverage`` (x); the
    margin is the initial margin, ``notional / leverage``. Top panel: the bracket rates (the
    tier ladder's staircase) with the notional at entry and at the liquidation price. Bottom
    panel: for every size at this side and leverage, the price by which the entry bracket's
    formula overstates the room to liquidation (``entry_bracket_shortcut``), zero where the
    notional stays in its bracket. A leverage above the bracket's maximum is refused, as the
    exchange refuses it.
    """
    tiers = BINANCE_BTCUSDT
    if not 0 < max_size * 1e6 < tiers.max_notional:
        raise ValueError(f"max_size must be in (0, {tiers.max_notional / 1e6:,.0f}) million "
                         f"USDT, got {max_size!r}")
    if not 0 < min_size < max_size:
        raise ValueError(f"min_size must be in (0, max_size = {max_size!r}) million USDT, got "
                         f"{min_size!r}")
    if not 1 <= min_leverage < max_leverage:
        raise ValueError(f"min_leverage and max_leverage must satisfy 1 <= min < max, got "
                         f"{min_leverage!r} and {max_leverage!r}")
    low = min_size * 1e6
    grid = np.geomspace(low, max_size * 1e6, 700)
    floors = np.array([max(tier.floor, low / 2) for tier in tiers] + [tiers.max_notional])
    stair = 100 * np.array([tier.mmr for tier in tiers] + [tiers[-1].mmr])
    curves: dict[tuple, np.ndarray] = {}

    fig = plots.figure(x_title="Notional (USDT, log scale)",
                       y_title="Bracket rate (%, log scale)", rows=2, cols=1,
                       shared_xaxes=True, row_heights=[0.5, 0.5], vertical_spacing=0.08,
                       height=560)
    fig.add_trace(plots.line("bracket rate (MMR)", "neutral", dash="solid", width=2,
                             x=floors, y=stair, line_shape="hv",
                             hovertemplate="from %{x:,.0f} USDT: %{y:.2f} %<extra></extra>"),
                  row=1, col=1)
    fig.add_trace(plots.marker("notional at entry", "isolated", x=[None], y=[None],
                               hovertemplate="entry: %{x:,.0f} USDT<extra></extra>"),
                  row=1, col=1)
    fig.add_trace(plots.marker("notional at the liquidation price", "liquidation", symbol="x",
                               size=14, x=[None], y=[None],
                               hovertemplate="at liquidation: %{x:,.0f} USDT<extra></extra>"),
                  row=1, col=1)
    fig.add_trace(plots.line("room overstated (USDT of price)", "maintenance", dash="solid",
                             x=grid, y=[None] * len(grid), showlegend=False,
                             hovertemplate="%{x:,.0f} USDT: %{y:,.2f}<extra></extra>"),
                  row=2, col=1)
    fig.add_trace(plots.marker("your position", "isolated", x=[None], y=[None],
                               showlegend=False), row=2, col=1)
    top = math.log10(tiers.max_notional)
    fig.update_xaxes(type="log", range=[math.log10(low / 2), top], dtick=1)
    ticks = [0.5, 1, 2, 5, 10, 20, 50]
    fig.update_yaxes(type="log", range=[math.log10(100 * tiers[0].mmr * 0.7),
                                        math.log10(100 * tiers[-1].mmr * 1.3)],
                     tickvals=ticks, ticktext=[f"{t:g}" for t in ticks], row=1, col=1)
    fig.update_yaxes(title_text="Room overstated (USDT)", row=2, col=1)
    fig.update_layout(hovermode="closest")

    def curve(side, leverage):
        key = (side, leverage)
        if key not in curves:
            curves[key] = np.array([_overstated_room(side, entry_price, n, leverage, tiers)
                                    for n in grid])
        return curves[key]

    def compute(side, size, leverage):
        notional = _three_figures(size) * 1e6
        position = Position(side, entry_price, notional / entry_price)
        entry = tiers.tier_for(notional)
        number = tiers.tiers.index(entry) + 1
        gaps = curve(side, leverage)
        y_top = 1.15 * max(float(np.nanmax(gaps, initial=0.0)), 10.0)
        common = [
            Reading("notional", "Notional at entry (USDT)", notional, fmt="{:,.0f}"),
            Reading("entry_bracket", "Bracket at entry", number, fmt="{:d}"),
            Reading("max_leverage", "Its maximum leverage (x)", entry.max_leverage,
                    fmt="{:g}"),
        ]
        if leverage > entry.max_leverage:
            refused = [Reading(key, label, None, word="refused") for key, label in (
                ("shortcut_price", "Liquidation, entry bracket (USDT)"),
                ("liquidation_price", "Liquidation, right bracket (USDT)"),
                ("liquidation_bracket", "Bracket at the liquidation price"),
                ("overstated", "Room overstated (USDT of price)"),
                ("losses_sooner", "Liquidated sooner by (USDT of losses)"))]
            return Frame(
                traces={1: {"x": [notional], "y": [100 * entry.mmr]},
                        2: {"x": [None], "y": [None]},
                        3: {"y": gaps}, 4: {"x": [None], "y": [None]}},
                readings=common + refused,
                status=(f"Refused: Binance allows at most {entry.max_leverage:g}x for "
                        f"{notional:,.0f} USDT (bracket {number}). Lower the leverage or the "
                        "size."),
                status_kind="warning", layout={"yaxis2.range": [0, y_top]})
        shortcut, right = entry_bracket_shortcut(position, initial_margin(position, leverage),
                                                 tiers)
        at_liquidation = position.notional(right)
        landing = tiers.tier_for(at_liquidation)
        landing_number = tiers.tiers.index(landing) + 1
        overstated = position.sign * (right - shortcut) + 0.0  # no "-0.00" for a short
        losses = position.quantity * overstated
        way = "rise" if position.sign < 0 else "fall"
        if landing is entry:
            status = (f"A {way} to {right:,.2f} USDT liquidates it; the notional there, "
                      f"{at_liquidation:,.0f} USDT, is still in bracket {number}: the entry "
                      "bracket gives the right price.")
            kind = "ok"
        else:
            status = (f"At the liquidation price the notional is {at_liquidation:,.0f} USDT, in "
                      f"bracket {landing_number} ({100 * landing.mmr:g} %), not {number} "
                      f"({100 * entry.mmr:g} %): the entry bracket promises {overstated:,.2f} "
                      f"USDT of price more room than there is ({losses:,.2f} USDT of losses).")
            kind = "warning"
        return Frame(
            traces={1: {"x": [notional], "y": [100 * entry.mmr]},
                    2: {"x": [at_liquidation], "y": [100 * landing.mmr]},
                    3: {"y": gaps}, 4: {"x": [notional], "y": [overstated]}},
            readings=[
                *common,
                Reading("shortcut_price", "Liquidation, entry bracket (USDT)", shortcut),
                Reading("liquidation_price", "Liquidation, right bracket (USDT)", right),
                Reading("liquidation_bracket", "Bracket at the liquidation price",
                        landing_number, fmt="{:d}"),
                Reading("overstated", "Room overstated (USDT of price)", overstated),
                Reading("losses_sooner", "Liquidated sooner by (USDT of losses)", losses),
            ],
            status=status, status_kind=kind, layout={"yaxis2.range": [0, y_top]})

    controls = {
        "side": toggle("Side", ["short", "long"]),
        "size": _size_slider(10.8, min_size, max_size),
        "leverage": slider("Leverage (x)", 5, min_leverage, max_leverage, 1, integer=True),
    }
    return Explorer(controls, fig, compute)
