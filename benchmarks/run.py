"""Measure the course where learners use it: a real JupyterLab in a real Chromium.

Run: ``python benchmarks/run.py [--lessons 00 03 ...] [--moves 20] [--variants ...]
[--skip-browser] [--skip-import] [--skip-install] [--skip-lite] [--skip-suite] [--skip-ci]``
(needs Debian's Chromium at /usr/bin/chromium; the whole run takes about 40 minutes).

Prints a table and writes ``benchmarks/RESULTS.md``, every number beside its target:

- per explorer, slider -> redraw latency (first DOM change of the trace SVG or the readout,
  MutationObserver; "paint" is the frame after it), median and p95 over ``--moves`` moves, burst
  settle time (10 moves 30 ms apart, last keydown to the last change), kernel busy time per move
  -- for our explorer, a minimal explorer (the browser's floor), and the comparison variants
  (``benchmarks/variants.py``: "naive" ``interact`` re-creating a figure, "before" a plain
  ``go.FigureWidget``, "dataonly");
- per lesson, Run All -> first explorer live and -> kernel idle, websocket bytes, FigureWidgets,
  the JavaScript they sent by websocket and how often the page fetched plotly's widget module,
  notebook size;
- the browser edition (``lite/build.py``'s site in Chromium, offline): build time and size, per
  lesson kernel ready, Run All and slider -> redraw, beside server mode;
- the README's test command without the browser-edition test, and ``.ci/run`` on a clean clone
  of HEAD (installs and every test); the Monte Carlo throughput (``benchmarks/monte_carlo.py``);
  the README's fresh install, time and size (and size after a first use); JupyterLab start, and
  the ``import nbformat`` cost with the pinned jsonschema and with the newest one.

``--lite`` measures only the browser edition and writes that section of ``RESULTS.md`` beside the
server-mode numbers (a run with ``--skip-lite`` keeps the section as it was). ``--suite`` measures
only the test suite and ``.ci/run`` (about 20 minutes) and keeps every other section as measured.

The lessons are served from a temporary copy; the benchmark never writes to ``lessons/``.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from labdriver import (  # noqa: E402
    LabServer,
    LessonPage,
    chromium_available,
    launch_chromium,
    lesson_files,
)

# The speed issue's targets (per explorer, per lesson, for the suite).
TARGETS = {"first_p95": 75, "paint_median": 80, "burst": 150, "naive_ratio": 2.5, "busy": 100,
           "first_live": 2.5, "bytes": 6e6, "suite": 150, "ci": 720, "install_s": 25,
           "install_mb": 350, "lite_kernel": 10, "lite_run_all": 4}
BURST_PRESSES = 10
VARIANTS = ["before", "dataonly", "naive"]  # measured beside ours (--variants to choose)


# --------------------------------------------------------------------------- helpers


@dataclass
class Redraw:
    """One measured slider move (or burst): milliseconds from the (last) keydown."""

    first_ms: float | None      # first keydown -> the first change the learner sees
    paint_ms: float | None      # first keydown -> the frame after that change has been painted
    settle_ms: float | None     # last keydown -> the last change (None: none after it)
    busy_ms: float              # kernel busy time for the move, by the kernel's clock
    busy_periods: int           # how many busy periods (1: one update; 2: an echo round trip)
    bytes: int                  # websocket bytes both ways


def p95(values):
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    return values[max(0, math.ceil(0.95 * len(values)) - 1)]


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, digits=0, unit=""):
    if value is None:
        return "—"
    return f"{value:,.{digits}f}{unit}"


def bench_notebook(lesson: Path) -> str:
    """The lesson plus one cell that displays the comparison variants of its explorers."""
    notebook = json.loads(lesson.read_text())
    notebook["cells"].append({
        "cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
        "id": "isomargin-bench",
        "source": [f"import sys; sys.path.insert(0, {str(ROOT / 'benchmarks')!r})\n",
                   "import variants; variants.show_variants()"]})
    return json.dumps(notebook)


FLOOR_NOTEBOOK = "lessons/zz_floor.ipynb"


def floor_notebook() -> str:
    """A lesson reduced to its least: the course's imports and one minimal explorer. Its Run All
    -> first explorer live is the floor of that measure on this machine."""
    return code_notebook([f"import sys; sys.path.insert(0, {str(ROOT / 'benchmarks')!r})\n"
                          "from isomargin_lib import explorers\nimport variants",
                          "variants.minimal()"], "isomargin-floor")


def code_notebook(cells: list[str], name: str) -> str:
    """A notebook of these code cells, with the lessons' metadata (the browser edition picks
    its kernel by the language it names)."""
    lesson = json.loads(lesson_files(ROOT / "lessons")[0].read_text())
    return json.dumps({"cells": [{"cell_type": "code", "execution_count": None, "metadata": {},
                                  "outputs": [], "id": f"{name}-{i}", "source": [src]}
                                 for i, src in enumerate(cells)],
                       "metadata": lesson["metadata"], "nbformat": 4, "nbformat_minor": 5})


def open_and_run_all(context, server, path: str) -> tuple[LessonPage, dict]:
    """Open a notebook in a new JupyterLab page and Run All: the page and its timings."""
    page = LessonPage(context, server)
    marks = (page.traffic.bytes_received, page.traffic.bytes_sent)
    page.open(path)
    timings = page.run_all()
    timings["bytes"] = page.traffic.bytes_since(marks)
    return page, timings


# What a move changes that the learner sees: the traces' SVG paths, the readout's text, or (for
# the naive variant, which replaces its figure on every move) a new plot element. The lab
# driver's observer sees trace paths only, so a move that changes only the readout (lesson 06's
# capital and risk: the figure is in R) counted as missed.
JS_DOM = r"""
() => {
  if (window.__isoBench) return;
  const TRACE_PATHS = ['scatterlayer', 'barlayer', 'boxlayer', 'waterfalllayer']
      .map(layer => '.js-plotly-plot .' + layer + ' path').join(', ');
  const seen = (root) => {
    const plot = root.querySelector('.js-plotly-plot');
    const paths = [...root.querySelectorAll(TRACE_PATHS)]
        .map(p => (p.getAttribute('d') || '') + '|' + (p.getAttribute('transform') || ''))
        .join(';');
    const readout = [...root.querySelectorAll('.isomargin-readout')]
        .map(r => r.textContent).join('|');
    return {plot, sig: paths + '#' + readout, drawn: paths.length > 0};
  };
  let armed = null;
  const arm = (root, handle) => {
    const start = seen(root);
    const state = {t0: null, keys: [], values: [], first: null, paint: null, last: null,
                   sig0: start.sig, plot0: start.plot, lastSig: start.sig, lastPlot: start.plot};
    const onKey = () => { const t = performance.now(); state.keys.push(t);
                          if (state.t0 === null) state.t0 = t; };
    handle.addEventListener('keydown', onKey, true);
    const observer = new MutationObserver(() => {
      const now = performance.now();
      const s = seen(root);
      if (!s.drawn) return;  // a figure being replaced: nothing to see yet
      if (s.sig !== state.lastSig || s.plot !== state.lastPlot) {
        state.lastSig = s.sig;
        state.lastPlot = s.plot;
        state.last = now;
        if (state.first === null) {
          state.first = now;
          requestAnimationFrame(() => setTimeout(() => { state.paint = performance.now(); }, 0));
        }
      }
    });
    observer.observe(root, {subtree: true, childList: true, attributes: true,
                            characterData: true, attributeFilter: ['d', 'transform']});
    state.stop = () => {
      observer.disconnect();
      handle.removeEventListener('keydown', onKey, true);
    };
    armed = state;
    return true;
  };
  const result = () => {
    const s = armed;
    return {t0: s.t0, keys: s.keys, first: s.first, paint: s.paint, last: s.last};
  };
  const disarm = () => { if (armed) armed.stop(); armed = null; };
  window.__isoBench = {arm, result, disarm};
}
"""


def measure_move(page, traffic, root, slider, key: str, *, presses: int = 1,
                 spacing_ms: float = 30, quiet_ms: float = 300,
                 timeout_ms: float = 5000) -> Redraw:
    """Press ``key`` on ``slider``'s handle (``presses`` times, ``spacing_ms`` apart) and time
    the first DOM change the learner sees under ``root`` (trace paths, readout text, a new plot),
    the frame after it, and (for a burst) the last change after the last keydown."""
    page.evaluate(JS_DOM)
    root.scroll_into_view_if_needed()  # a figure out of view is not drawn
    handle = slider.locator(".noUi-handle")
    handle.focus()
    page.evaluate("([r, h]) => window.__isoBench.arm(r, h)",
                  [root.element_handle(), handle.element_handle()])
    mark = traffic.mark()
    bytes_mark = (traffic.bytes_received, traffic.bytes_sent)
    for i in range(presses):
        if i:
            page.wait_for_timeout(spacing_ms)
        page.keyboard.press(key)
    deadline = time.perf_counter() + timeout_ms / 1000
    last_change, last_count, quiet_since = None, None, time.perf_counter()
    while time.perf_counter() < deadline:
        page.wait_for_timeout(25)
        state = page.evaluate("() => window.__isoBench.result()")
        count = len(traffic.messages)
        if (state["last"], count) != (last_change, last_count):
            last_change, last_count, quiet_since = state["last"], count, time.perf_counter()
        done = state["first"] is not None and state["paint"] is not None
        if done and traffic.is_idle() and (time.perf_counter() - quiet_since) * 1000 >= quiet_ms:
            break
    state = page.evaluate("() => window.__isoBench.result()")
    page.evaluate("() => window.__isoBench.disarm()")
    t0, keys = state["t0"], state["keys"]
    periods = [seconds for kind, seconds in traffic.busy_periods(mark) if kind == "comm_msg"]

    def since(t, origin):
        return None if t is None or origin is None else t - origin

    # A change that ends before the last keydown (the burst's last moves changed nothing the
    # learner sees) is no settle time: report none rather than a negative number.
    settle = since(state["last"], keys[-1] if keys else None)
    if presses > 1 and settle is not None and settle < 0:
        settle = None
    return Redraw(since(state["first"], t0), since(state["paint"], t0), settle,
                  1000 * sum(periods), len(periods), traffic.bytes_since(bytes_mark))


def handle_state(slider) -> tuple[float, float, float]:
    return tuple(slider.locator(".noUi-handle").evaluate(
        "h => [+h.getAttribute('aria-valuenow'), +h.getAttribute('aria-valuemin'),"
        " +h.getAttribute('aria-valuemax')]"))


def visible_sliders(view_root) -> list[int]:
    """Indices of the sliders shown now (some explorers show sliders by mode)."""
    return view_root.evaluate(
        "el => [...el.querySelectorAll('.widget-slider')].map((s, i) => [i, s.offsetParent])"
        ".filter(x => x[1] !== null).map(x => x[0])")


def slider_plan(view_root, moves: int):
    """Which slider and key for each of ``moves`` moves: cycle through the sliders, each going
    one way until its end, then back."""
    sliders = view_root.locator(".widget-slider")
    visible = visible_sliders(view_root)
    direction = {}
    for n in range(moves):
        i = visible[n % len(visible)]
        now, low, high = handle_state(sliders.nth(i))
        key = direction.get(i, "ArrowRight")
        if key == "ArrowRight" and now >= high:
            key = "ArrowLeft"
        elif key == "ArrowLeft" and now <= low:
            key = "ArrowRight"
        direction[i] = key
        yield sliders.nth(i), key


def measure_variant(page, traffic, root, moves: int) -> dict:
    singles, by_slider = [], {}
    for slider, key in slider_plan(root, moves):
        label = slider.locator(".widget-label").inner_text().strip()
        measured = measure_move(page, traffic, root, slider, key)
        singles.append(measured)
        by_slider.setdefault(label, []).append(measured.first_ms)
    burst = measure_burst(page, traffic, root)
    first = [m.first_ms for m in singles]
    paint = [m.paint_ms for m in singles]
    return {
        "moves": len(singles), "missed": sum(v is None for v in first),
        "first_median": median(first), "first_p95": p95(first),
        "paint_median": median(paint), "paint_p95": p95(paint),
        "burst_settle": burst.settle_ms,
        "busy_median": median([m.busy_ms for m in singles]),
        "busy_periods": median([m.busy_periods for m in singles]),
        "bytes_per_move": median([m.bytes for m in singles]),
        "first_by_slider": {label: [median(v), max((x for x in v if x is not None),
                                                   default=None)]
                            for label, v in by_slider.items()},
    }


def measure_burst(page, traffic, root) -> Redraw:
    """``BURST_PRESSES`` moves 30 ms apart on the visible slider with the most room for them
    (every press must change the value: a press at the slider's end changes nothing, and the
    old benchmark's settle came out negative or missing when that happened)."""
    sliders = root.locator(".widget-slider")
    best = None
    for i in visible_sliders(root):
        now, low, high = handle_state(sliders.nth(i))
        key, room = ("ArrowRight", high - now) if high - now >= now - low else (
            "ArrowLeft", now - low)
        # Steps left that way: press once, read the value, press back.
        sliders.nth(i).locator(".noUi-handle").focus()
        page.keyboard.press(key)
        page.wait_for_timeout(150)
        step = abs(handle_state(sliders.nth(i))[0] - now)
        page.keyboard.press("ArrowLeft" if key == "ArrowRight" else "ArrowRight")
        page.wait_for_timeout(150)
        steps = round(room / step) if step else 0
        if best is None or steps > best[0]:
            best = (steps, sliders.nth(i), key)
        if steps >= BURST_PRESSES:
            break
    steps, slider, key = best
    wait_idle(page, traffic)
    presses = max(1, min(BURST_PRESSES, steps))
    return measure_move(page, traffic, root, slider, key, presses=presses, spacing_ms=30,
                        quiet_ms=600, timeout_ms=8000)


def wait_idle(page, traffic, quiet_ms: float = 300, timeout_s: float = 5) -> None:
    deadline, count = time.perf_counter() + timeout_s, None
    quiet_since = time.perf_counter()
    while time.perf_counter() < deadline:
        page.wait_for_timeout(25)
        if len(traffic.messages) != count:
            count, quiet_since = len(traffic.messages), time.perf_counter()
        elif traffic.is_idle() and (time.perf_counter() - quiet_since) * 1000 >= quiet_ms:
            return


def figures_drawn(page) -> bool:
    """Every explorer and comparison variant of the page has drawn its traces. JupyterLab
    leaves a figure out of view undrawn (no trace paths) until it is scrolled to: each box is
    scrolled into view in turn, as a learner would."""
    boxes = page.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .iso-bench, "
                              "[data-iso-explorer]")
    drawn = True
    for i in range(boxes.count()):
        box = boxes.nth(i)
        box.scroll_into_view_if_needed()
        deadline = time.perf_counter() + 5
        while not (ok := box.evaluate("b => !!b.querySelector('.scatterlayer path, "
                                      ".barlayer path, .boxlayer path')")):
            if time.perf_counter() > deadline:
                break
            page.page.wait_for_timeout(200)
        drawn &= ok
    return drawn


