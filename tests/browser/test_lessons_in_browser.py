"""Every lesson in a real JupyterLab and Chromium, used like a learner uses it.

For each lesson: open it, Run > Run All Cells, wait until the kernel has answered every cell and
is idle; no error or stderr output, no widget that failed to render, no slider outside an
explorer; every figure imports plotly's widget module by URL, fetched once per page. Then, for
every explorer, focus each slider and press an arrow key, and click each mode button: each
slider step must change the figure or the readout, at least one slider must redraw the plotly
traces' SVG, and the readout's ``data-key`` cells must be well formed and equal what the
kernel's library computes for the controls' new values. A screenshot and a log of each failing
lesson go to ``test-artifacts/browser/``.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from labdriver import MALFORMED, LessonPage, lesson_files, match_kernel_explorer

pytestmark = pytest.mark.browser

LESSON_FILES = lesson_files(Path(__file__).resolve().parents[2] / "lessons")


def _close(a: str, b) -> bool:
    """The slider's readout text equals the kernel's value (to the readout's precision)."""
    try:
        shown = float(a.replace(",", ""))
        value = float(b)
    except (TypeError, ValueError):
        return str(a).strip() == str(b).strip()
    decimals = len(a.split(".")[1]) if "." in a else 0
    return math.isclose(shown, value, abs_tol=0.5 * 10 ** -decimals + 1e-12)


def kernel_value(match: dict, label: str):
    """The kernel's value of the control labelled ``label`` in a matched explorer."""
    return next((v for d, v in match["controls"].values() if d == label), None)


def check_move(move, where: str, labels: list[str], label: str | None = None) -> list[str]:
    """What is wrong with one action's result (an empty list when nothing is)."""
    problems = []
    if move.key != "click" and move.value_after == move.value_before:
        return [f"{where}: the slider did not move (stays at {move.value_before})"]
    # A mode button may change nothing in some states (a top-up level before any top-up);
    # a slider step must show.
    if not move.anything_changed and move.key != "click":
        problems.append(f"{where}: neither the figure nor the readout changed")
    bad = {k: v for k, v in move.texts_after.items() if not v or MALFORMED.search(v)}
    if bad:
        problems.append(f"{where}: malformed readout {bad}")
    match = match_kernel_explorer(move.kernel, labels, move.texts_after)
    if match is None:
        problems.append(f"{where}: the readout {move.texts_after} matches no explorer in the "
                        f"kernel: {move.kernel}")
        return problems
    if match["fresh"] != match["texts"]:
        controls = {name: value for name, (_, value) in match["controls"].items()}
        problems.append(f"{where}: the readout {match['texts']} is not what the library "
                        f"computes for the controls {controls}: {match['fresh']}")
    if label is not None:
        value = kernel_value(match, label)
        if not _close(move.value_after, value):
            problems.append(f"{where}: the page shows {move.value_after}, the kernel holds "
                            f"{value}")
    return problems


def check_explorers(lesson: LessonPage) -> tuple[list[str], int]:
    """Press an arrow key on every slider and click every mode button of every explorer.

    Each slider step must move the slider and change the figure or the readout; every action
    (mode buttons too) must leave the readout
    showing exactly what the library computes for the controls' new values (read from the
    kernel through a second, silent client, queued behind the update). Each explorer must have
    at least one slider whose move redraws the traces."""
    problems: list[str] = []
    actions = 0
    views = lesson.explorers()
    if not views:
        return problems, actions
    probe = lesson.probe()

    def agreed(move, labels, label):
        match = match_kernel_explorer(move.kernel, labels, move.texts_after)
        if match is None or label is None:
            return match is not None
        return _close(move.value_after, kernel_value(match, label))

    def settle_readout(view, move, labels, label=None):
        # A readout may reach the page just after the probe's answer, or a slider may send a
        # second value (on a loaded machine the kernel may not hold it yet): give both sides a
        # moment to agree. check_move then judges what they show.
        for attempt in range(1, 21):
            if agreed(move, labels, label):
                break
            lesson.page.wait_for_timeout(100)
            move.texts_after = view.texts()
            if attempt % 5 == 0:
                move.kernel = probe.explorers()
        return move

    try:
        for view in views:
            tested: set[str] = set()
            traces_moved = False
            name = f"explorer {view.index + 1}"
            modes = [None, *range(view.toggle_buttons().count())]
            for mode in modes:
                if mode is not None:
                    active = view.toggle_buttons().nth(mode).evaluate(
                        "b => b.classList.contains('mod-active')")
                    if active:
                        continue
                    labels = view.slider_labels()
                    move = settle_readout(view, view.click_toggle(mode, sync=probe.explorers),
                                          labels)
                    actions += 1
                    problems += check_move(move, f"{name}, button '{move.label}'",
                                           view.slider_labels())
                for i, label in view.visible_sliders():
                    if label in tested:
                        continue
                    tested.add(label)
                    labels = view.slider_labels()
                    figure_before = view.figure_signature()
                    move = settle_readout(view, view.press(i, sync=probe.explorers), labels,
                                          label)
                    actions += 1
                    traces_moved = (traces_moved or move.trace_changed
                                    or view.figure_changes(figure_before))
                    problems += check_move(move, f"{name}, slider '{label}' {move.key}",
                                           labels, label)
            if not tested:
                problems.append(f"{name}: has no slider")
            elif not traces_moved:
                problems.append(f"{name}: no slider move changed the plotly traces")
    finally:
        probe.close()
    return problems, actions


def run_all_problems(page: LessonPage) -> list[str]:
    """Run All, then what is wrong in the notebook: cells that did not run, error outputs,
    failed widgets, sliders outside an explorer."""
    timings = page.run_all()
    problems = []
    if timings["run_failed"] or timings["cells_run"] < timings["cells"]:
        problems.append(f"Run All stopped: {timings['cells_run']} of {timings['cells']} "
                        "code cells ran")
    problems += page.problems()
    problems += page.figure_module_problems()
    orphans = page.orphan_sliders()
    if orphans:
        problems.append(f"{orphans} slider(s) outside any explorer (no readout/figure)")
    return problems


def save_failure(page: LessonPage, path: Path, problems: list[str], server_log: str) -> None:
    """A screenshot (``path``.png) and a log (``path``.log) of a failing lesson."""
    page.screenshot(path.with_suffix(".png"))
    path.with_suffix(".log").write_text(
        "\n".join(problems) + "\n\nbrowser console errors:\n" + "\n".join(page.console_errors)
        + "\n\nserver log tail:\n" + server_log)


@pytest.mark.parametrize("lesson", LESSON_FILES, ids=[p.stem for p in LESSON_FILES])
def test_lesson_runs_and_explorers_respond(lesson, lab_server, shared_page, artifacts):
    page = shared_page.get()
    problems: list[str] = []
    try:
        page.open(f"lessons/{lesson.name}")
        problems += run_all_problems(page)
        if not problems:
            explorer_problems, _ = check_explorers(page)
            problems += explorer_problems
            problems += page.problems()
        if problems:
            save_failure(page, artifacts / lesson.stem, problems, lab_server.log_tail())
    except Exception:
        try:
            page.screenshot(artifacts / f"{lesson.stem}.png")
        finally:
            shared_page.discard()
        raise
    assert not problems, f"{lesson.name} in the browser:\n  " + "\n  ".join(problems)
