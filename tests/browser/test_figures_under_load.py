"""Many figures created at once, in a slowed-down browser, all draw.

anywidget gives each figure 2 s to load its module and initialise. A plain plotly FigureWidget
ships plotly's 5 MB widget module with every figure, which the page then parses and runs once
per figure: on a busy machine the later figures miss the limit and stay blank ("[anywidget]
Failed to initialize model"). The course's figures import that module by URL, once per page.
Here one cell makes ``FIGURES`` course figures in a fresh browser profile (nothing cached) whose
CPU Chromium slows down ``CPU_SLOWDOWN`` times: every one of them must draw its trace.
"""

from __future__ import annotations

import nbformat
import pytest
from labdriver import VIEWPORT, LessonPage

pytestmark = pytest.mark.browser

FIGURES = 8
CPU_SLOWDOWN = 4
NOTEBOOK = "figures_under_load.ipynb"
SOURCE = f"""\
import plotly.graph_objects as go
from IPython.display import display
from isomargin_lib.plots import CourseFigureWidget

display(*[CourseFigureWidget(data=[go.Scatter(y=[0, i, 1])]) for i in range({FIGURES})])"""


def test_every_figure_draws_on_a_slow_cpu(lab_server, browser, artifacts):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(SOURCE)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, lab_server.root / NOTEBOOK)
    context = browser.new_context(viewport=VIEWPORT)
    page = LessonPage(context, lab_server)
    try:
        page.open(NOTEBOOK)
        cdp = context.new_cdp_session(page.page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        page.run_all()
        drawn = "n => window.__iso.panel().querySelectorAll('.js-plotly-plot .scatterlayer " \
                ".trace').length >= n"
        try:
            page.page.wait_for_function(drawn, arg=FIGURES, timeout=60_000)
        except Exception:  # judged below, with what did draw
            pass
        traces = page.page.evaluate("() => window.__iso.panel().querySelectorAll("
                                    "'.js-plotly-plot .scatterlayer .trace').length")
        problems = page.problems() + page.figure_module_problems()
        if traces < FIGURES or problems:
            page.screenshot(artifacts / "figures_under_load.png")
        assert traces == FIGURES and not problems, (
            f"{traces} of {FIGURES} figures drew at {CPU_SLOWDOWN}x CPU slowdown; {problems}; "
            f"console: {page.console_errors}")
    finally:
        page.close()
        context.close()
        (lab_server.root / NOTEBOOK).unlink(missing_ok=True)