def open_bench_page(context, server, lesson: Path, attempts: int = 3):
    """The lesson's benchmark copy, Run All done and every figure drawn (a fresh page again
    when a figure failed to initialise)."""
    for attempt in range(attempts):
        page = LessonPage(context, server)
        page.open(f"lessons/zz_bench_{lesson.stem}.ipynb")
        page.run_all()
        page.explorers()  # tags the explorers
        if figures_drawn(page) or attempt == attempts - 1:
            return page
        print(f"  a figure did not draw: fresh page ({attempt + 2} of {attempts})", flush=True)
        page.close()
    return page


def echo_errors(server: LabServer) -> int:
    return server.log_path.read_text(errors="replace").count("truth value of an array")


# --------------------------------------------------------------------------- browser part


def browser_benchmarks(lessons: list[Path], moves: int, workdir: Path) -> dict:
    from playwright.sync_api import sync_playwright

    extra = {f"lessons/zz_bench_{p.stem}.ipynb": bench_notebook(p) for p in lessons}
    extra[FLOOR_NOTEBOOK] = floor_notebook()
    server = LabServer(workdir / "lab", ROOT / "lessons", extra_files=extra).start()
    results = {"server_start_s": server.start_seconds, "lessons": {}, "explorers": [],
               "floor_runs": []}

    def measure_floor(context):
        page, timings = open_and_run_all(context, server, FLOOR_NOTEBOOK)
        page.close()
        results["floor_runs"].append({key: timings[key] for key in
                                      ("first_explorer_s", "run_all_idle_s", "open_s")})

    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            measure_floor(context)  # before the lessons and after them: how much it moves
            for lesson in lessons:
                print(f"… {lesson.name}", flush=True)
                page, timings = open_and_run_all(context, server, f"lessons/{lesson.name}")
                views = page.explorers()
                widgets = page.traffic.figure_widgets()
                results["lessons"][lesson.stem] = {
                    "first_explorer_s": timings["first_explorer_s"],
                    "run_all_idle_s": timings["run_all_idle_s"],
                    "open_s": timings["open_s"],
                    "bytes": timings["bytes"],
                    "explorers": len(views), "figure_widgets": len(widgets),
                    "figure_js_bytes": sum(widgets),
                    "module_fetches": len(page.plotly_module_statuses),
                    "problems": page.problems(),
                    "notebook_bytes": lesson.stat().st_size,
                }
                page.close()
                if not views:
                    continue
                page = open_bench_page(context, server, lesson)
                probe = page.probe()
                names = [e["name"] for e in probe.explorers()]
                probe.close()
                floor = None
                root = page.page.locator(".iso-bench-minimal")
                if root.count():
                    floor = measure_variant(page.page, page.traffic, root, moves)
                    floor["echo_errors"] = 0
                for i, view in enumerate(page.explorers()):
                    row = {"lesson": lesson.stem, "explorer": names[i] if i < len(names) else i,
                           "sliders": view.sliders().count()}
                    if not row["sliders"]:
                        continue
                    if floor:
                        row["minimal"] = floor
                    errors_before = echo_errors(server)
                    row["ours"] = measure_variant(page.page, page.traffic, view.root, moves)
                    row["ours"]["echo_errors"] = echo_errors(server) - errors_before
                    for variant in VARIANTS:
                        root = page.page.locator(f".iso-bench-{variant}.iso-bench-n{i}")
                        if not root.count():
                            continue
                        errors_before = echo_errors(server)
                        row[variant] = measure_variant(page.page, page.traffic, root, moves)
                        row[variant]["echo_errors"] = echo_errors(server) - errors_before
                    results["explorers"].append(row)
                    print(f"  {row['explorer']}: ours paint "
                          f"{fmt(row['ours']['paint_median'])} ms (first p95 "
                          f"{fmt(row['ours']['first_p95'])}, burst "
                          f"{fmt(row['ours']['burst_settle'])}, busy "
                          f"{fmt(row['ours']['busy_median'])}, "
                          f"{fmt(row['ours']['bytes_per_move'] / 1e3, 1)} KB), naive "
                          f"{fmt(row.get('naive', {}).get('paint_median'))} ms, minimal "
                          f"{fmt(row.get('minimal', {}).get('paint_median'))} ms", flush=True)
                page.close()
            measure_floor(context)
            browser.close()
    finally:
        server.stop()
    return results


