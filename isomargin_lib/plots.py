"""One visual language for the course: colours, figure set-up and the key-number readout.

Every figure in the lessons is built here or in ``explorers``, so long/short, isolated/cross,
liquidation and bankruptcy look the same everywhere.
"""

from __future__ import annotations

import html
import math
from importlib import resources

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from IPython.display import display
from traitlets import Dict

# The renderer the lessons are stored and tested with: no random ids, so nbval can compare it.
pio.renderers.default = "plotly_mimetype"

COLORS = {
    "long": "#1a9850",         # green: gains when the price rises
    "short": "#d73027",        # red: gains when the price falls
    "isolated": "#4575b4",     # blue
    "cross": "#f46d43",        # orange
    "liquidation": "#b2182b",  # dark red, dashed lines
    "bankruptcy": "#542788",   # purple, dotted lines
    "entry": "#636363",        # grey
    "equity": "#2166ac",
    "maintenance": "#e08214",
    "neutral": "#969696",
    "danger_zone": "rgba(215, 48, 39, 0.12)",
}
LINE_STYLES = {"liquidation": "dash", "bankruptcy": "dot", "entry": "dashdot"}
FONT = {"family": "Helvetica, Arial, sans-serif", "size": 13}
HEIGHT = 380


class CourseFigureWidget(go.FigureWidget):
    """A FigureWidget that loads plotly's widget module once per page and does not ask the
    browser to send every redraw's trace data back.

    A plain FigureWidget sends plotly's whole widget module (about 5 MB) with every figure, and
    anywidget gives each figure 2 s to load and initialise it: several figures created at once on
    a busy machine then stay blank ("[anywidget] Failed to initialize model"). This one's module,
    ``figure_widget.js``, imports that module by URL instead (served by the course's Jupyter
    server extension, ``isomargin_server``, and present in the browser edition's site), so the
    browser loads it once.

    After each update, plotly.js sends the full data of every trace back to Python; with two or
    more traces per update plotly 7.1 then raises a logged "truth value of an array is
    ambiguous" (plotly.py issue #4160) and the kernel spends as long again on each slider move.
    The course never reads data back from the browser, so the message is not synced.
    """

    # Read as a package resource, not by path: the browser edition imports the library too.
    _esm = resources.files("isomargin_lib").joinpath("figure_widget.js").read_text("utf-8")
    _js2py_traceDeltas = Dict(allow_none=True)


def figure(*, x_title: str, y_title: str, title: str | None = None, height: int = HEIGHT,
           rows: int = 1, cols: int = 1, subplot_titles=None, widget: bool = True, **subplots):
    """A figure in the course style: white background, labelled axes, legend on top.

    Parameters
    ----------
    x_title, y_title : str
        Axis titles with units, e.g. "BTC price (USDT)".
    rows, cols, subplot_titles, **subplots
        Passed to ``plotly.subplots.make_subplots`` when there is more than one panel.
    widget : bool
        True: a ``CourseFigureWidget`` (for explorers); False: a static ``go.Figure``.
    """
    from plotly.subplots import make_subplots

    if widget:
        # The template set at creation: plotly builds and validates it once, not the default
        # template first and then this one again in a copy (half of an explorer's set-up).
        fig = make_subplots(rows=rows, cols=cols, subplot_titles=subplot_titles,
                            figure=CourseFigureWidget(layout={"template": "plotly_white"}),
                            **subplots)
    else:
        fig = go.Figure(make_subplots(rows=rows, cols=cols, subplot_titles=subplot_titles,
                                      **subplots))
    fig.update_layout(
        template="plotly_white", height=height, font=FONT, hovermode="x",
        margin={"l": 60, "r": 20, "t": 60 if title else 30, "b": 50},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        title={"text": title} if title else None,
    )
    fig.update_xaxes(title_text=x_title, row=rows, col=None if cols == 1 else 1)
    fig.update_yaxes(title_text=y_title, row=None if rows == 1 else 1, col=1)
    return fig


