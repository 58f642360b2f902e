"""Lesson 11: the seed's four common mistakes, each as a small scenario with its fix."""

from __future__ import annotations

import numpy as np

from .. import plots
from .._contracts import Position
from .._margin import liquidation_price
from .._risk import liquidation_probability
from .._tiers import BINANCE_BTCUSDT
from ._base import Explorer, Frame, Reading, slider, toggle

MISTAKES = ("over-leveraging", "ignoring volatility", "no stop-loss", "wrong margin mode")
"""The seed's "Common Mistakes Beginners Should Avoid", in its order."""
ENTRY = 60_000.0
MARGIN = 1_000.0
WALLET = 10_000.0
SAFE_LEVERAGE = 3
CALM_VOLATILITY = 30  # annual %: what the trader who "ignores volatility" assumes
MOVES = np.linspace(-60.0, 10.0, 701)  # price move from entry (%)
HORIZONS = np.arange(1, 91)  # days
USED = {
    "over-leveraging": ("leverage",),
    "ignoring volatility": ("leverage", "volatility"),
    "no stop-loss": ("leverage", "stop_percent"),
    "wrong margin mode": ("leverage",),
}
"""Which sliders each scenario uses (the others are hidden)."""


def long_position(leverage) -> Position:
    """The scenarios' trade: a BTC long with ``MARGIN`` USDT of margin at ``leverage``."""
    return Position("long", ENTRY, MARGIN * leverage / ENTRY)


def liquidation_move(position, margin) -> float:
    """Price move (%) from entry to the liquidation price; -100 when no price liquidates."""
    price = liquidation_price(position, margin, tiers=BINANCE_BTCUSDT)
    return -100.0 if price is None else 100 * (price / ENTRY - 1)


def _fall(move) -> float | None:
    """The fall (%, positive) that liquidates, or None when no price does (``move`` -100)."""
    return None if move <= -100 else -move


def isolated_account(leverage, moves=MOVES) -> np.ndarray:
    """Account equity (USDT) after each move with the trade in isolated mode: ``WALLET`` +
    PnL until liquidation, then ``WALLET - MARGIN`` (the isolated margin is lost)."""
    position = long_position(leverage)
    pnl = position.pnl(ENTRY * (1 + moves / 100))
    return np.where(moves > liquidation_move(position, MARGIN), WALLET + pnl, WALLET - MARGIN)


def cross_account(leverage, moves=MOVES) -> np.ndarray:
    """The same trade in cross mode: the whole ``WALLET`` backs it, and all of it is lost at
    the cross liquidation price."""
    position = long_position(leverage)
    pnl = position.pnl(ENTRY * (1 + moves / 100))
    return np.where(moves > liquidation_move(position, WALLET), WALLET + pnl, 0.0)


def stopped_account(leverage, stop_percent, moves=MOVES) -> np.ndarray:
    """Isolated mode with a stop ``stop_percent`` below entry, filled at its price (no gap,
    no fee). A stop beyond the liquidation price never fills: the position is liquidated
    first."""
    position = long_position(leverage)
    liquidation = liquidation_move(position, MARGIN)
    if -stop_percent <= liquidation:
        return isolated_account(leverage, moves)
    stop_pnl = float(position.pnl(ENTRY * (1 - stop_percent / 100)))
    return np.where(moves > -stop_percent, WALLET + position.pnl(ENTRY * (1 + moves / 100)),
                    WALLET + stop_pnl)


def liquidation_probabilities(leverage, volatility_percent, horizons=HORIZONS) -> np.ndarray:
    """Probability (%) that the isolated long is liquidated within each horizon (days), the
    price following GBM (``liquidation_probability``, closed form)."""
    position = long_position(leverage)
    return np.array([100 * liquidation_probability(position, MARGIN,
                                                   volatility=volatility_percent / 100,
                                                   horizon_days=float(days), tiers=BINANCE_BTCUSDT)
                     for days in horizons])