# --------------------------------------------------------------------------- other parts


LITE_FLOOR_NOTEBOOK = "lessons/zz_floor.ipynb"
KERNEL_ALONE_RUNS = 3


def lite_floor_notebook() -> str:
    """``floor_notebook`` for the browser edition, whose kernel cannot import ``variants``: the
    same imports, then the minimal explorer's own source and a call."""
    import inspect

    import variants

    return code_notebook(["from isomargin_lib import explorers, plots\n"
                          "from isomargin_lib.explorers import Explorer\n"
                          "import ipywidgets\nimport plotly.graph_objects",
                          inspect.getsource(variants.minimal) + "\n\nminimal()"],
                         "isomargin-floor")


def replace_file(path: Path, text: str) -> None:
    """Write ``text`` as a new file (``path`` may be a hard link into another site)."""
    path.unlink(missing_ok=True)
    path.write_text(text)


def add_lite_notebook(output: Path, relative_path: str, text: str) -> None:
    """Put a notebook into a built site's contents (its file, and its entry in the folder's
    listing), for the benchmark's own copy of the site."""
    replace_file(output / "files" / relative_path, text)
    folder, _, name = relative_path.rpartition("/")
    listing_path = output / "api" / "contents" / folder / "all.json"
    listing = json.loads(listing_path.read_text())
    entry = dict(listing["content"][0], name=name, path=relative_path, size=len(text))
    listing["content"] = [e for e in listing["content"] if e["path"] != relative_path] + [entry]
    replace_file(listing_path, json.dumps(listing))


