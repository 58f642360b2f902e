"""The one shape of every interactive: controls, one figure, a readout, one update()."""

from __future__ import annotations

from dataclasses import dataclass, field

import ipywidgets as widgets
import numpy as np

from .. import plots

STYLE = {"description_width": "initial"}


def slider(description: str, value, low, high, step, *, fmt: str = ".0f", integer=False):
    """A labelled slider; ``description`` carries the unit, e.g. "Leverage (x)"."""
    kind = widgets.IntSlider if integer else widgets.FloatSlider
    return kind(value=value, min=low, max=high, step=step, description=description,
                readout_format=fmt if not integer else "d", continuous_update=True,
                style=STYLE, layout=widgets.Layout(width="420px"))


def toggle(description: str, options, value=None):
    """A row of buttons for a small set of choices (side, margin mode, ...)."""
    return widgets.ToggleButtons(options=options, value=value or options[0],
                                 description=description, style=STYLE)


@dataclass
class Reading:
    """One number in the readout: ``key`` for tests, a label with its unit, the value, how to
    format it, and the word shown when there is no number (``value`` None)."""

    key: str
    label: str
    value: float | None
    fmt: str = "{:,.2f}"
    word: str = "none"  # shown when value is None, e.g. "liquidated"

    @property
    def text(self) -> str:
        return self.word if self.value is None else plots.format_number(self.value, self.fmt)


@dataclass
class Frame:
    """What one update draws: trace properties by trace index, readout, and a status line."""

    traces: dict[int, dict]
    readings: list[Reading]
    status: str = ""
    status_kind: str = "ok"
    layout: dict = field(default_factory=dict)


class Explorer:
    """Controls + one ``FigureWidget`` + a readout, redrawn by one ``update()``.

    Parameters
    ----------
    controls : dict of str to ipywidgets.Widget
        The learner's inputs; their ``value`` is passed to ``compute`` by name.
    figure : plotly.graph_objects.FigureWidget
        Built once with all its traces; updates only change trace data.
    compute : callable
        ``compute(**values) -> Frame``: the numbers (from the library) and what to draw.

    Examples
    --------
    >>> ex = isolated_liquidation(entry_price=60_000, margin=1_000)   # doctest: +SKIP
    >>> ex.controls["leverage"].value = 20                            # doctest: +SKIP
    >>> ex.figure.data[0].y, ex.numbers["liquidation_price"]          # doctest: +SKIP
    """

    def __init__(self, controls: dict, figure, compute):
        self.controls = controls
        self.figure = figure
        self._compute = compute
        self.readout = widgets.HTML(layout=widgets.Layout(margin="0 0 0 24px"))
        self.numbers: dict[str, float | None] = {}
        self.texts: dict[str, str] = {}
        self.status = ""
        # What the figure holds, by (trace index, property) and by layout key, as last written
        # by ``update``: a move sends only what differs (fewer bytes, fewer traces for plotly.js
        # to restyle), and nothing when it changes only the readout.
        self._drawn: dict = {}
        inputs = widgets.VBox(list(controls.values()))
        self.widget = widgets.VBox([widgets.HBox([inputs, self.readout]), figure])
        for control in controls.values():
            control.observe(self.update, names="value")
        self.update()

    def values(self) -> dict:
        """Current control values by name; float sliders snapped to their step grid."""
        return {name: _snapped(control) for name, control in self.controls.items()}

    def update(self, change=None) -> None:
        """Recompute with the library and redraw: data only, in one batch.

        A setting the library refuses (its ValueError) is shown in the status line rather than
        lost in the kernel log, and the figure keeps its last valid state.
        """
        try:
            frame = self._compute(**self.values())
        except ValueError as error:
            self.status = f"This setting cannot be computed: {error}"
            self.readout.value = plots.readout_html(
                [(key, "", text) for key, text in self.texts.items()], self.status, "danger")
            return
        traces = {}
        for index, properties in frame.traces.items():
            changed = {key: value for key, value in properties.items()
                       if not _same(self._drawn.get((index, key), _UNSET), value)}
            if changed:
                traces[index] = changed
        layout = {key: value for key, value in frame.layout.items()
                  if not _same(self._drawn.get(key, _UNSET), value)}
        if traces or layout:
            with self.figure.batch_update():
                for index, properties in traces.items():
                    self.figure.data[index].update(properties)
                if layout:
                    self.figure.layout.update(layout)
            for index, properties in traces.items():
                self._drawn.update({(index, key): _kept(value)
                                    for key, value in properties.items()})
            self._drawn.update({key: _kept(value) for key, value in layout.items()})
        self.numbers = {r.key: r.value for r in frame.readings}
        self.texts = {r.key: r.text for r in frame.readings}
        self.status = frame.status
        self.readout.value = plots.readout_html(
            [(r.key, r.label, r.text) for r in frame.readings], frame.status, frame.status_kind)

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        # The widget's own text form embeds the figure's random trace ids; keep outputs stable.
        bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self):
        return f"<Explorer: {', '.join(self.controls)}>"


_UNSET = object()


def _kept(value):
    """A copy of a written value that later changes to the caller's list cannot alter."""
    if isinstance(value, list):
        return list(value)
    if isinstance(value, np.ndarray):
        return value.copy()
    return value


def _same(old, new) -> bool:
    """Whether ``new`` equals the value ``old`` written before (numbers, strings, None, lists,
    numpy arrays, dicts of them); NaN equals NaN. False when unsure: then it is written."""
    if old is _UNSET:
        return False
    if old is new:
        return True
    if isinstance(old, dict) or isinstance(new, dict):
        return (isinstance(old, dict) and isinstance(new, dict) and old.keys() == new.keys()
                and all(_same(old[k], new[k]) for k in old))
    sequences = (list, tuple, np.ndarray)
    if isinstance(old, sequences) or isinstance(new, sequences):
        if not (isinstance(old, sequences) and isinstance(new, sequences)) or \
                len(old) != len(new):
            return False
        a, b = np.asarray(old), np.asarray(new)
        if a.shape != b.shape:
            return False
        if a.dtype.kind in "biuf" and b.dtype.kind in "biuf":
            return bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f" or
                                       b.dtype.kind == "f"))
        try:
            return bool(np.all(a == b))
        except (TypeError, ValueError):
            return False
    try:
        return bool(old == new) and type(old) is type(new)
    except (TypeError, ValueError):
        return False


def _snapped(control):
    """A float slider's value on its step grid. The browser can send values such as -4.5e-13
    for 0 (floating-point steps in JavaScript); the library would take them literally."""
    value = control.value
    if isinstance(control, widgets.FloatSlider) and control.step:
        steps = round((value - control.min) / control.step)
        value = round(control.min + steps * control.step, 12)
    return value
