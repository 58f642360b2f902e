"""Drive the browser edition (JupyterLite, ``lite/build.py``) the way ``labdriver`` drives
JupyterLab, and compute what the page should show natively.

- ``LiteSite`` builds the site with the README's build command into a temporary folder (once
  for all test workers, ``build_once``) and serves it with ``python -m http.server`` on
  127.0.0.1 under a sub-path (as GitHub Pages does); ``failed_requests()`` reads the server's
  log.
- ``LiteLessonPage`` is ``labdriver.LessonPage`` for JupyterLite: no server API and no kernel
  websocket (the kernel is a web worker in the page), so the kernel's state and the cells'
  progress are read from the page itself.
- ``NativeLesson`` runs a lesson's code in this Python (the library, natively) and keeps its
  explorers; ``NativeProbe`` sets them to the controls the page shows and reports them in the
  kernel probe's format, so ``check_explorers`` compares the page with the native library.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import re
import subprocess
import sys
import time
import types
import urllib.request
from pathlib import Path

from labdriver import PROBE_SOURCE, LessonPage, free_port

ROOT = Path(__file__).resolve().parents[2]
SUBPATH = "isomargin"      # served under /isomargin/, like a project's GitHub Pages site
KERNEL_IDLE = ("() => { const i = document.querySelector('.jp-Notebook-ExecutionIndicator');"
               " const k = [...document.querySelectorAll('.jp-StatusBar-TextItem')]"
               ".some(e => / \\| Idle$/.test(e.textContent.trim())"
               " && !e.textContent.includes('No Kernel'));"
               " return !!(i && i.dataset.status === 'idle' && k); }")


def build_script() -> types.ModuleType:
    """``lite/build.py`` as a module, for its constants (it is a script, not a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("lite_build", ROOT / "lite" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class LiteSite:
    """The built site, served on 127.0.0.1 from ``workdir``."""

    def __init__(self, workdir: Path):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.root = self.workdir / "www"
        self.output = self.root / SUBPATH
        self.port = free_port()
        self.log_path = self.workdir / f"http-{self.port}.log"   # one per server of the site
        self.build_log = self.workdir / "build.log"
        self.process: subprocess.Popen | None = None
        self.build_seconds: float | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/{SUBPATH}"

    def lab_url(self, relative_path: str) -> str:
        return f"{self.base_url}/lab/index.html?path={relative_path}"

    def build(self) -> LiteSite:
        started = time.perf_counter()
        with self.build_log.open("w") as log:
            result = subprocess.run([sys.executable, str(ROOT / "lite" / "build.py"),
                                     "--output", str(self.output)], stdout=log,
                                    stderr=subprocess.STDOUT, cwd=ROOT)
        if result.returncode:
            raise RuntimeError("lite/build.py failed:\n" + self.build_log.read_text()[-4000:])
        self.build_seconds = time.perf_counter() - started
        return self

    def build_once(self) -> LiteSite:
        """Build the site unless another process has built it in ``workdir`` (test workers
        that share the folder: the first builds under a lock, the others wait for it)."""
        import fcntl  # POSIX, as the browser tests are (Debian's Chromium)

        with (self.workdir / "build.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            built = self.workdir / "build.seconds"
            if built.exists():
                self.build_seconds = float(built.read_text())
            else:
                self.build()
                built.write_text(str(self.build_seconds))
        return self

    def start(self) -> LiteSite:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory",
             str(self.root), str(self.port)], stdout=self.log_path.open("w"),
            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(self.base_url + "/jupyter-lite.json", timeout=2).close()
                return self
            except OSError as error:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the static server did not start:\n"
                                       + self.log_tail()) from error
                time.sleep(0.1)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def failed_requests(self) -> list[str]:
        """Requests the server answered with 4xx/5xx (from its log). The browser's own
        ``/favicon.ico`` at the host's root lies outside the site and is not counted."""
        found = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            match = re.search(r'"(\w+) (\S+) HTTP/[\d.]+" (\d{3})', line)
            if match and int(match.group(3)) >= 400 and match.group(2) != "/favicon.ico":
                found.append(f"{match.group(3)} {match.group(1)} {match.group(2)}")
        return found

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class LiteTraffic:
    """No kernel websocket to listen to in JupyterLite: the kernel is a worker in the page.
    Stands in for ``KernelTraffic`` (no messages, no bytes; idle as the page shows it)."""

    bytes_received = bytes_sent = 0

    def __init__(self, page):
        self.page = page
        self.messages: list = []

    def mark(self) -> int:
        return 0

    def bytes_since(self, mark_bytes) -> int:
        return 0

    def busy_periods(self, mark: int) -> list:
        return []

    def figure_widgets(self, mark: int = 0) -> list:
        return []

    def is_idle(self) -> bool:
        return bool(self.page.evaluate(KERNEL_IDLE))


class LiteLessonPage(LessonPage):
    """JupyterLite in one page, one lesson open at a time (see ``LessonPage``).

    Requests off the machine fail (the browser's host rules); every failed request the page
    sees is kept in ``failed_requests``.
    """

    traffic_class = LiteTraffic

    def __init__(self, context, site: LiteSite, page=None):
        super().__init__(context, site, page)
        self.failed_requests: list[str] = []
        self.page.on("requestfailed",
                     lambda r: self.failed_requests.append(f"{r.url}: {r.failure}"))
        self.page.on("response", lambda r: r.status >= 400 and self.failed_requests.append(
            f"{r.status} {r.url}"))

    def open(self, relative_path: str, timeout: float = 120_000) -> LiteLessonPage:
        super().open(relative_path, timeout)
        self.timings["kernel_ready_s"] = self.timings["open_s"]
        return self

    def wait_kernel_ready(self, timeout: float = 120_000) -> None:
        # The site's notebooks attach cells as the page idles ("defer" windowing): wait for all.
        cells = len(json.loads((self.server.output / "files" / self.path).read_text())["cells"])
        self.page.wait_for_function(
            "n => window.__iso.panel().querySelectorAll('.jp-Cell').length >= n", arg=cells,
            timeout=timeout)
        self.page.wait_for_function(KERNEL_IDLE, timeout=timeout)

    def kernel_id(self) -> str | None:
        return None  # no server sessions: closing the tab shuts the kernel (site settings)

    def run_all(self, timeout: float = 240) -> dict:
        # Stored outputs carry execution counts: clear them first, so that a numbered prompt
        # means "run in this kernel".
        self.menu_command("Edit", "editmenu:clear-all")
        self.page.wait_for_function(
            "() => ![...window.__iso.panel().querySelectorAll('.jp-CodeCell "
            ".jp-InputArea-prompt')].some(p => /\\d/.test(p.textContent))")
        return super().run_all(timeout)

    def execution_done(self, mark: int) -> tuple[int, int, bool]:
        state = self.page.evaluate(r"""() => {
          const prompts = [...window.__iso.panel().querySelectorAll(
              '.jp-CodeCell .jp-InputArea-prompt')].map(p => p.textContent.trim());
          return {numbered: prompts.filter(t => /^\[\d+\]:$/.test(t)).length,
                  queued: prompts.filter(t => t === '[*]:').length,
                  errors: window.__iso.panel().querySelectorAll(
                      '.jp-OutputArea-output[data-mime-type*="error"]').length};
        }""")
        sent = state["numbered"] + state["queued"]
        failed = state["errors"] > 0
        if failed and not state["queued"]:
            sent = state["numbered"] or 1   # Run All stops at an error: nothing more will run
        return sent, state["numbered"], failed

    def run_new_cell(self, code: str, timeout: float = 60_000) -> str:
        """Add a code cell at the end, type ``code`` into it and run it (Shift+Enter), as a
        learner does; returns its output's text."""
        cells = self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell")
        count = cells.count()
        cells.nth(count - 1).locator(".jp-InputPrompt").first.click()
        self.page.keyboard.press("Escape")
        self.page.keyboard.press("b")
        self.page.wait_for_function(
            "n => window.__iso.panel().querySelectorAll('.jp-Cell').length > n", arg=count)
        new = cells.nth(count)
        new.locator(".cm-content").click()
        self.page.keyboard.insert_text(code)
        self.page.keyboard.press("Shift+Enter")
        output = new.locator(".jp-OutputArea-output")
        output.first.wait_for(timeout=timeout)
        return output.first.inner_text()

    def use_native(self, native: NativeLesson) -> NativeProbe:
        """Compare this lesson's explorers with ``native`` (``probe()`` answers from it)."""
        self.native_probe = NativeProbe(self, native)
        return self.native_probe

    def probe(self) -> NativeProbe:
        # JupyterLite has no second kernel client: the readouts are compared with the library
        # run natively (``use_native``).
        return self.native_probe


# --------------------------------------------------------------------------- the native side


def _probe_module() -> types.ModuleType:
    """The kernel probe's functions (``labdriver.PROBE_SOURCE``), in this Python."""
    if "_isomargin_probe" not in sys.modules:
        exec(PROBE_SOURCE, {})
    return sys.modules["_isomargin_probe"]


class NativeLesson:
    """A lesson's code cells run in this Python, in their own namespace; keeps the explorers
    they made (in the order their widgets were made) and the exercises' module."""

    def __init__(self, path: Path):
        self.path = Path(path)
        notebook = json.loads(self.path.read_text())
        probe = _probe_module()
        before = {id(e) for e in probe.live()}
        self.namespace: dict = {"__name__": "__lesson__"}
        cwd = os.getcwd()
        os.chdir(self.path.parent)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                for cell in notebook["cells"]:
                    if cell["cell_type"] == "code":
                        exec(compile("".join(cell["source"]), str(self.path), "exec"),
                             self.namespace)
        finally:
            os.chdir(cwd)
        self.explorers = [e for e in probe.live() if id(e) not in before]

    def exercise(self) -> tuple[str, str] | None:
        """One exercise of the lesson as the learner types it, and the right answer's code:
        the first numeric question (its answer computed natively, every digit), else q1; None
        for a page without exercises (the cheat sheet)."""
        from isomargin_lib.exercises import ChoiceExercise, NumericExercise

        modules = [(name, value) for name, value in self.namespace.items()
                   if isinstance(value, types.ModuleType)
                   and value.__name__.startswith("isomargin_lib.exercises.lesson")]
        if not modules:
            return None
        module, exercises = modules[0][0], vars(modules[0][1])
        questions = [n for n, v in exercises.items()   # in the module's order
                     if isinstance(v, (NumericExercise, ChoiceExercise))]
        numeric = [n for n in questions if isinstance(exercises[n], NumericExercise)]
        name = (numeric or questions)[0]
        answer = exercises[name].answer
        return f"{module}.{name}", repr(float(answer) if name in numeric else answer)


PAGE_CONTROLS = r"""el => {
  const label = w => ((w.querySelector('.widget-label') || {}).textContent || '').trim();
  const out = [];
  // The readout's text: aria-valuenow is rounded (1.25 reads 1.3).
  for (const s of el.querySelectorAll('.widget-slider'))
    out.push([label(s), 'number', s.querySelector('.widget-readout').textContent]);
  for (const t of el.querySelectorAll('.widget-toggle-buttons'))
    out.push([label(t), 'label', (t.querySelector('button.mod-active') || {}).textContent]);
  for (const d of el.querySelectorAll('.widget-dropdown')) {
    const select = d.querySelector('select');
    out.push([label(d), 'label', select.options[select.selectedIndex].textContent]);
  }
  return out;
}"""


class NativeProbe:
    """What the library computes natively for the controls each page explorer shows.

    ``explorers()`` answers like ``KernelProbe.explorers()``: for every native explorer, set to
    the controls of the page explorer it stands for, its controls, readout texts and a fresh
    computation. Page and native explorers are paired once, by slider labels and readout.
    """

    def __init__(self, lesson_page: LessonPage, native: NativeLesson):
        self.lesson_page = lesson_page
        self.native = native
        self.pairs: dict[int, object] = {}
        probe = _probe_module()
        free = list(native.explorers)
        for view in lesson_page.explorers():
            labels, texts = view.slider_labels(), view.texts()
            for e in free:
                described = probe.describe(e)
                descriptions = [d for d, _ in described["controls"].values()]
                if not all(label in descriptions for label in labels):
                    continue
                # The page's controls as drawn (a log slider snaps its value to its step grid)
                self._set(e, view.root.evaluate(PAGE_CONTROLS))
                if e.texts == texts:
                    self.pairs[view.index] = e
                    free.remove(e)
                    break
        self.unpaired_native = free

    @staticmethod
    def _set(explorer, page_controls) -> None:
        for _ in range(2):  # a control's range may depend on another's value: set twice
            for label, kind, shown in page_controls:
                for control in explorer.controls.values():
                    if getattr(control, "description", None) != label or shown is None:
                        continue
                    if kind == "label":
                        # ipywidgets draws a Dropdown's spaces as no-break spaces
                        value = dict(zip(control._options_labels, control._options_values))[
                            shown.replace("\xa0", " ").strip()]
                    elif hasattr(control, "base"):  # a log slider: steps in the exponent
                        exponent = math.log(float(shown.replace(",", "")), control.base)
                        steps = round((exponent - control.min) / control.step)
                        value = control.base ** (control.min + steps * control.step)
                    else:  # the step nearest to the text (it is rounded to the format)
                        steps = round((float(shown.replace(",", "")) - control.min)
                                      / control.step)
                        value = control.min + steps * control.step
                        if isinstance(control.value, int):
                            value = int(value)
                    if control.value != value:
                        control.value = value

    def explorers(self) -> list[dict]:
        probe = _probe_module()
        found = []
        for view in self.lesson_page.explorers():
            explorer = self.pairs.get(view.index)
            if explorer is None:
                continue
            self._set(explorer, view.root.evaluate(PAGE_CONTROLS))
            found.append(json.loads(json.dumps(probe.describe(explorer), default=str)))
        return found

    def close(self) -> None:
        pass