def kernel_alone_site(site, workdir: Path):
    """A hard-linked copy of the built site whose kernel preloads only the stock kernel's own
    packages (``KERNEL_LOCK_ROOTS`` of lite/build.py: no numpy, no wheel of the course, no
    bytecode): its cold start is the floor of *kernel ready* for this app on this machine."""
    from litedriver import LiteSite, build_script

    alone = LiteSite(workdir)
    shutil.copytree(site.output, alone.output, copy_function=os.link)
    config_path = alone.output / "jupyter-lite.json"
    config = json.loads(config_path.read_text())
    kernel = config["jupyter-config-data"]["litePluginSettings"][
        "@jupyterlite/pyodide-kernel-extension:kernel"]
    kernel["loadPyodideOptions"]["packages"] = list(build_script().KERNEL_LOCK_ROOTS)
    replace_file(config_path, json.dumps(config, indent=2))
    return alone.start()


def kernel_start_bytes(output: Path) -> dict:
    """What a cold kernel start fetches from the site, by the site's files: Pyodide's runtime,
    the lock's packages it preloads (with their dependencies) and the preloaded wheels."""
    from litedriver import build_script

    lite = build_script()
    config = json.loads((output / "jupyter-lite.json").read_text())
    packages = config["jupyter-config-data"]["litePluginSettings"][
        "@jupyterlite/pyodide-kernel-extension:kernel"]["loadPyodideOptions"]["packages"]
    pyodide = output / "static" / "pyodide"
    lock = json.loads((pyodide / "pyodide-lock.json").read_text())
    names = [p for p in packages if not p.endswith(".whl")]
    runtime = sum((pyodide / name).stat().st_size for name in
                  ("pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip",
                   "pyodide-lock.json"))
    from_lock = sum((pyodide / lock["packages"][name]["file_name"]).stat().st_size
                    for name in lite.lock_closure(lock, names))
    worker = output / "extensions" / "@jupyterlite" / "pyodide-kernel-extension" / "static"
    wheels = {Path(p).name: (worker / p).resolve().stat().st_size
              for p in packages if p.endswith(".whl")}
    return {"runtime": runtime, "lock_packages": from_lock, "wheels": wheels,
            "total": runtime + from_lock + sum(wheels.values())}


def lite_open_and_run_all(browser, site, path: str) -> tuple:
    """Open a notebook of the site in a fresh (cold) context and Run All: (context, page,
    timings)."""
    from litedriver import LiteLessonPage

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = LiteLessonPage(context, site)
    page.open(path)
    return context, page, page.run_all()


def lite_benchmarks(lessons: list[Path], moves: int, workdir: Path) -> dict:
    """The browser edition: build the site, then per lesson in a fresh browser context (a cold
    start: nothing cached) kernel ready, Run All, and slider -> redraw of each explorer; beside
    them the floors: the floor notebook (the course's imports and the minimal explorer) before
    and after the lessons, and the kernel alone (the stock kernel's packages only)."""
    from litedriver import LiteLessonPage, LiteSite
    from playwright.sync_api import sync_playwright

    print("… browser edition: build", flush=True)
    site = LiteSite(workdir / "lite").build()
    size = sum(p.stat().st_size for p in site.output.rglob("*") if p.is_file())
    add_lite_notebook(site.output, LITE_FLOOR_NOTEBOOK, lite_floor_notebook())
    site.start()
    alone = kernel_alone_site(site, workdir / "lite-kernel-alone")
    results = {"build_s": site.build_seconds, "site_bytes": size, "lessons": {},
               "explorers": [], "kernel_start_bytes": kernel_start_bytes(site.output),
               "floor_runs": [], "kernel_alone_s": []}

    def measure_floor(browser):
        context, page, timings = lite_open_and_run_all(browser, site, LITE_FLOOR_NOTEBOOK)
        views = page.explorers()
        paint = (measure_variant(page.page, page.traffic, views[0].root, moves)
                 if views else {})
        results["floor_runs"].append(dict(timings, paint_median=paint.get("paint_median"),
                                          problems=page.problems()))
        context.close()

    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright, offline=True)
            measure_floor(browser)  # before the lessons and after them: how much it moves
            for lesson in lessons:
                print(f"… lite {lesson.name}", flush=True)
                context, page, timings = lite_open_and_run_all(browser, site,
                                                               f"lessons/{lesson.name}")
                views = page.explorers()
                results["lessons"][lesson.stem] = {
                    "kernel_ready_s": timings["kernel_ready_s"],
                    "run_all_idle_s": timings["run_all_idle_s"],
                    "first_explorer_s": timings["first_explorer_s"],
                    "explorers": len(views), "problems": page.problems(),
                    "failed_requests": page.failed_requests}
                for i, view in enumerate(views):
                    if not view.sliders().count():
                        continue
                    row = {"lesson": lesson.stem, "explorer": i,
                           "ours": measure_variant(page.page, page.traffic, view.root, moves)}
                    results["explorers"].append(row)
                    print(f"  explorer {i + 1}: paint {fmt(row['ours']['paint_median'])} ms",
                          flush=True)
                context.close()
            measure_floor(browser)
            for _ in range(KERNEL_ALONE_RUNS):
                print("… lite: the kernel alone", flush=True)
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = LiteLessonPage(context, alone).open("lessons/12_cheat_sheet.ipynb")
                results["kernel_alone_s"].append(page.timings["kernel_ready_s"])
                context.close()
            browser.close()
    finally:
        site.stop()
        alone.stop()
    return results