def line(name: str, color_key: str, *, dash: str | None = None, width: float = 2.5, **kwargs):
    """A line trace in the course colours (``color_key`` from ``COLORS``)."""
    return go.Scatter(name=name, mode="lines",
                      line={"color": COLORS[color_key], "width": width,
                            "dash": dash or LINE_STYLES.get(color_key)}, **kwargs)


def marker(name: str, color_key: str, *, size: int = 12, symbol: str = "circle", **kwargs):
    """A single-point marker trace (the learner's current choice on a curve)."""
    return go.Scatter(name=name, mode="markers",
                      marker={"color": COLORS[color_key], "size": size, "symbol": symbol,
                              "line": {"color": "white", "width": 1.5}}, **kwargs)


def vertical(x, y_range):
    """x and y arrays that draw a vertical line at ``x`` across ``y_range`` (as a trace, so a
    slider move updates data only). ``x`` None hides the line."""
    if x is None:
        return [None, None], [None, None]
    return [x, x], list(y_range)


def liquidated_zone(side: str, liquidation, x_range, y_range):
    """x and y of a shaded polygon over the prices (or moves) beyond ``liquidation``: below it
    for a long, above it for a short, clipped to ``x_range``; empty when ``liquidation`` is
    None."""
    if liquidation is None:
        return [], []
    low, high = x_range
    edge = min(max(liquidation, low), high)
    left, right = (low, edge) if side == "long" else (edge, high)
    bottom, top = y_range
    return [left, right, right, left, left], [bottom, bottom, top, top, bottom]


def format_number(value, fmt: str = "{:,.2f}") -> str:
    """Format a readout number; None and infinities read as words, not as "nan"."""
    if value is None:
        return "none"
    if isinstance(value, float) and math.isnan(value):
        return "n/a"
    if isinstance(value, float) and math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return fmt.format(value)


def format_time(time) -> str:
    """A time (``numpy.datetime64`` or ISO string) to the minute, as "2020-03-12 10:00"."""
    return str(np.datetime64(time, "m")).replace("T", " ")


def iso_times(times) -> list[str]:
    """Times (``numpy.datetime64`` values or ISO strings) as ISO strings to the second, such as
    "2020-03-12T10:00:00", for a FigureWidget's data and axis ranges.

    The browser edition's kernel (Pyodide) posts widget messages to the page as they are and
    cannot send ``datetime`` objects; strings go everywhere, and plotly reads them as dates.
    """
    return np.datetime_as_string(np.asarray(times, dtype="datetime64[s]")).tolist()


def show(fig: go.Figure) -> None:
    """Display a static figure from its plotly mime bundle, as the notebook's output.

    The same output as ``fig.show()`` with the course's renderer, without what ``pio.show``
    demands beside it (``nbformat``, absent from the browser edition's kernel).
    """
    display(pio.renderers["plotly_mimetype"].to_mimebundle(fig.to_dict()), raw=True)


def readout_html(rows, status: str = "", status_kind: str = "ok") -> str:
    """HTML table of key numbers for the readout beside an explorer's figure.

    ``rows`` holds ``(key, label, text)`` triples; each value cell carries
    ``data-key=<key>`` so browser tests can find it. ``status`` is a one-line verdict shown above
    the table (``status_kind``: "ok", "warning" or "danger").
    """
    colors = {"ok": COLORS["long"], "warning": COLORS["maintenance"],
              "danger": COLORS["liquidation"]}
    parts = ['<div class="isomargin-readout" style="font-size:14px;line-height:1.5;'
             'min-width:300px">']
    if status:
        parts.append(f'<div class="isomargin-status" data-kind="{status_kind}" '
                     f'style="font-weight:bold;color:{colors[status_kind]};margin-bottom:4px">'
                     f"{html.escape(status)}</div>")
    parts.append('<table style="border-collapse:collapse">')
    for key, label, text in rows:
        parts.append(f'<tr><td style="padding:1px 12px 1px 0">{html.escape(label)}</td>'
                     f'<td data-key="{key}" style="text-align:right;font-family:monospace">'
                     f"{html.escape(text)}</td></tr>")
    parts.append("</table></div>")
    return "".join(parts)