def mistake_scenarios() -> Explorer:
    """The four common mistakes of the seed guide, one at a time, each against its fix.

    Returns
    -------
    Explorer
        Controls ``mistake`` (one of ``MISTAKES``), ``leverage`` (x), ``volatility`` (annual
        %), ``stop_percent`` (stop distance below entry, %); sliders a scenario does not use are
        hidden. Trace 0 the mistake, 1 the fix, 2 a marker where the mistake ends the trade
        (liquidation; for "ignoring volatility" the probability at 30 days), 3 a vertical
        reference line (the stop, or 30 days). Axes: price move from entry (%) against account
        equity (USDT); for "ignoring volatility", horizon (days) against the probability of
        liquidation (%). Readout keys: ``mistake``, ``fix`` (the scenario's key number for
        each, with the unit in the label), ``detail`` (a third number: the margin lost, or the
        fall that liquidates). A fall that liquidates, or a loss at a liquidation, reads "none"
        when no price liquidates the trade (a 1x long).

    Notes
    -----
    The trade: a BTC long, 1,000 USDT of margin at the chosen leverage, in a 10,000 USDT
    account, Binance BTCUSDT brackets. A liquidation loses all the margin behind the position
    (the isolated margin, or in cross mode the whole wallet), as in lesson 04.
    """
    fig = plots.figure(x_title="Price move from entry (%)", y_title="Account equity (USDT)",
                       height=plots.HEIGHT + 20)
    fig.add_trace(plots.line("the mistake", "liquidation", dash="solid", x=MOVES, y=MOVES * 0))
    fig.add_trace(plots.line("the fix", "isolated", x=MOVES, y=MOVES * 0))
    fig.add_trace(plots.marker("where it goes wrong", "liquidation", symbol="x", size=14,
                               x=[None], y=[None]))
    fig.add_trace(plots.line("reference", "entry", width=1.5, x=[None, None], y=[None, None],
                             hoverinfo="skip"))
    fig.update_layout(margin={"t": 70})

    def equity_layout(low=-1_000, high=12_000):
        return {"xaxis": {"title": {"text": "Price move from entry (%)"},
                          "range": [MOVES[0], MOVES[-1]]},
                "yaxis": {"title": {"text": "Account equity (USDT)"}, "range": [low, high]}}

    def compute(mistake, leverage, volatility, stop_percent):
        position = long_position(leverage)
        move = liquidation_move(position, MARGIN)
        if mistake == "ignoring volatility":
            actual = liquidation_probabilities(leverage, volatility)
            assumed = liquidation_probabilities(leverage, CALM_VOLATILITY)
            at_30 = float(actual[29])
            layout = {"xaxis": {"title": {"text": "Horizon (days)"}, "range": [0, 91]},
                      "yaxis": {"title": {"text": "Probability of liquidation (%)"},
                                "range": [0, 101]}}
            traces = {0: {"x": HORIZONS, "y": actual, "name": f"real: {volatility} % a year"},
                      1: {"x": HORIZONS, "y": assumed,
                          "name": f"assumed calm: {CALM_VOLATILITY} % a year"},
                      2: {"x": [30], "y": [at_30]},
                      3: {"x": [30, 30], "y": [0, 101], "name": "30 days"}}
            readings = [Reading("mistake", "Liquidation within 30 days, real volatility (%)",
                                at_30, "{:.1f}"),
                        Reading("fix", "... as assumed in a calm market (%)",
                                float(assumed[29]), "{:.1f}"),
                        Reading("detail", "Margin lost if liquidated (USDT)", MARGIN)]
            status = ("At 1x no fall liquidates a long." if move <= -100 else
                      f"At {leverage}x a {-move:.1f} % fall liquidates the trade. With "
                      f"{volatility} % volatility a year the price falls that far within 30 "
                      f"days in {at_30:.0f} % of cases, not the {assumed[29]:.0f} % a calm "
                      "market suggests.")
            kind = "danger" if at_30 >= 25 else "warning" if at_30 >= 5 else "ok"
            return Frame(traces, readings, status, kind, layout)

        if mistake == "over-leveraging":
            wrong, right = isolated_account(leverage), isolated_account(SAFE_LEVERAGE)
            fix_move = liquidation_move(long_position(SAFE_LEVERAGE), MARGIN)
            names = (f"{leverage}x", f"{SAFE_LEVERAGE}x")
            readings = [Reading("mistake", f"Fall that liquidates your {leverage}x (%)",
                                _fall(move), "{:.2f}"),
                        Reading("fix", f"Fall that liquidates the safer {SAFE_LEVERAGE}x (%)",
                                _fall(fix_move), "{:.2f}"),
                        Reading("detail", "Margin lost if liquidated (USDT)", MARGIN)]
            status = ("At 1x no fall liquidates a long." if move <= -100 else
                      f"At {leverage}x a {-move:.2f} % fall liquidates the trade.")
            reference = (None, (0, 0))
            # The top follows the curve: at high leverage a 10 % rise is a large gain.
            top = max(14_000.0, 1_000 * np.ceil((float(wrong.max()) + 500) / 1_000))
            lost, layout = MARGIN, equity_layout(5_000, top)
        elif mistake == "no stop-loss":
            wrong = isolated_account(leverage)
            right = stopped_account(leverage, stop_percent)
            names = ("no stop", f"stop {stop_percent} % below entry")
            stop_loss = -float(position.pnl(ENTRY * (1 - stop_percent / 100)))
            useless = -stop_percent <= move
            # A stop less than 1 % of the entry price before the liquidation price fires, but a
            # gap or slippage of that size carries the fill past liquidation.
            close_call = not useless and -move - stop_percent < 1
            readings = [Reading("mistake", "Loss without a stop, worst case (USDT)", MARGIN),
                        Reading("fix", "Loss with the stop (USDT)",
                                MARGIN if useless else stop_loss),
                        Reading("detail", "Fall that liquidates (%)", _fall(move), "{:.2f}")]
            status = (f"The stop is beyond the liquidation price ({-move:.2f} % below entry): "
                      "it never fires. Move it closer or lower the leverage."
                      if useless else
                      f"The stop fires only just: {-move - stop_percent:.2f} % of the entry "
                      "price before the liquidation price, less than a gap or slippage can "
                      "take. Move it closer or lower the leverage."
                      if close_call else
                      f"The stop caps the loss; without it the trade runs to liquidation at "
                      f"{move:.2f} %." if move > -100 else "The stop caps the loss.")
            reference = (-stop_percent, (5_000, 14_000))
            lost, layout = MARGIN, equity_layout(5_000, 14_000)
        else:  # wrong margin mode: the trader believes it is isolated, the account is cross
            wrong, right = cross_account(leverage), isolated_account(leverage)
            cross_move = liquidation_move(position, WALLET)
            names = ("cross (by mistake)", "isolated (as intended)")
            readings = [Reading("mistake", "Lost at cross liquidation (USDT)",
                                WALLET if _fall(cross_move) else None),
                        Reading("fix", "Lost at isolated liquidation (USDT)",
                                MARGIN if _fall(move) else None),
                        Reading("detail", "Fall that liquidates in cross (%)",
                                _fall(cross_move), "{:.2f}")]
            status = (f"In cross mode the whole {WALLET:,.0f} USDT backs the trade: it takes "
                      f"a {-cross_move:.1f} % fall (not {-move:.1f} %) to liquidate it, and "
                      "then the whole account is gone."
                      if cross_move > -100 else
                      "In cross mode the whole wallet backs this trade; no fall liquidates it, "
                      "but every loss comes out of the whole account.")
            reference = (None, (0, 0))
            lost, layout = WALLET, equity_layout()
        end = move if mistake != "wrong margin mode" else liquidation_move(position, WALLET)
        marker_y = float(np.interp(end, MOVES, wrong)) if end > MOVES[0] else None
        ref_x, ref_y = plots.vertical(reference[0], reference[1])
        traces = {0: {"x": MOVES, "y": wrong, "name": f"the mistake: {names[0]}"},
                  1: {"x": MOVES, "y": right, "name": f"the fix: {names[1]}"},
                  2: {"x": [end if marker_y is not None else None], "y": [marker_y]},
                  3: {"x": ref_x, "y": ref_y, "name": "stop"}}
        kind = "danger" if lost >= WALLET or -move < 5 else "warning"
        if mistake == "no stop-loss" and not useless:
            kind = "warning" if close_call else "ok"
        return Frame(traces, readings, status, kind, layout)

    controls = {
        "mistake": toggle("Mistake", list(MISTAKES)),
        "leverage": slider("Leverage (x)", 20, 1, 100, 1, integer=True),
        "volatility": slider("Volatility (annual %)", 80, 20, 150, 10, integer=True),
        "stop_percent": slider("Stop distance below entry (%)", 3, 1, 30, 1, integer=True),
    }

    def show_used(change=None):
        used = USED[controls["mistake"].value]
        for name in ("volatility", "stop_percent"):
            controls[name].layout.display = None if name in used else "none"

    controls["mistake"].observe(show_used, names="value")
    show_used()
    return Explorer(controls, fig, compute)