def lite_report(data: dict, server: dict | None) -> str:
    """The browser edition's section of RESULTS.md, beside the server-mode numbers."""
    lite = data["lite"]
    server = server or {}
    lines = [
        "## Browser edition (JupyterLite), beside server mode",
        "",
        f"Measured {data['date']} by `python benchmarks/run.py` ({data['moves']} moves "
        f"per explorer): the site built by `python3 lite/build.py` in "
        f"{lite['build_s']:.0f} s ({lite['site_bytes'] / 1e6:.1f} MB), served on 127.0.0.1, "
        "Chromium with every host but loopback unresolvable. Each lesson in a fresh browser "
        "context (cold: nothing cached). *kernel ready*: page load to the Pyodide kernel idle "
        "(Pyodide, the course's wheels, IPython); *Run All*: click to the last cell done; "
        "*paint*: median keydown → frame after the trace SVG changed (all sliders of the "
        "lesson's explorers). Server mode: JupyterLab, from the run of "
        f"{server.get('date', '—')} above (*open*: page load to kernel idle). Targets: kernel "
        f"ready ≤ {TARGETS['lite_kernel']} s, Run All ≤ {TARGETS['lite_run_all']} s.",
        "",
        "| lesson | lite kernel ready (s) | lite Run All (s) | lite paint median (ms) | "
        "server open (s) | server Run All (s) | server paint median (ms) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    server_lessons = server.get("browser", {}).get("lessons", {})
    server_rows = server.get("browser", {}).get("explorers", [])
    for stem, row in lite["lessons"].items():
        paints = [r["ours"]["paint_median"] for r in lite["explorers"] if r["lesson"] == stem]
        theirs = [r["ours"]["paint_median"] for r in server_rows if r["lesson"] == stem]
        other = server_lessons.get(stem, {})
        lines.append(
            f"| {stem} | {fmt(row['kernel_ready_s'], 1)} "
            f"{verdict(row['kernel_ready_s'], TARGETS['lite_kernel'])} | "
            f"{fmt(row['run_all_idle_s'], 1)} "
            f"{verdict(row['run_all_idle_s'], TARGETS['lite_run_all'])} | "
            f"{fmt(median(paints))} | {fmt(other.get('open_s'), 1)} | "
            f"{fmt(other.get('run_all_idle_s'), 1)} | {fmt(median(theirs))} |")
    server_floor = server.get("browser", {}).get("floor_runs", [])
    for k, m in enumerate(lite.get("floor_runs", [])):
        there = server_floor[k] if k < len(server_floor) else {}
        lines.append(
            f"| *floor: the course's imports and one minimal explorer* "
            f"({'before' if k == 0 else 'after'} the lessons) | {fmt(m['kernel_ready_s'], 1)} | "
            f"{fmt(m['run_all_idle_s'], 1)} | {fmt(m.get('paint_median'))} | "
            f"{fmt(there.get('open_s'), 1)} | {fmt(there.get('run_all_idle_s'), 1)} | — |")
    alone = lite.get("kernel_alone_s", [])
    if alone:
        lines.append(f"| *floor: the kernel alone, none of the course's packages (median of "
                     f"{len(alone)}: {', '.join(fmt(t, 1) for t in alone)})* | "
                     f"{fmt(median(alone), 1)} | — | — | — | — | — |")
    fetched = lite.get("kernel_start_bytes")
    if fetched:
        wheels = fetched["wheels"]
        lines += ["", f"A cold kernel start fetches {fetched['total'] / 1e6:.1f} MB: Pyodide's "
                  f"runtime {fetched['runtime'] / 1e6:.1f} MB, the lock's packages "
                  f"{fetched['lock_packages'] / 1e6:.1f} MB, the site's wheels "
                  f"{sum(wheels.values()) / 1e6:.1f} MB (plotly "
                  f"{next((v for k, v in wheels.items() if k.startswith('plotly-')), 0) / 1e6:.1f}"
                  f" MB, the bytecode "
                  f"{next((v for k, v in wheels.items() if 'bytecode' in k), 0) / 1e6:.1f} MB)."]
    return "\n".join(lines) + "\n"


def timed(command, **kwargs) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    return time.perf_counter() - started, result


# What a lesson's import cell costs: the library, its explorers and the first explorer (each
# explorer's module loads on first use; nbformat only when something uses it).
IMPORT_COURSE = ("import time; t = time.perf_counter(); import isomargin_lib, "
                 "isomargin_lib.explorers; isomargin_lib.explorers.leverage_distance(); "
                 "print(time.perf_counter() - t)")
IMPORT_NBFORMAT = ("import time; t = time.perf_counter(); import nbformat; "
                   "print(time.perf_counter() - t)")


def newest_jsonschema(workdir: Path) -> Path | None:
    """The newest jsonschema (and what it imports) in a folder, to put first on the path."""
    target = workdir / "jsonschema-newest"
    if not target.exists():
        _, result = timed([sys.executable, "-m", "pip", "install", "-q", "--target", str(target),
                           "jsonschema[format-nongpl]>4.24.1"])
        if result.returncode:
            return None
    return target


def run_all_with_newest_jsonschema(workdir: Path, lesson: Path) -> dict | None:
    """JupyterLab start and Run All -> first explorer with the newest jsonschema on the path of
    the server and its kernels: the 'before' of the jsonschema pin."""
    from playwright.sync_api import sync_playwright

    target = newest_jsonschema(workdir)
    if target is None:
        return None
    server = LabServer(workdir / "lab-newest", ROOT / "lessons",
                       env={"PYTHONPATH": str(target)}).start()
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = LessonPage(browser.new_context(viewport={"width": 1400, "height": 1000}),
                              server)
            page.open(f"lessons/{lesson.name}")
            timings = page.run_all()
            page.close()
            browser.close()
    finally:
        server.stop()
    return {"server_start_s": server.start_seconds, "lesson": lesson.stem,
            "first_explorer_s": timings["first_explorer_s"], "open_s": timings["open_s"]}


def import_costs(workdir: Path) -> dict:
    """``import nbformat`` (pulled in by plotly's FigureWidget) with the pinned jsonschema, and
    with the newest jsonschema installed beside it in a folder put first on the path."""
    def best_of(env=None, code=IMPORT_NBFORMAT):
        runs = []
        for _ in range(3):
            _, result = timed([sys.executable, "-c", code], env=env)
            if result.returncode:
                return None
            runs.append(float(result.stdout.split()[-1]))
        return min(runs)

    out = {"pinned": best_of()}
    out["course"] = best_of(code=IMPORT_COURSE)
    out["pinned_version"] = importlib.metadata.version("jsonschema")
    target = newest_jsonschema(workdir)
    if target is not None:
        env = dict(os.environ, PYTHONPATH=str(target))
        out["newest"] = best_of(env)
        _, version = timed(
            [sys.executable, "-c", "import jsonschema; print(jsonschema.__version__)"], env=env)
        out["newest_version"] = version.stdout.strip()
    return out


def fresh_install(workdir: Path) -> dict:
    """The README's install (``INSTALL``) in a copy of the repository, then its size after a
    first use (``FIRST_USE``)."""
    repo = workdir / "install-repo"
    shutil.copytree(ROOT, repo, ignore=shutil.ignore_patterns(
        ".git", ".venv", "*.egg-info", "build", "__pycache__", ".pytest_cache", ".hypothesis",
        ".ruff_cache", "test-artifacts"))
    env_dir = repo / ".venv"
    seconds, result = timed(INSTALL, shell=True, cwd=repo)
    if result.returncode:
        return {"error": result.stderr[-500:]}
    size = venv_bytes(env_dir)
    # First use: what a first Run All imports (Python then writes their bytecode).
    timed([env_dir / "bin" / "python", "-c", FIRST_USE], cwd=repo)
    return {"seconds": seconds, "bytes": size, "bytes_after_first_use": venv_bytes(env_dir)}


INSTALL = "python3 -m venv .venv && .venv/bin/pip install -q --no-compile -r requirements.txt"
FIRST_USE = ("import jupyterlab, jupyter_server.serverapp, ipykernel.kernelapp, "
             "isomargin_lib.explorers, isomargin_lib.exercises; import plotly.graph_objects as go;"
             " go.FigureWidget()")


def venv_bytes(env_dir: Path) -> int:
    return sum(f.stat().st_size for f in env_dir.rglob("*") if f.is_file() and not f.is_symlink())


def test_suite() -> dict:
    """The README's test command (as CI sets it up) without the browser-edition test."""
    env = dict(os.environ, ISOMARGIN_REQUIRE_BROWSER="1", ISOMARGIN_SLOW="1")
    seconds, result = timed([sys.executable, "-m", "pytest", "-q", "-rf", "--deselect",
                             "tests/browser/test_lite_edition.py"], cwd=ROOT, env=env)
    pytest_ini = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]
    addopts = pytest_ini["ini_options"]["addopts"]
    workers = addopts[addopts.index("-n") + 1]
    return {"seconds": seconds, "workers": int(workers), **pytest_outcome(result)}


