"""Lesson 08: a leveraged BTC long replayed through four real crashes, hour by hour."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go

from .. import plots
from .._backtest import (
    CRASH_MARGIN,
    CRASH_TOP_UP,
    CRASH_WALLET,
    crash_from,
    replay_crash,
    replay_outcome,
)
from .._contracts import Position
from .._margin import liquidation_price, maintenance_margin
from .._paths import CRASH_LABELS, CRASH_WINDOWS, load_btc_crash
from .._tiers import BINANCE_BTCUSDT
from ._base import STYLE, Explorer, Frame, Reading, slider, toggle

MARGIN = CRASH_MARGIN   # USDT: the isolated margin; with the leverage it sets the position size
WALLET = CRASH_WALLET   # USDT: all the trader's funds (the cross wallet; isolated keeps the rest)
TOP_UP = CRASH_TOP_UP   # USDT moved into the isolated margin per top-up
MAX_LEVERAGE = 25
LAST_ENTRY = 228   # hours after the window opens: leave at least 12 hours to replay
TOP_UP_CHOICES = (("off", 0), ("at 30 %", 30), ("at 50 %", 50), ("at 80 %", 80))
when = plots.format_time
iso = plots.iso_times   # the figure gets times as ISO strings (see plots.iso_times)


def time_in_candle(candles, index: int, price: float, after: float = 0.0) -> tuple:
    """When, inside candle ``index``, the replay's price path first reaches ``price``.

    The backtest walks each candle in straight lines open -> nearer extreme -> farther extreme
    -> close (see ``isomargin_lib._backtest``); this places an event at the same fraction of
    the hour as the fraction of that path travelled when the price is reached, an assumption
    for drawing only (a candle does not tell when inside the hour a price traded).

    Parameters
    ----------
    candles : Candles
        The replayed candles.
    index : int
        The candle in which the event happened.
    price : float
        The event's price (on the candle's path), quote currency per base asset.
    after : float
        Path length already travelled by an earlier event in the same candle (events fire in
        order along the path), quote currency per base asset.

    Returns
    -------
    (numpy.datetime64, float)
        The event's time, and the path length travelled to it (pass it as ``after`` for the
        next event in the same candle).
    """
    open_, high, low = (float(candles.open[index]), float(candles.high[index]),
                        float(candles.low[index]))
    close = float(candles.close[index])
    nodes = [open_, high, low, close] if high - open_ < open_ - low else \
        [open_, low, high, close]
    total = sum(abs(b - a) for a, b in zip(nodes, nodes[1:]))
    travelled, found = 0.0, after
    for a, b in zip(nodes, nodes[1:]):
        position = travelled + abs(price - a)
        if min(a, b) - 1e-6 <= price <= max(a, b) + 1e-6 and position >= after - 1e-6:
            found = max(after, position)
            break
        travelled += abs(b - a)
    seconds = candles.interval.astype("timedelta64[s]").astype(np.int64)
    fraction = found / total if total > 0 else 0.0
    offset = np.timedelta64(round(fraction * seconds), "s")
    return candles.time[index].astype("datetime64[s]") + offset, found


def _lines(candles, record, position, backing, first_lp, threshold):
    """The liquidation-price line (step shape) and the margin-ratio line of one replay.

    Points: the entry (the first open), each top-up and the liquidation, placed inside their
    hour by ``time_in_candle``, and every hourly close at the candle's close time (open time +
    interval). Between points the liquidation price is constant (it moves only when margin is
    added); the margin ratio is joined by straight lines (the path between is not drawn).
    Returns the two trace dicts and the top-ups' times.
    """
    tiers = BINANCE_BTCUSDT
    closes = record.time + candles.interval
    lp_x, lp_y = [record.time[0]], [np.nan if first_lp is None else first_lp]
    ratio_x = [record.time[0]]
    ratio_y = [100 * float(maintenance_margin(position, position.entry_price, tiers=tiers))
               / backing]
    events = []  # (time, liquidation price after, ratio before, ratio after)
    added_at, base, previous = [], backing, (None, 0.0)
    for event in record.events:
        if event.kind not in ("margin_added", "liquidated"):
            continue
        after = previous[1] if previous[0] == event.index else 0.0
        moment, travelled = time_in_candle(candles, event.index, event.price, after)
        previous = (event.index, travelled)
        if event.kind == "margin_added":
            base += event.amount
            equity = base + float(position.pnl(event.price))
            mm = float(maintenance_margin(position, event.price, tiers=tiers))
            lp = liquidation_price(position, base, tiers=tiers)
            events.append((moment, lp, 100 * threshold, 100 * mm / equity))
            added_at.append(moment)
        else:
            events.append((moment, event.price, 100.0, None))
    for moment, lp, before, after in events:
        lp_x.append(moment)
        lp_y.append(np.nan if lp is None else lp)
        ratio_x += [moment] if after is None else [moment, moment]
        ratio_y += [before] if after is None else [before, after]
    keep = np.isfinite(record.margin_ratio)
    order = np.argsort(np.concatenate([np.asarray(lp_x, dtype="datetime64[s]"),
                                       closes[keep].astype("datetime64[s]")]), kind="stable")
    line_x = np.concatenate([np.asarray(lp_x, dtype="datetime64[s]"),
                             closes[keep].astype("datetime64[s]")])[order]
    line_y = np.concatenate([lp_y, record.liquidation_price[keep]])[order]
    r_x = np.concatenate([np.asarray(ratio_x, dtype="datetime64[s]"),
                          closes[keep].astype("datetime64[s]")])
    r_y = np.concatenate([ratio_y, 100 * record.margin_ratio[keep]])
    r_order = np.argsort(r_x, kind="stable")
    return ({"x": iso(line_x), "y": line_y}, {"x": iso(r_x[r_order]), "y": r_y[r_order]},
            iso(added_at))


def crash_replay(margin: float = MARGIN, wallet: float = WALLET,
                 top_up_amount: float = TOP_UP) -> Explorer:
    """A BTC long replayed hour by hour through one of four real crashes.

    Parameters
    ----------
    margin : float
        Isolated margin, USDT (> 0); with the leverage it sets the size: notional =
        ``margin * leverage``.
    wallet : float
        All the trader's funds, USDT (> ``margin``): the cross wallet; in isolated mode the
        part above ``margin`` is kept apart (and is the budget of the top-ups).
    top_up_amount : float
        USDT added per top-up, > 0.

    Returns
    -------
    Explorer
        Controls ``crash`` (one of ``CRASH_WINDOWS``), ``leverage`` (x), ``entry_hour`` (hours
        after the window opens), ``mode`` ("isolated" or "cross") and ``top_up`` (margin ratio
        in % at which ``top_up_amount`` is added; 0 = off; isolated mode only). Traces, top
        panel (price): 0 hourly candles, 1 entry, 2 liquidation price over time (a step line:
        at entry, after each top-up, at each hourly close), 3 margin added, 4 liquidated;
        bottom panel (margin ratio, %): 5 margin ratio at entry, just before and after each
        top-up, at the liquidation (100 %) and at each hourly close, 6 the 100 % line, 7 the
        top-up threshold. Hourly-close values are drawn at the candle's close time; top-ups
        and the liquidation inside their hour, where the backtest's straight-line path
        reaches their price (``time_in_candle``). Readout keys: ``entry_time``,
        ``entry_price``, ``liquidation_price_at_entry``, ``outcome``, ``liquidated_time``,
        ``liquidated_price``, ``hours_to_liquidation``, ``worst_margin_ratio_percent``,
        ``margin_added``, ``final_equity``, ``change``.

    Notes
    -----
    Each move runs ``backtest`` (cached per setting) through ``replay_crash``; a liquidation
    forfeits all the margin behind the position (the whole wallet in cross mode). Data: Bitcoin
    Historical Datasets 2018-2024 by novandraanugrah (Kaggle), data from the Binance API,
    CC BY 4.0.
    """
    margin, wallet = float(margin), float(wallet)
    if not 0 < margin < wallet:
        raise ValueError(f"margin must be > 0 and < wallet ({wallet:g}) USDT, got {margin:g}")
    if not top_up_amount > 0:
        raise ValueError(f"top_up_amount must be > 0 (USDT), got {top_up_amount!r}")
    windows = {name: load_btc_crash(name) for name in CRASH_WINDOWS}

    fig = plots.figure(x_title="Time (UTC)", y_title="BTC price (USDT)", rows=2, cols=1,
                       shared_xaxes=True, row_heights=[0.62, 0.38], vertical_spacing=0.06,
                       height=560)
    fig.add_trace(go.Candlestick(name="BTC/USDT, hourly", x=[], open=[], high=[], low=[],
                                 close=[], increasing_line_color=plots.COLORS["long"],
                                 decreasing_line_color=plots.COLORS["short"], line_width=1,
                                 showlegend=False), row=1, col=1)
    fig.add_trace(plots.marker("entry", "entry", size=11, symbol="triangle-up"), row=1, col=1)
    fig.add_trace(plots.line("liquidation price", "liquidation", width=2), row=1, col=1)
    fig.data[-1].line.shape = "hv"  # it changes only when margin is added
    fig.add_trace(plots.marker("margin added", "isolated", size=10, symbol="diamond"),
                  row=1, col=1)
    fig.add_trace(plots.marker("liquidated", "liquidation", size=16, symbol="x"), row=1, col=1)
    fig.add_trace(plots.line("margin ratio", "maintenance", dash="solid", width=2,
                             showlegend=False,
                             hovertemplate="%{x}: margin ratio %{y:.1f} %<extra></extra>"),
                  row=2, col=1)
    fig.add_trace(plots.line("liquidation at 100 %", "liquidation", width=1.5, showlegend=False,
                             hoverinfo="skip"), row=2, col=1)
    fig.add_trace(plots.line("top-up threshold", "isolated", dash="dot", width=1.5,
                             showlegend=False, hoverinfo="skip"), row=2, col=1)
    fig.update_xaxes(rangeslider_visible=False)
    fig.update_yaxes(title_text="Margin ratio (%)", range=[0, 110], row=2, col=1)
    fig.update_layout(hovermode="closest", margin={"t": 50})
    last_drawn = {"crash": None}
    bottom = {name: 0.75 * float(c.low.min()) for name, c in windows.items()}

    def compute(crash, leverage, entry_hour, mode, top_up):
        candles = windows[crash]
        use_top_up = bool(top_up) and mode == "isolated"
        record = replay_crash(crash, float(leverage), entry_hour=int(entry_hour), mode=mode,
                              margin=margin, wallet=wallet,
                              top_up_at=top_up / 100 if use_top_up else None,
                              top_up_amount=top_up_amount)
        result = replay_outcome(record)
        times = record.time
        span = [times[0], times[-1] + candles.interval]
        entry_price = float(candles.open[entry_hour])
        position = Position("long", entry_price, margin * leverage / entry_price)
        backing = margin if mode == "isolated" else wallet
        first_lp = liquidation_price(position, backing, tiers=BINANCE_BTCUSDT)
        window = [candles.time[0], candles.time[-1] + candles.interval]
        line, ratio, added_at = _lines(crash_from(crash, int(entry_hour)), record, position,
                                       backing, first_lp, top_up / 100)
        added = record.events_of("margin_added")
        traces = {
            1: {"x": iso(times[:1]), "y": [entry_price]},
            2: line,
            3: {"x": added_at, "y": [e.price for e in added]},
            4: {"x": line["x"][-1:] if result.liquidated else [],
                "y": [result.price] if result.liquidated else []},
            5: ratio,
            6: {"x": iso(window), "y": [100, 100]},
            7: {"x": iso(span) if use_top_up else [],
                "y": [top_up, top_up] if use_top_up else []},
        }
        layout = {}
        if last_drawn["crash"] != crash:  # the candles change only with the crash
            traces[0] = {"x": iso(candles.time), "open": candles.open, "high": candles.high,
                         "low": candles.low, "close": candles.close}
            layout = {"xaxis": {"range": iso(window)},
                      "yaxis": {"range": [bottom[crash], 1.03 * float(candles.high.max())]}}
            last_drawn["crash"] = crash

        note = ""
        if top_up and mode == "cross":
            note = " (Top-ups apply to isolated mode only: in cross mode the whole wallet " \
                   "already backs the position.)"
        if result.liquidated:
            if mode == "isolated":
                lost = (f"the margin and {result.margin_added:,.0f} USDT of top-ups are lost "
                        f"({wallet - result.final_equity:,.2f} USDT)"
                        if result.margin_added else "the whole isolated margin is lost; the "
                        "rest of the wallet is untouched")
            else:
                lost = (f"the whole wallet backed it, and the whole wallet is lost "
                        f"({result.final_equity:,.2f} USDT left of {wallet:,.0f})")
            after = f"{result.hours} h after entry" if result.hours else "the entry hour"
            status = (f"LIQUIDATED in the hour from {when(result.time)} UTC ({after}), at "
                      f"{result.price:,.2f} USDT: {lost}.{note}")
            kind = "danger"
        else:
            lowest = np.nanmin(np.append(record.liquidation_price, first_lp or np.nan))
            off = (f" The liquidation price ({lowest:,.2f} USDT) lies below the chart."
                   if np.isfinite(lowest) and lowest < bottom[crash] else "")
            status = (f"Survived the window: worst margin ratio at an hourly close "
                      f"{100 * result.worst_ratio:,.1f} %, account {result.final_equity:,.2f} "
                      f"USDT at the end.{off}{note}")
            kind = "warning" if result.worst_ratio > 0.5 or result.margin_added else "ok"
        return Frame(
            traces=traces,
            readings=[
                Reading("entry_time", "Entry (UTC)", when(times[0]), "{}"),
                Reading("entry_price", "Entry price (USDT)", entry_price),
                Reading("liquidation_price_at_entry", "Liquidation price at entry (USDT)",
                        first_lp),
                Reading("outcome", "Outcome", "liquidated" if result.liquidated else "survived",
                        "{}"),
                Reading("liquidated_time", "Liquidated on (UTC)",
                        when(result.time) if result.liquidated else None, "{}"),
                Reading("liquidated_price", "Liquidated at (USDT)", result.price),
                Reading("hours_to_liquidation", "Hours from entry to the liquidating candle",
                        result.hours, "{:d}"),
                Reading("worst_margin_ratio_percent", "Worst margin ratio at a close (%)",
                        100 * result.worst_ratio, "{:,.1f}"),
                Reading("margin_added", "Margin added by top-ups (USDT)", result.margin_added),
                Reading("final_equity", "Account equity at the end (USDT)",
                        result.final_equity),
                Reading("change", "Gain (+) or loss (−) (USDT)", result.change),
            ],
            status=status, status_kind=kind, layout=layout,
        )

    controls = {
        "crash": widgets.Dropdown(options=[(CRASH_LABELS[n], n) for n in CRASH_WINDOWS],
                                  value=CRASH_WINDOWS[0], description="Crash", style=STYLE,
                                  layout=widgets.Layout(width="420px")),
        "leverage": slider("Leverage (x)", 10, 1, MAX_LEVERAGE, 1, integer=True),
        "entry_hour": slider("Entry (hours after the window opens)", 0, 0, LAST_ENTRY, 1,
                             integer=True),
        "mode": toggle("Margin mode", ["isolated", "cross"]),
        "top_up": widgets.ToggleButtons(
            options=TOP_UP_CHOICES, value=0, style=STYLE,
            description=f"Add {top_up_amount:,.0f} USDT when the margin ratio reaches"),
    }
    return Explorer(controls, fig, compute)
