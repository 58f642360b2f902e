"""The browser edition (JupyterLite): every lesson live in Chromium, with no network.

The site is built by the README's build command (``lite/build.py``) and served on 127.0.0.1;
in Chromium no host but 127.0.0.1 resolves, so any request that would leave the machine fails.
For each lesson (every ``lessons/*.ipynb``), one after another in one page of the lite app as a
learner opens them (a new page after a lesson that failed): open it, Run All; no error output,
no failed request; every explorer the lesson makes is rendered, every slider moved with the
keyboard changes the figure or readout (at least one per explorer redraws its traces), and the
readout equals what the library computes natively (in this Python) for the controls the page
shows; one exercise answered through its ``check()`` in a new cell says "Correct". A screenshot
and a log of each failing lesson go to ``test-artifacts/browser/lite-*``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from labdriver import lesson_files
from litedriver import NativeLesson, build_script
from test_lessons_in_browser import check_explorers, run_all_problems, save_failure

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
LESSON_FILES = lesson_files(ROOT / "lessons")


def test_the_site_is_self_contained(lite_site):
    """One build: the self-hosted Pyodide, the lessons, within the build's size limit."""
    assert (lite_site.output / "static" / "pyodide" / "pyodide.asm.wasm").exists()
    built = sorted(p.name for p in (lite_site.output / "files" / "lessons").glob("*.ipynb"))
    assert built == [p.name for p in LESSON_FILES]
    size = sum(p.stat().st_size for p in lite_site.output.rglob("*") if p.is_file())
    assert size <= build_script().MAX_SITE_BYTES
    assert not list(lite_site.output.rglob("*.map"))


# Under heavy load (other processes on both cores) JupyterLite 0.6's anywidget occasionally
# fails to initialise a figure's model ("[anywidget] Failed to initialize model"): the figure
# then never draws. Such a run says nothing about the lesson, so it is run once more in a fresh
# page; any other problem, or the same one twice, fails the test.
WIDGET_INIT_RACE = "Failed to initialize model"


@pytest.mark.parametrize("lesson", LESSON_FILES, ids=[p.stem for p in LESSON_FILES])
def test_lesson_runs_live_in_the_browser(lesson, lite_site, lite_page, artifacts):
    problems, console = _run_lesson(lesson, lite_site, lite_page, artifacts)
    if problems and any(WIDGET_INIT_RACE in line for line in console):
        (artifacts / f"lite-{lesson.stem}.retried").write_text("\n".join(problems + console))
        problems, console = _run_lesson(lesson, lite_site, lite_page, artifacts)
    assert not problems, f"{lesson.name} in the browser edition:\n  " + "\n  ".join(problems)


def _run_lesson(lesson, lite_site, lite_page, artifacts) -> tuple[list[str], list[str]]:
    """Open ``lesson`` in the shared page, run it and drive it; (problems, this lesson's console
    errors). A lesson with problems leaves the page behind: the next one opens a new page.

    Opening the next lesson in the same app (closing the tab shuts the previous lesson's kernel
    down) is what a learner does; it skips loading the app again, 5-6 s of each lesson here."""
    page = lite_page.get()
    problems: list[str] = []
    requests_before = len(lite_site.failed_requests())
    page.failed_requests.clear()
    try:
        native = NativeLesson(lesson)
        page.open(f"lessons/{lesson.name}")
        problems += run_all_problems(page)
        if not problems:
            probe = page.use_native(native)
            shown = len(page.explorers())
            if shown != len(native.explorers) or len(probe.pairs) != shown:
                problems.append(f"{shown} explorer(s) rendered, {len(probe.pairs)} of them "
                                f"showing the native library's readout; the lesson makes "
                                f"{len(native.explorers)}")
            explorer_problems, _ = check_explorers(page)
            problems += explorer_problems
            exercise = native.exercise()
            if exercise is not None:
                question, answer = exercise
                feedback = page.run_new_cell(f"{question}.check({answer})")
                if "Correct" not in feedback:
                    problems.append(f"{question}.check({answer}) in the browser said: "
                                    f"{feedback!r}")
            problems += page.problems()
        problems += [f"failed request: {r}" for r in page.failed_requests]
        problems += [f"server answered: {r}"
                     for r in lite_site.failed_requests()[requests_before:]]
        if problems:
            save_failure(page, artifacts / f"lite-{lesson.stem}", problems,
                         lite_site.log_tail())
    except Exception:
        try:
            page.screenshot(artifacts / f"lite-{lesson.stem}.png")
        finally:
            lite_page.discard()
        raise
    console = page.console_errors[page.console_mark:]
    if problems:
        lite_page.discard()
    return problems, console


def test_a_plain_figure_widget_imports_plotly_from_the_site(lite_site, lite_page, artifacts):
    """A learner's own ``go.FigureWidget`` in the browser edition: the site's plotly wheel holds
    the course's small module in place of plotly's 5 MB one, so two plain FigureWidgets draw
    their lines with one fetch of plotly's module from the site (in a new page: none of the
    lessons' figures has imported it there)."""
    lite_page.discard()
    page = lite_page.get()
    try:
        page.open("lessons/12_cheat_sheet.ipynb")
        page.run_new_cell("import plotly.graph_objects as go\n"
                          "from IPython.display import display\n"
                          "for n in (2, 3):\n"
                          "    display(go.FigureWidget(go.Scatter(y=list(range(n)))))\n")
        page.page.wait_for_function(
            "() => [...window.__iso.panel().querySelectorAll('.scatterlayer .trace path.js-line')]"
            ".filter(p => (p.getAttribute('d') || '').length > 3).length >= 2", timeout=60_000)
        assert page.plotly_module_statuses in ([200], [304])
        assert not page.figure_module_problems() and not page.problems()
    except Exception:
        page.screenshot(artifacts / "lite-plain-figure-widget.png")
        raise
    finally:
        lite_page.discard()