def ci_run(workdir: Path) -> dict:
    """``.ci/run`` as CI runs it: a clean clone of HEAD, installs and every test included."""
    clone = workdir / "ci-clone"
    subprocess.run(["git", "clone", "-q", ROOT, clone], check=True)
    seconds, result = timed([clone / ".ci" / "run"], cwd=clone)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=clone,
                            capture_output=True, text=True).stdout.strip()
    return {"seconds": seconds, "commit": commit, **pytest_outcome(result)}


def pytest_outcome(result: subprocess.CompletedProcess) -> dict:
    lines = result.stdout.strip().splitlines()
    return {"summary": lines[-1] if lines else result.stderr[-300:],
            "returncode": result.returncode,
            "failed": [line.split(" - ")[0] for line in lines if line.startswith("FAILED ")]}


def monte_carlo() -> str | None:
    script = ROOT / "benchmarks" / "monte_carlo.py"
    if not script.exists():
        return None
    _, result = timed([sys.executable, str(script)], cwd=ROOT)
    return (result.stdout + (result.stderr if result.returncode else "")).strip()


# --------------------------------------------------------------------------- report


def verdict(value, target, higher_is_better=False):
    if value is None:
        return "—"
    ok = value >= target if higher_is_better else value <= target
    return "ok" if ok else "**MISSED**"


