"""Kernel side of the benchmarks: the same computation as each explorer, drawn two other ways.

``show_variants()`` is called from a cell the benchmark appends to a *copy* of a lesson. For every
``Explorer`` displayed by the lesson it displays:

- ``before``: the same explorer with a plain ``go.FigureWidget`` (plotly's JS->Python trace
  deltas synced, as before ``plots.CourseFigureWidget``);
- ``dataonly`` (only for explorers whose frames also change the layout, e.g. axis ranges): the
  same explorer with its layout changes dropped, to measure what the relayout costs;
- ``naive``: ``ipywidgets.interactive`` calling the explorer's own ``compute`` and re-creating and
  showing a ``go.Figure`` on every move (the usual ``interact`` + ``fig.show()`` pattern);
- ``minimal`` (once per lesson): an explorer with one slider and a two-point trace on the same
  ``Explorer`` and ``CourseFigureWidget`` machinery, with a one-number readout: the floor of a
  slider move in this browser, server and kernel, whatever an explorer computes or draws.

Each variant's box carries the CSS classes ``iso-bench``, ``iso-bench-<variant>`` and
``iso-bench-n<k>`` (k: the explorer's position, by creation order) for the page to find it.
"""

from __future__ import annotations

import gc

import ipywidgets as widgets
import plotly.graph_objects as go
from IPython.display import display

from isomargin_lib import plots
from isomargin_lib.explorers import Explorer

COPIED = ("value", "min", "max", "step", "description", "readout_format", "continuous_update",
          "options", "orientation", "readout")


def copy_control(control):
    kwargs = {name: getattr(control, name) for name in COPIED if hasattr(control, name)}
    if "options" in kwargs:
        kwargs.pop("min", None)
        kwargs.pop("max", None)
    return type(control)(style={"description_width": "initial"},
                         layout=widgets.Layout(width=control.layout.width), **kwargs)


def explorers_in_order() -> list[Explorer]:
    """Every live Explorer of the lesson, by creation (widget model ids grow with time only
    within one process, so sort by the order the comm manager registered them)."""
    found = [obj for obj in gc.get_objects() if isinstance(obj, Explorer)]
    from ipywidgets.widgets.widget import _instances

    order = {model_id: i for i, model_id in enumerate(_instances)}
    return sorted(found, key=lambda e: order.get(e.widget.model_id, 0))


def name_of(explorer: Explorer) -> str:
    return explorer._compute.__qualname__.split(".")[0]


def before(explorer: Explorer) -> Explorer:
    controls = {name: copy_control(c) for name, c in explorer.controls.items()}
    return Explorer(controls, go.FigureWidget(explorer.figure.to_dict()), explorer._compute)


def data_only(explorer: Explorer) -> Explorer | None:
    if not explorer._compute(**explorer.values()).layout:
        return None

    def compute(**values):
        frame = explorer._compute(**values)
        frame.layout = {}
        return frame

    controls = {name: copy_control(c) for name, c in explorer.controls.items()}
    return Explorer(controls, plots.CourseFigureWidget(explorer.figure.to_dict()), compute)


def naive(explorer: Explorer):
    base = explorer.figure.to_dict()

    def redraw(**values):
        frame = explorer._compute(**values)
        fig = go.Figure(base)
        for index, properties in frame.traces.items():
            fig.data[index].update(properties)
        if frame.layout:
            fig.layout.update(frame.layout)
        fig.show()

    controls = {name: copy_control(c) for name, c in explorer.controls.items()}
    return widgets.interactive(redraw, **controls)


def minimal() -> Explorer:
    """One slider, one two-point line, one number: what every slider move costs at least."""
    from isomargin_lib.explorers import Frame, Reading, slider

    fig = plots.figure(x_title="x", y_title="y", height=plots.HEIGHT)
    fig.add_trace(plots.line("minimal", "isolated", x=[0, 1], y=[0, 0]))
    fig.update_xaxes(range=[0, 1])
    fig.update_yaxes(range=[0, 100])

    def compute(value):
        return Frame(traces={0: {"y": [0, value]}}, readings=[Reading("value", "Value", value)])

    return Explorer({"value": slider("Value", 50, 0, 100, 1, integer=True)}, fig, compute)


def show_variants() -> None:
    sources = [e for e in explorers_in_order() if not getattr(e, "_iso_bench", False)]
    if sources:
        floor = minimal()
        floor._iso_bench = True
        box = widgets.VBox([widgets.HTML("<b>minimal: one slider, one tiny trace</b>"),
                            floor.widget])
        for css in ("iso-bench", "iso-bench-minimal"):
            box.add_class(css)
        display(box)
    for k, explorer in enumerate(sources):
        slow = before(explorer)
        slow._iso_bench = True
        shown = [("before", slow.widget)]
        fixed = data_only(explorer)
        if fixed is not None:
            fixed._iso_bench = True
            shown.append(("dataonly", fixed.widget))
        shown.append(("naive", naive(explorer)))
        for variant, widget in shown:
            box = widgets.VBox([widgets.HTML(f"<b>{variant}: {name_of(explorer)}</b>"), widget])
            for css in ("iso-bench", f"iso-bench-{variant}", f"iso-bench-n{k}"):
                box.add_class(css)
            display(box)
