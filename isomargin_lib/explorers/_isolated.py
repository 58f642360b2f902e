"""Lesson 02: an isolated position's equity against the price, its maintenance margin, and where
it is liquidated."""

from __future__ import annotations

import numpy as np

from .. import _checks, plots
from .._accounts import IsolatedPosition
from .._contracts import SIDES, Position
from .._tiers import BINANCE_BTCUSDT, MarginTiers
from ._base import Explorer, Frame, Reading, slider, toggle

MAX_MOVE = 30.0  # percent: the price-move slider and the x axis span entry * (1 +- 30 %)
MOVE_STEP = 0.1  # percent: fine enough to stop between the liquidation and bankruptcy prices


def isolated_liquidation(entry_price: float = 60_000, margin: float = 1_000,
                         max_leverage: int = 100,
                         tiers: MarginTiers = BINANCE_BTCUSDT) -> Explorer:
    """Equity of an isolated position against the price, with its liquidation and bankruptcy.

    Parameters
    ----------
    entry_price : float
        BTC price at entry (USDT), > 0.
    margin : float
        Isolated margin (USDT), > 0: the initial margin at the chosen leverage, so the
        position's notional is ``margin * leverage``.
    max_leverage : int
        Right end of the leverage slider, >= 2; the bracket of ``margin * max_leverage`` in
        ``tiers`` must allow it.
    tiers : MarginTiers
        Maintenance margin brackets (default: Binance BTCUSDT).

    Returns
    -------
    Explorer
        Controls ``leverage`` (x), ``price_move`` (% from entry) and ``side``. Traces: 0 the
        liquidated zone, 1 maintenance margin, 2 equity (margin + PnL), 3 entry, 4 liquidation
        price, 5 bankruptcy price, 6 the current price on the equity line (red cross when
        liquidated). Readout keys: ``liquidation_price``, ``bankruptcy_price``,
        ``distance_percent``, ``equity``, ``maintenance_margin``, ``margin_ratio_percent``.
        Once the position is liquidated, ``equity`` is 0 (the whole margin is lost) and
        ``margin_ratio_percent`` is None, shown as "liquidated"; trace 6 sits at equity 0.
        ``distance_percent`` is the price move still needed to liquidate, from the current
        price, as a positive percentage in the adverse direction (a fall for a long, a rise for
        a short); it is None, shown as "liquidated", once the position is liquidated, and None
        ("none") when no positive price liquidates it.

    Notes
    -----
    Liquidation when equity equals maintenance margin; Binance, "How to Calculate Liquidation
    Price of USDⓈ-M Contracts" (isolated, one-way): ``LP = (WB + cum - s*Q*EP) / (Q*MMR - s*Q)``.
    All numbers come from ``IsolatedPosition``.
    """
    probe = Position("long", entry_price, 1.0)  # validates entry_price
    margin = _checks.positive("margin", margin)
    max_leverage = _checks.whole_number("max_leverage", max_leverage, 2)
    allowed = tiers.tier_for(margin * max_leverage).max_leverage
    if max_leverage > allowed:
        raise ValueError(f"max_leverage must be <= {allowed:g} for a notional of "
                         f"{margin * max_leverage:,.0f} USDT in {tiers.name}, got {max_leverage}")

    x_range = (probe.entry_price * (1 - MAX_MOVE / 100), probe.entry_price * (1 + MAX_MOVE / 100))
    y_range = (-0.5 * margin, 2.5 * margin)
    prices = np.linspace(*x_range, 241)

    def isolated(leverage, side):
        position = Position(side, entry_price, margin * leverage / entry_price)
        return IsolatedPosition(position, leverage, tiers=tiers)

    fig = plots.figure(x_title="BTC price (USDT)", y_title="USDT", height=plots.HEIGHT + 40,
                       title=f"Isolated margin {margin:,.0f} USDT, opened at "
                             f"{entry_price:,.0f} USDT")
    fig.add_trace(plots.line("liquidated", "liquidation", dash="solid", width=0, x=[], y=[],
                             fill="toself", fillcolor=plots.COLORS["danger_zone"],
                             hoverinfo="skip"))
    fig.add_trace(plots.line("maintenance margin", "maintenance", x=prices, y=prices * 0,
                             hovertemplate="price %{x:,.0f}: maintenance %{y:,.2f} USDT"
                                           "<extra></extra>"))
    fig.add_trace(plots.line("equity = margin + PnL", "equity", x=prices, y=prices * 0,
                             hovertemplate="price %{x:,.0f}: equity %{y:,.2f} USDT"
                                           "<extra></extra>"))
    entry_x, entry_y = plots.vertical(entry_price, y_range)
    fig.add_trace(plots.line("entry", "entry", width=1.5, x=entry_x, y=entry_y, hoverinfo="skip"))
    fig.add_trace(plots.line("liquidation price", "liquidation", width=2, x=[None, None],
                             y=[None, None], hoverinfo="skip"))
    fig.add_trace(plots.line("bankruptcy price", "bankruptcy", width=2, x=[None, None],
                             y=[None, None], hoverinfo="skip"))
    fig.add_trace(plots.marker("current price", "equity", size=13, x=[entry_price], y=[margin]))
    fig.update_xaxes(range=list(x_range))
    fig.update_yaxes(range=list(y_range))
    fig.update_layout(margin={"t": 95}, title={"y": 0.97})  # room for a two-row legend

    def compute(leverage, price_move, side):
        iso = isolated(leverage, side)
        price = entry_price * (1 + price_move / 100)
        liquidation = iso.liquidation_price()
        bankruptcy = iso.bankruptcy_price()
        equity = float(iso.equity(price))
        maintenance = float(iso.maintenance_margin(price))
        liquidated = iso.is_liquidated(price)
        if liquidation is None or liquidated:
            distance = None
        else:  # positive: the move against the position that is still needed
            distance = 100 * iso.position.sign * (price - liquidation) / price
        # After a liquidation the course's one convention (lessons 02, 03, 04, 08): the
        # position is closed and its whole margin lost, so equity reads 0 and the margin ratio
        # "liquidated" (the equity line still shows margin + PnL had nobody closed it).
        ratio = None if liquidated else 100 * iso.margin_ratio(price)
        if liquidated:
            equity = 0.0

        if liquidated:
            left = float(iso.maintenance_margin(liquidation))
            status = (f"LIQUIDATED: the price passed the liquidation price "
                      f"{liquidation:,.2f}, where equity had fallen to the maintenance margin "
                      f"({left:,.2f} USDT left, not zero). The exchange closed the position "
                      f"there and the isolated margin of {iso.margin:,.0f} USDT is lost (what "
                      f"was left goes to the liquidation fee and the insurance fund). The rest "
                      f"of the account is untouched. Equity now: 0.")
            kind = "danger"
        elif liquidation is None:
            status = ("No positive price liquidates this position: at 1x a long's margin "
                      "covers the whole position.")
            kind = "ok"
        else:
            direction = "fall" if side == "long" else "rise"
            status = f"Open: a {distance:,.2f} % {direction} from here liquidates it."
            if not x_range[0] <= liquidation <= x_range[1]:
                status += " Its liquidation price is off the chart: read it in the table."
            kind = "warning" if distance < 5 else "ok"

        zone_x, zone_y = plots.liquidated_zone(side, liquidation, x_range, y_range)
        liq_x, liq_y = plots.vertical(liquidation, y_range)
        bank_x, bank_y = plots.vertical(bankruptcy, y_range)
        marker_color = plots.COLORS["liquidation" if liquidated else "equity"]
        return Frame(
            traces={
                0: {"x": zone_x, "y": zone_y},
                1: {"y": iso.maintenance_margin(prices)},
                2: {"y": iso.equity(prices)},
                4: {"x": liq_x, "y": liq_y},
                5: {"x": bank_x, "y": bank_y},
                6: {"x": [price], "y": [float(np.clip(equity, *y_range))],  # 0 if liquidated
                    "marker": {"color": marker_color,
                               "symbol": "x" if liquidated else "circle"}},
            },
            readings=[
                Reading("liquidation_price", "Liquidation price (USDT)", liquidation),
                Reading("bankruptcy_price", "Bankruptcy price (USDT)", bankruptcy),
                Reading("distance_percent", "Move from this price to liquidation (%)",
                        distance, word="liquidated" if liquidated else "none"),
                Reading("equity", "Equity, margin + PnL (USDT)", equity),
                Reading("maintenance_margin", "Maintenance margin at this price (USDT)",
                        maintenance),
                Reading("margin_ratio_percent", "Margin ratio (%)", ratio,
                        word="liquidated"),
            ],
            status=status, status_kind=kind,
        )

    controls = {
        "leverage": slider("Leverage (x)", 10, 1, max_leverage, 1, integer=True),
        "price_move": slider("Price move from entry (%)", 0.0, -MAX_MOVE, MAX_MOVE, MOVE_STEP,
                             fmt=".1f"),
        "side": toggle("Side", list(SIDES)),
    }
    return Explorer(controls, fig, compute)