def report(data: dict) -> str:
    lines = ["# Benchmarks", "",
             f"Measured {data['date']} on {data['machine']} by `python benchmarks/run.py` "
             f"({data['moves']} moves per variant). Debian Chromium headless, JupyterLab "
             f"{data['versions']['jupyterlab']}, ipywidgets {data['versions']['ipywidgets']}, "
             f"plotly {data['versions']['plotly']}. Latencies in ms from the keydown; *first*: "
             "the first DOM change the learner sees (MutationObserver: a trace's SVG path, the "
             "readout's text, or a new plot element for the naive variant); *paint*: the frame "
             f"after it; *burst*: {BURST_PRESSES} moves 30 ms apart on the visible slider with "
             "the most room that way, last keydown to the last change; *busy*: kernel busy "
             "time per move (kernel clock, all busy periods of the move); *KB/move*: websocket "
             "bytes both ways; *echo err*: plotly \"truth value of an array\" errors logged by "
             "the kernel. Variants: *ours* (the lesson's explorer, `CourseFigureWidget`), "
             "*before* (same explorer on a plain `go.FigureWidget`), *dataonly* (ours without "
             "its per-move layout changes, where it has any), *naive* (`interact` re-creating "
             "and showing a `go.Figure` on the same computation), *minimal* (one slider, a "
             "two-point trace and a one-number readout on the same `Explorer` and "
             "`CourseFigureWidget`, measured once per lesson: the floor of this browser, server "
             "and kernel).", ""]
    browser = data.get("browser")
    if browser:
        lines += ["## Slider → redraw, per explorer", "",
                  "| lesson · explorer | variant | first median | first p95 | paint median | "
                  "paint p95 | burst settle | busy/move | busy periods | KB/move | echo err | "
                  "missed |", "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for row in browser["explorers"]:
            for variant in ("ours", "before", "dataonly", "naive", "minimal"):
                m = row.get(variant)
                if not m:
                    continue
                lines.append(
                    f"| {row['lesson']} · {row['explorer']} | {variant} | "
                    f"{fmt(m['first_median'])} | {fmt(m['first_p95'])} | "
                    f"{fmt(m['paint_median'])} | {fmt(m['paint_p95'])} | "
                    f"{fmt(m['burst_settle'])} | {fmt(m['busy_median'])} | "
                    f"{fmt(m['busy_periods'])} | {fmt(m['bytes_per_move'] / 1e3, 1)} | "
                    f"{m['echo_errors']} | {m['missed']} |")
        lines += ["", f"Targets per explorer: first DOM change p95 ≤ {TARGETS['first_p95']} ms, "
                  f"paint median ≤ {TARGETS['paint_median']} ms, burst settle ≤ "
                  f"{TARGETS['burst']} ms, naive paint / ours ≥ {TARGETS['naive_ratio']}x, busy "
                  f"per move ≤ {TARGETS['busy']} ms. *minimal*: the floor measured in the same "
                  "lesson's page (first p95 / paint median).", "",
                  "| lesson · explorer | first p95 | paint median | burst settle | naive/ours "
                  "(paint) | before/ours (busy) | busy/move | KB/move | minimal (first p95 / "
                  "paint) |", "|---|---|---|---|---|---|---|---:|---|"]
        for row in browser["explorers"]:
            ours, naive, before = row["ours"], row.get("naive", {}), row.get("before", {})
            floor = row.get("minimal", {})
            ratio = (naive.get("paint_median") / ours["paint_median"]
                     if naive.get("paint_median") and ours["paint_median"] else None)
            busy_ratio = (before.get("busy_median") / ours["busy_median"]
                          if before.get("busy_median") and ours["busy_median"] else None)
            lines.append(
                f"| {row['lesson']} · {row['explorer']} | {fmt(ours['first_p95'])} "
                f"{verdict(ours['first_p95'], TARGETS['first_p95'])} | "
                f"{fmt(ours['paint_median'])} "
                f"{verdict(ours['paint_median'], TARGETS['paint_median'])} | "
                f"{fmt(ours['burst_settle'])} "
                f"{verdict(ours['burst_settle'], TARGETS['burst'])} | "
                f"{fmt(ratio, 1, 'x')} {verdict(ratio, TARGETS['naive_ratio'], True)} | "
                f"{fmt(busy_ratio, 1, 'x')} | {fmt(ours['busy_median'])} "
                f"{verdict(ours['busy_median'], TARGETS['busy'])} | "
                f"{fmt(ours['bytes_per_move'] / 1e3, 1)} | "
                f"{fmt(floor.get('first_p95'))} / {fmt(floor.get('paint_median'))} |")
        lines += ["", "First redraw by slider (ours; median / max ms), where a target is missed:",
                  ""]
        for row in browser["explorers"]:
            ours = row["ours"]
            if (ours["first_p95"] or 0) > TARGETS["first_p95"] or (
                    ours["paint_median"] or 0) > TARGETS["paint_median"] or (
                    ours["burst_settle"] or 0) > TARGETS["burst"]:
                parts = [f"{label}: {fmt(a)} / {fmt(b)}"
                         for label, (a, b) in ours["first_by_slider"].items()]
                lines.append(f"- {row['lesson']} · {row['explorer']}: " + "; ".join(parts))
        lines += ["", "## Lessons: Run All → first explorer live", "",
                  "| lesson | explorers | FigureWidgets | figure JS by websocket | plotly module "
                  "fetches | websocket bytes | Run All → first explorer | Run All → idle | open "
                  "(app + kernel) | notebook size | problems |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
        for name, m in browser["lessons"].items():
            lines.append(
                f"| {name} | {m['explorers']} | {m['figure_widgets']} | "
                f"{fmt(m['figure_js_bytes'] / 1e3, 1, ' KB')} | {m['module_fetches']} | "
                f"{fmt(m['bytes'] / 1e6, 2, ' MB')} {verdict(m['bytes'], TARGETS['bytes'])} | "
                f"{fmt(m['first_explorer_s'], 2, ' s')} "
                f"{verdict(m['first_explorer_s'], TARGETS['first_live'])} | "
                f"{fmt(m['run_all_idle_s'], 2, ' s')} | {fmt(m['open_s'], 2, ' s')} | "
                f"{fmt(m['notebook_bytes'] / 1e3, 0, ' KB')} | "
                f"{'; '.join(m['problems'])[:200] or 'none'} |")
        for k, m in enumerate(browser.get("floor_runs", [])):
            lines.append(
                f"| *floor: the imports and one minimal explorer, nothing else* "
                f"({'before' if k == 0 else 'after'} the lessons) | 1 | 1 | — | — | — | "
                f"{fmt(m['first_explorer_s'], 2, ' s')} | {fmt(m['run_all_idle_s'], 2, ' s')} | "
                f"{fmt(m['open_s'], 2, ' s')} | — | — |")
        lines += ["", f"JupyterLab server start (to /api/status): "
                  f"{fmt(browser['server_start_s'], 2, ' s')}.", ""]
    imports = data.get("imports")
    if imports:
        lines += ["## `import nbformat` (plotly's FigureWidget imports it; paid per kernel)", "",
                  f"- jsonschema {imports.get('pinned_version')} (pinned): "
                  f"{fmt(imports.get('pinned'), 2, ' s')}",
                  f"- jsonschema {imports.get('newest_version', '?')} (newest): "
                  f"{fmt(imports.get('newest'), 2, ' s')}",
                  f"- `import isomargin_lib, isomargin_lib.explorers` and the first explorer "
                  f"built (a lesson's import cell and first explorer, kernel side): "
                  f"{fmt(imports.get('course'), 2, ' s')}"]
        newest, browser = imports.get("run_all_newest"), data.get("browser")
        if newest and browser:
            pinned = browser["lessons"].get(newest["lesson"], {})
            lines += [
                f"- JupyterLab start: {fmt(browser['server_start_s'], 2, ' s')} pinned, "
                f"{fmt(newest['server_start_s'], 2, ' s')} newest",
                f"- {newest['lesson']}, Run All → first explorer: "
                f"{fmt(pinned.get('first_explorer_s'), 2, ' s')} pinned, "
                f"{fmt(newest['first_explorer_s'], 2, ' s')} newest; opening it (app + kernel "
                f"start): {fmt(pinned.get('open_s'), 2, ' s')} pinned, "
                f"{fmt(newest['open_s'], 2, ' s')} newest"]
        lines.append("")
    suite, ci = data.get("suite"), data.get("ci")
    if suite or ci:
        lines += ["## Test suite", ""]
        dates = {part["date"] for part in (suite, ci) if part and part.get("date")}
        if dates - {data["date"]}:
            lines += [f"Measured {', '.join(sorted(dates))} by `python benchmarks/run.py "
                      "--suite` (the other sections: the run above).", ""]
    if suite:
        lines += [f"- the README's test command without the browser-edition test (JupyterLab "
                  f"browser and Binder tests included, {suite.get('workers', '?')} workers): "
                  f"{fmt(suite['seconds'], 1, ' s')} {verdict(suite['seconds'], TARGETS['suite'])}"
                  f" (target ≤ {TARGETS['suite']} s; {suite['summary']})"]
        lines += [f"- failed: `{name[7:]}`" for name in suite.get("failed", [])[:30]]
    if ci:
        lines += [f"- `.ci/run` on a clean clone of {ci['commit']} (installs, every test, the "
                  f"browser edition's build and test included): {fmt(ci['seconds'] / 60, 1)} min "
                  f"{verdict(ci['seconds'], TARGETS['ci'])} (target ≤ {TARGETS['ci'] // 60} "
                  f"min; {ci['summary']})"]
        lines += [f"- failed: `{name[7:]}`" for name in ci.get("failed", [])[:30]]
    if suite or ci:
        lines.append("")
    install = data.get("install")
    if install:
        mb = (install.get("bytes") or 0) / 1e6
        lines += [f"## Fresh install (the README's `{INSTALL}`, local package cache)", "",
                  f"- {fmt(install.get('seconds'), 1, ' s')} "
                  f"{verdict(install.get('seconds'), TARGETS['install_s'])} (target ≤ "
                  f"{TARGETS['install_s']} s), {fmt(mb, 0, ' MB')} in `.venv` "
                  f"{verdict(mb, TARGETS['install_mb'])} (target ≤ {TARGETS['install_mb']} MB)"
                  + (f" — error: {install['error']}" if "error" in install else ""),
                  f"- after a first use (the imports of a first Run All, whose bytecode Python "
                  f"then writes): {fmt((install.get('bytes_after_first_use') or 0) / 1e6, 0)} MB",
                  ""]
    if data.get("monte_carlo"):
        lines += ["## Monte Carlo (`benchmarks/monte_carlo.py`)", "", "```",
                  data["monte_carlo"], "```", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lessons", nargs="*", help="lesson prefixes, e.g. 00 03 (default all)")
    parser.add_argument("--moves", type=int, default=20)
    parser.add_argument("--skip-suite", action="store_true")
    parser.add_argument("--skip-install", action="store_true")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--skip-lite", action="store_true",
                        help="leave the browser edition's section as it was measured before")
    parser.add_argument("--skip-ci", action="store_true",
                        help="do not run .ci/run on a clean clone (the longest part)")
    parser.add_argument("--lite", action="store_true",
                        help="only the browser edition: write its section of RESULTS.md")
    parser.add_argument("--suite", action="store_true",
                        help="only the test suite and .ci/run: write their section of RESULTS.md")
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "RESULTS.md"))
    parser.add_argument("--variants", nargs="*", default=VARIANTS, choices=VARIANTS,
                        help="comparison variants beside ours and the minimal explorer")
    args = parser.parse_args()
    VARIANTS[:] = args.variants
    if args.lite:
        return main_lite(args)
    if args.suite:
        return main_suite(args)

    import ipywidgets
    import jupyterlab
    import plotly

    data = {"date": time.strftime("%Y-%m-%d %H:%M"), "moves": args.moves,
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python "
                       f"{platform.python_version()}",
            "versions": {"jupyterlab": jupyterlab.__version__,
                         "ipywidgets": ipywidgets.__version__, "plotly": plotly.__version__}}
    lessons = lesson_files(ROOT / "lessons")
    if args.lessons:
        lessons = [p for p in lessons if any(p.name.startswith(x) for x in args.lessons)]
    with tempfile.TemporaryDirectory(prefix="isomargin-bench-") as tmp:
        workdir = Path(tmp)
        if not args.skip_browser:
            if not chromium_available():
                sys.exit("Chromium not found at /usr/bin/chromium (apt-get install chromium)")
            data["browser"] = browser_benchmarks(lessons, args.moves, workdir)
        if not args.skip_import:
            data["imports"] = import_costs(workdir)
            if not args.skip_browser and chromium_available():
                data["imports"]["run_all_newest"] = run_all_with_newest_jsonschema(
                    workdir, lessons[0])
        data["monte_carlo"] = monte_carlo()
        if not args.skip_install:
            print("… fresh install", flush=True)
            data["install"] = fresh_install(workdir)
        if not args.skip_lite and chromium_available():
            print("… browser edition", flush=True)
            data["lite"] = lite_benchmarks(lessons, args.moves, workdir)
        if not args.skip_suite:
            print("… test suite", flush=True)
            data["suite"] = test_suite()
        if not args.skip_ci:
            print("… .ci/run on a clean clone", flush=True)
            data["ci"] = ci_run(workdir)
    text = report(data)
    if "lite" in data:
        text += "\n" + lite_report(data, data)
    print(text)
    # The browser edition's section (measured by --lite) survives a run that does not measure it.
    previous = Path(args.output).read_text() if Path(args.output).exists() else ""
    if "lite" not in data and LITE_START in previous:
        start = previous.index(LITE_START)
        end = previous.find("\n## ", start + 1)
        text += previous[start:end if end >= 0 else len(previous)].rstrip() + "\n"
        old_json = Path(args.output).with_suffix(".json")
        if old_json.exists():
            data.setdefault("lite", json.loads(old_json.read_text()).get("lite"))
    write_results(Path(args.output), text, data)


