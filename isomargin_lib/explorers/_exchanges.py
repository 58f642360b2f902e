"""Lesson 05b: the same isolated trade on every exchange's rule, side by side."""

from __future__ import annotations

import math

from .. import _checks, plots
from .._contracts import Position
from .._exchanges import EXCHANGES, isolated_quote
from .._tiers import BINANCE_BTCUSDT, BYBIT_BTCUSDT
from ._base import Explorer, Frame, Reading, slider, toggle

LABELS = {"binance": "Binance", "bybit": "Bybit (UTA)", "bybit_classic": "Bybit classic",
          "okx": "OKX", "gate": "Gate"}
FLAT_MMR = 0.004  # OKX and Gate: no bundled table; a flat rate of the size of their first tier
# Where each rule prices the closing fee: Bybit at the bankruptcy price (it enters its margins),
# the others at entry (the cost of closing now; no formula of theirs counts it).
FEE_PRICE = {"binance": "at entry", "bybit": "at bankruptcy", "bybit_classic": "at bankruptcy",
             "okx": "at entry", "gate": "at entry"}


def default_rules() -> dict:
    """Maintenance rule per exchange: the bundled BTCUSDT tables where the library has them
    (Binance, Bybit), a flat ``FLAT_MMR`` for OKX and Gate."""
    return {"binance": {"tiers": BINANCE_BTCUSDT}, "bybit": {"tiers": BYBIT_BTCUSDT},
            "bybit_classic": {"tiers": BYBIT_BTCUSDT}, "okx": {"mmr": FLAT_MMR},
            "gate": {"mmr": FLAT_MMR}}


def exchange_comparison(entry_price: float = 60_000, max_quantity: float = 2.0,
                        max_extra_margin: float = 3_000, max_leverage: int = 100,
                        rules: dict | None = None) -> Explorer:
    """One BTCUSDT isolated position, five exchanges' rules: liquidation price, initial margin
    and fee to close side by side.

    Parameters
    ----------
    entry_price : float
        BTC price at entry (USDT), > 0.
    max_quantity : float
        Right end of the size slider (BTC), > 0.
    max_extra_margin : float
        Right end of the extra-margin slider (USDT), >= 0.
    max_leverage : int
        Right end of the leverage slider, 2 to 150.
    rules : dict, optional
        Exchange -> keyword arguments of ``isolated_quote`` (``tiers=`` or ``mmr=``, and
        optionally ``taker_fee_rate=``); default ``default_rules()``.

    Controls: ``leverage`` (x), ``quantity`` (BTC), ``side``, ``extra_margin`` (USDT added
    after opening). Traces: 0 each exchange's liquidation price (markers, x = exchange),
    1 its bankruptcy price, 2 the entry price. The readout gives, per exchange, the
    liquidation price, initial margin and fee to close (USDT) under keys
    ``"<exchange>_liquidation_price"``, ``"<exchange>_initial_margin"``,
    ``"<exchange>_fee_to_close"``. An exchange whose table refuses the setting (leverage above
    its tier) shows no marker and is named in the status line.
    """
    entry_price = _checks.positive("entry_price", entry_price)
    max_quantity = _checks.positive("max_quantity", max_quantity)
    max_extra_margin = _checks.non_negative("max_extra_margin", max_extra_margin)
    max_leverage = _checks.whole_number("max_leverage", max_leverage, 2, 150)
    rules = default_rules() if rules is None else rules
    for name in rules:
        _checks.choice("rules key", name, EXCHANGES)
    exchanges = [name for name in EXCHANGES if name in rules]
    labels = [LABELS[name] for name in exchanges]

    fig = plots.figure(x_title="Exchange (rule)", y_title="Price (USDT)")
    liquidation = plots.marker("liquidation price", "liquidation", size=14, x=labels,
                               y=[None] * len(labels), text=[""] * len(labels),
                               textposition="middle right",
                               hovertemplate="%{x}: %{y:,.2f} USDT<extra></extra>")
    liquidation.mode = "markers+text"
    fig.add_trace(liquidation)
    fig.add_trace(plots.marker("bankruptcy price", "bankruptcy", symbol="diamond-open", x=labels,
                               y=[None] * len(labels),
                               hovertemplate="%{x}: %{y:,.2f} USDT<extra></extra>"))
    fig.add_trace(plots.line("entry price", "entry", width=1.5, x=labels,
                             y=[entry_price] * len(labels), hoverinfo="skip"))
    fig.update_yaxes(range=[entry_price * 0.45, entry_price * 1.55])

    def compute(leverage, quantity, side, extra_margin):
        position = Position(side, entry_price, quantity)
        quotes, refused = {}, []
        for name in exchanges:
            try:
                quotes[name] = isolated_quote(position, leverage, exchange=name,
                                              extra_margin=extra_margin, **rules[name])
            except ValueError:
                quotes[name] = None
                refused.append(LABELS[name])
        lps = [None if q is None else q.liquidation_price for q in quotes.values()]
        bps = [None if q is None else q.bankruptcy_price for q in quotes.values()]
        readings = []
        for name, q in quotes.items():
            label = LABELS[name]
            readings += [
                Reading(f"{name}_liquidation_price", f"{label}: liquidation (USDT)",
                        None if q is None else q.liquidation_price,
                        word="refused" if q is None else "none"),
                Reading(f"{name}_initial_margin", f"{label}: initial margin (USDT)",
                        None if q is None else q.initial_margin, word="refused"),
                Reading(f"{name}_fee_to_close", f"{label}: fee to close, {FEE_PRICE[name]} (USDT)",
                        None if q is None else q.fee_to_close, word="refused"),
            ]
        shown = [lp for lp in lps if lp is not None]
        if refused:
            status = (f"Refused by {', '.join(refused)}: {leverage}x is above the maximum of "
                      "the tier this position falls in.")
            kind = "warning"
        elif not shown:
            status = "At this leverage no positive price liquidates the position."
            kind = "ok"
        elif len(shown) < len(lps):
            which = [LABELS[name] for name, lp in zip(quotes, lps) if lp is not None]
            status = (f"Only {', '.join(which)} can liquidate the position at this leverage "
                      f"(at {min(shown):,.2f} USDT); under the other rules no positive price "
                      "does.")
            kind = "ok"
        else:
            spread = max(shown) - min(shown)
            status = (f"Liquidation prices differ by {spread:,.2f} USDT across the rules "
                      f"({100 * spread / entry_price:.3f} % of the entry price).")
            kind = "ok"
        return Frame(
            traces={0: {"y": lps, "text": ["" if lp is None else f"{lp:,.2f}" for lp in lps]},
                    1: {"y": bps}},
            readings=readings, status=status, status_kind=kind)

    step = 10 ** max(int(math.log10(max(max_extra_margin, 1))) - 2, 0)
    controls = {
        "leverage": slider("Leverage (x)", min(20, max_leverage), 1, max_leverage, 1,
                           integer=True),
        "quantity": slider("Position size (BTC)", min(0.5, max_quantity), 0.01, max_quantity,
                           0.01, fmt=".2f"),
        "side": toggle("Side", ["long", "short"]),
        "extra_margin": slider("Extra margin added (USDT)", 0, 0, max_extra_margin, step),
    }
    return Explorer(controls, fig, compute)