LITE_START = "\n## Browser edition (JupyterLite)"


def main_suite(args) -> None:
    """Measure the test suite and ``.ci/run`` again and rewrite RESULTS.md / RESULTS.json with
    them, every other section as it was measured (the suite's section gives its own date)."""
    output = Path(args.output)
    data = json.loads(output.with_suffix(".json").read_text())
    measured = time.strftime("%Y-%m-%d %H:%M")
    print("… test suite", flush=True)
    data["suite"] = {**test_suite(), "date": measured}
    if not args.skip_ci:
        print("… .ci/run on a clean clone", flush=True)
        with tempfile.TemporaryDirectory(prefix="isomargin-bench-") as tmp:
            data["ci"] = {**ci_run(Path(tmp)), "date": measured}
    text = report(data)
    if data.get("lite"):
        text += "\n" + lite_report(data, data)
    print(text)
    write_results(output, text, data)


def write_results(output: Path, text: str, data: dict) -> None:
    """RESULTS.md (``text``, then the hand-written "## Notes" of the previous file, which
    survive a re-run) and RESULTS.json (``data``)."""
    previous = output.read_text() if output.exists() else ""
    if "\n## Notes" in previous:
        text += "\n" + previous[previous.index("\n## Notes") + 1:].rstrip()
    output.write_text(text + "\n")
    output.with_suffix(".json").write_text(json.dumps(data, indent=1, default=str))


def main_lite(args) -> None:
    """Measure the browser edition and put its section into RESULTS.md / RESULTS.json, keeping
    the server-mode results there as they were measured."""
    if not chromium_available():
        sys.exit("Chromium not found at /usr/bin/chromium (apt-get install chromium)")
    output = Path(args.output)
    server = (json.loads(output.with_suffix(".json").read_text())
              if output.with_suffix(".json").exists() else {})
    lessons = lesson_files(ROOT / "lessons")
    if args.lessons:
        lessons = [p for p in lessons if any(p.name.startswith(x) for x in args.lessons)]
    data = {"date": time.strftime("%Y-%m-%d %H:%M"), "moves": args.moves}
    with tempfile.TemporaryDirectory(prefix="isomargin-bench-") as tmp:
        data["lite"] = lite_benchmarks(lessons, args.moves, Path(tmp))
    section = lite_report(data, server)
    print(section)
    text = output.read_text() if output.exists() else "# Benchmarks\n"
    notes = text.index("\n## Notes") if "\n## Notes" in text else len(text)
    if LITE_START in text:
        start = text.index(LITE_START)
        end = text.find("\n## ", start + 1)
        text = text[:start] + text[end if end >= 0 else len(text):]
        notes = text.index("\n## Notes") if "\n## Notes" in text else len(text)
    text = text[:notes].rstrip() + "\n\n" + section + text[notes:]
    output.write_text(text.rstrip() + "\n")
    server["lite"] = dict(data["lite"], date=data["date"], moves=data["moves"])
    output.with_suffix(".json").write_text(json.dumps(server, indent=1, default=str))


if __name__ == "__main__":
    main()
