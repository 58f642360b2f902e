"""Drive the course in a real JupyterLab and a real Chromium, the way a learner does.

Shared by the browser tests (``tests/browser``) and the benchmarks (``benchmarks/run.py``):

- ``LabServer`` starts JupyterLab on 127.0.0.1, a free port and a random token, serving a
  *copy* of the lessons (nothing the browser does can change the repository's notebooks), with
  its own settings (no news toast, no autosave) and runtime folders; ``stop()`` shuts down the
  server and its kernels, by the process it started.
- ``launch_chromium`` starts Debian's Chromium through playwright (never ``playwright install``).
- ``KernelTraffic`` listens to the page's kernel websocket: bytes, execute requests and replies,
  and the kernel's own busy/idle times (Jupyter's v1 binary websocket protocol).
- ``LessonPage`` opens a lesson, runs all cells from the Run menu, finds error outputs and
  failed widgets, and finds the explorers; ``ExplorerView`` moves sliders with the keyboard and
  reads the plotly trace SVG and the readout's ``data-key`` cells.
- ``KernelProbe`` asks the same kernel (a second client, silent) what every ``Explorer`` holds,
  so the page can be compared with the numbers the library computes.
"""

from __future__ import annotations

import ast
import json
import os
import re
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from isomargin_server import MODULE_NAME, URL_PATH

CHROMIUM = os.environ.get("ISOMARGIN_CHROMIUM", "/usr/bin/chromium")
# Headless comes from playwright's headless=True; the rest keeps Chromium off the (closed) network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
VIEWPORT = {"width": 1400, "height": 1000}

# Lab settings for the test server: no news/update toast, never write notebooks back.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false",
                                                    "checkForUpdates": False},
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    # Keep every cell in the DOM (the default windowing drops cells scrolled out of view), and
    # shut a lesson's kernel down when its tab closes.
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none", "kernelShutdown": True},
}

BAD_OUTPUT_WORDS = ("Error displaying widget", "model not found", "Traceback")
# A readout text that leaks Python's spelling of a missing or infinite number, or a raw template.
# plotly's widget module, which every course figure imports (isomargin_lib/figure_widget.js).
PLOTLY_MODULE_PATH = URL_PATH + MODULE_NAME
# A course figure's own module is the small import shim; plotly's is about 5 MB.
MAX_FIGURE_ESM_BYTES = 10_000
MALFORMED = re.compile(r"\b(nan|NaN|None|inf|Infinity)\b|[{}]|Traceback")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def chromium_available() -> bool:
    return Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)


def lesson_files(lessons_dir: Path) -> list[Path]:
    """Every lesson notebook, in course order (NN_name.ipynb, then appendices)."""
    return sorted(p for p in Path(lessons_dir).glob("*.ipynb") if not p.name.startswith("."))


# --------------------------------------------------------------------------- JupyterLab server


class LabServer:
    """JupyterLab on 127.0.0.1 serving a copy of ``lessons_dir`` from ``workdir``.

    The token is random (never empty). As root, ``--allow-root`` is passed. Kernels use this
    Python (``sys.executable``'s environment), so they import the installed ``isomargin_lib``.
    """

    def __init__(self, workdir: Path, lessons_dir: Path, *, python: str = sys.executable,
                 extra_files: dict[str, str] | None = None, env: dict | None = None):
        self.workdir = Path(workdir)
        self.lessons_dir = Path(lessons_dir)
        self.python = python
        self.extra_files = extra_files or {}
        self.extra_env = env or {}
        self.root = self.workdir / "root"
        self.runtime = self.workdir / "runtime"
        self.log_path = self.workdir / "jupyterlab.log"
        self.token = secrets.token_hex(24)
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.start_seconds: float | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def lab_url(self, relative_path: str) -> str:
        """Open a file in JupyterLab without restoring any saved workspace (``?reset``)."""
        return f"{self.base_url}/lab/tree/{relative_path}?reset&token={self.token}"

    def start(self, timeout: float = 90) -> LabServer:
        if self.root.exists():
            shutil.rmtree(self.root)
        shutil.copytree(self.lessons_dir, self.root / "lessons",
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        for name, text in self.extra_files.items():
            (self.root / name).parent.mkdir(parents=True, exist_ok=True)
            (self.root / name).write_text(text)
        settings = self.workdir / "lab-settings"
        for plugin, values in LAB_SETTINGS.items():
            path = settings / f"{plugin}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        env = dict(os.environ)
        env.update({
            "JUPYTER_RUNTIME_DIR": str(self.runtime),
            "JUPYTERLAB_SETTINGS_DIR": str(settings),
            "JUPYTERLAB_WORKSPACES_DIR": str(self.workdir / "lab-workspaces"),
            "JUPYTER_CONFIG_DIR": str(self.workdir / "jupyter-config"),
            "IPYTHONDIR": str(self.workdir / "ipython"),
            "PYTHONUNBUFFERED": "1",
        })
        env.update(self.extra_env)
        command = [
            self.python, "-m", "jupyter", "lab",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
            "--ServerApp.open_browser=False", f"--ServerApp.root_dir={self.root}",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        started = time.perf_counter()
        self.process = subprocess.Popen(
            command, env=env, cwd=self.root, stdout=self.log_path.open("w"),
            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = started + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {self.process.returncode}:\n"
                                   + self.log_tail())
            try:
                self.api("GET", "/api/status", timeout=2)
                break
            except (OSError, urllib.error.URLError) as error:
                if time.perf_counter() > deadline:
                    self.stop()
                    raise RuntimeError("JupyterLab did not answer in time:\n"
                                       + self.log_tail()) from error
                time.sleep(0.1)
        self.start_seconds = time.perf_counter() - started
        return self

    def api(self, method: str, path: str, body=None, timeout: float = 10):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base_url + path, data=data, method=method,
            headers={"Authorization": f"token {self.token}",
                     "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read().decode()
        return json.loads(text) if text else None

    def sessions(self) -> list[dict]:
        return self.api("GET", "/api/sessions")

    def shutdown_kernels(self) -> None:
        for session in self.sessions():
            try:
                self.api("DELETE", f"/api/sessions/{session['id']}")
            except (OSError, urllib.error.URLError):
                pass

    def connection_file(self, kernel_id: str) -> Path:
        return self.runtime / f"kernel-{kernel_id}.json"

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        """Shut the server and its kernels down; by the process group this object started."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            self.api("POST", "/api/shutdown", timeout=5)
        except (OSError, urllib.error.URLError):
            pass
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        # Kernels are children of the server's session group: end any left behind.
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass


# Every host name but loopback's is unresolvable: any request that would leave the machine fails.
OFFLINE_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


def launch_chromium(playwright, *, offline: bool = False):
    """Debian's Chromium through playwright's sync API (executable_path; no downloaded browser);
    ``offline``: no host but 127.0.0.1 resolves."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                      args=CHROMIUM_ARGS + (OFFLINE_ARGS if offline else []))


# --------------------------------------------------------------------------- kernel websocket


@dataclass
class KernelMessage:
    t: float                 # time.perf_counter() when playwright reported the frame
    direction: str           # "sent" (browser -> kernel) or "received"
    size: int
    channel: str
    msg_type: str
    msg_id: str
    parent_id: str
    date: datetime | None    # the header's own timestamp (kernel clock for kernel messages)
    content: dict = field(default_factory=dict)


def _parse_date(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def parse_frame(payload) -> tuple[str, dict, dict, bytes | str] | None:
    """Channel, header, parent header and raw content of one kernel websocket frame.

    Jupyter's ``v1.kernel.websocket.jupyter.org`` frames are binary: a little-endian uint64
    count ``n``, then ``n`` uint64 offsets (the last is the end), then channel, header, parent
    header, metadata, content and buffers. Older JSON text frames are parsed too.
    """
    if isinstance(payload, str):
        try:
            message = json.loads(payload)
        except ValueError:
            return None
        return (message.get("channel", ""), message.get("header", {}),
                message.get("parent_header", {}), message.get("content", {}))
    if len(payload) < 16:
        return None
    (count,) = struct.unpack_from("<Q", payload, 0)
    if not 5 <= count <= 64 or len(payload) < 8 * (count + 1):
        return None
    offsets = struct.unpack_from(f"<{count}Q", payload, 8)
    parts = [payload[offsets[i]:offsets[i + 1]] for i in range(count - 1)]
    if len(parts) < 5:
        return None
    try:
        return (parts[0].decode(), json.loads(parts[1] or b"{}"), json.loads(parts[2] or b"{}"),
                parts[4])
    except ValueError:
        return None


class KernelTraffic:
    """Everything on the page's kernel websockets, with bytes and kernel busy periods."""

    # Contents worth decoding (small, or needed to count figures / see failures).
    DECODE = frozenset({"status", "execute_reply", "comm_open", "error", "stream",
                        "execute_request", "comm_msg"})

    def __init__(self, page):
        self.messages: list[KernelMessage] = []
        self.bytes_received = 0
        self.bytes_sent = 0
        page.on("websocket", self._on_websocket)

    def _on_websocket(self, ws) -> None:
        if "/api/kernels/" not in ws.url:
            return
        ws.on("framereceived", lambda payload: self._record(payload, "received"))
        ws.on("framesent", lambda payload: self._record(payload, "sent"))

    def _record(self, payload, direction: str) -> None:
        now = time.perf_counter()
        size = len(payload)
        if direction == "sent":
            self.bytes_sent += size
        else:
            self.bytes_received += size
        parsed = parse_frame(payload)
        if parsed is None:
            return
        channel, header, parent, raw = parsed
        msg_type = header.get("msg_type", "")
        content = {}
        if msg_type in self.DECODE:
            if msg_type == "comm_open":
                content = {"esm_bytes": _esm_size(raw)}
                try:
                    state = (json.loads(raw) if isinstance(raw, (bytes, str)) else raw)
                    state = state.get("data", {}).get("state", {})
                    content["model_name"] = state.get("_model_name", "")
                    content["target"] = ""
                except (ValueError, AttributeError):
                    pass
            elif msg_type == "comm_msg":
                content = {"keys": _state_keys(raw)}
            elif isinstance(raw, (bytes, str)):
                try:
                    content = json.loads(raw or b"{}")
                except ValueError:
                    content = {}
            else:
                content = raw
        self.messages.append(KernelMessage(
            now, direction, size, channel, msg_type, header.get("msg_id", ""),
            parent.get("msg_id", ""), _parse_date(header.get("date")), content))

    def mark(self) -> int:
        return len(self.messages)

    def since(self, mark: int) -> list[KernelMessage]:
        return self.messages[mark:]

    def bytes_since(self, mark_bytes: tuple[int, int]) -> int:
        return self.bytes_received + self.bytes_sent - sum(mark_bytes)

    def execution_done(self, mark: int) -> tuple[int, int, bool]:
        """(execute requests sent, replies received, any reply an error) since ``mark``."""
        requests = {m.msg_id for m in self.since(mark)
                    if m.direction == "sent" and m.msg_type == "execute_request"}
        replies = [m for m in self.since(mark)
                   if m.msg_type == "execute_reply" and m.parent_id in requests]
        failed = any(m.content.get("status") == "error" for m in replies)
        return len(requests), len(replies), failed

    def busy_periods(self, mark: int) -> list[tuple[str, float]]:
        """Kernel busy periods since ``mark``: (type of the request, seconds by kernel clock)."""
        messages = self.since(mark)
        request_type = {m.msg_id: m.msg_type for m in messages if m.direction == "sent"}
        started: dict[str, datetime] = {}
        periods = []
        for m in messages:
            if m.msg_type != "status" or m.date is None:
                continue
            state = m.content.get("execution_state")
            if state == "busy":
                started[m.parent_id] = m.date
            elif state == "idle" and m.parent_id in started:
                seconds = (m.date - started.pop(m.parent_id)).total_seconds()
                periods.append((request_type.get(m.parent_id, "other"), seconds))
        return periods

    def is_idle(self) -> bool:
        """The last kernel status seen says idle (or none seen yet)."""
        for m in reversed(self.messages):
            if m.msg_type == "status":
                return m.content.get("execution_state") != "busy"
        return True

    def figure_widgets(self, mark: int = 0) -> list[int]:
        """For each new figure (anywidget model), the size of the JavaScript it shipped: about
        5 MB for a plain FigureWidget (plotly's whole widget module), about 1 kB for the
        course's, which imports that module by URL."""
        return [m.content.get("esm_bytes", 0) for m in self.since(mark)
                if m.msg_type == "comm_open" and m.content.get("model_name") == "AnyModel"]


def _state_keys(raw) -> list[str]:
    """The widget state keys a comm_msg updates (small messages only)."""
    if len(raw) > 200_000:
        return ["<large>"]
    try:
        data = json.loads(raw).get("data", {})
    except (ValueError, AttributeError):
        return []
    return [data.get("method", ""), *sorted(data.get("state", {}))]


def _esm_size(raw) -> int:
    """Length of the ``_esm`` string in a comm_open's state, without decoding 5 MB of JSON."""
    if isinstance(raw, str):
        raw = raw.encode()
    index = raw.find(b'"_esm"')
    if index < 0:
        return 0
    start = raw.find(b'"', index + 6)
    if start < 0:
        return 0
    # Scan to the closing quote of the JSON string, skipping escapes.
    end = start + 1
    n = len(raw)
    while end < n:
        char = raw[end]
        if char == 0x5C:  # backslash
            end += 2
            continue
        if char == 0x22:
            break
        end += 1
    return end - start - 1


# --------------------------------------------------------------------------- the kernel side


# Installed in the kernel as a private module (nothing lands in the learner's namespace): every
# live Explorer's controls, the texts its readout shows, and a fresh computation by the library
# for the same control values (or the error it raises).
PROBE_SOURCE = """
import gc, json, sys, types

def live():
    from ipywidgets.widgets.widget import _instances
    from isomargin_lib.explorers import Explorer
    order = {model_id: i for i, model_id in enumerate(_instances)}
    found = [e for e in gc.get_objects()
             if isinstance(e, Explorer) and not getattr(e, "_iso_bench", False)]
    return sorted(found, key=lambda e: order.get(e.widget.model_id, 0))

def describe(e):
    try:
        fresh = {r.key: r.text for r in e._compute(**e.values()).readings}
    except Exception as error:
        fresh = {"error": f"{type(error).__name__}: {error}"}
    return {"name": e._compute.__qualname__.split(".")[0],
            "controls": {n: [getattr(c, "description", ""), c.value]
                         for n, c in e.controls.items()},
            "texts": e.texts, "fresh": fresh}

def explorers():
    return json.dumps([describe(e) for e in live()], default=str)

module = types.ModuleType("_isomargin_probe")
module.live, module.describe, module.explorers = live, describe, explorers
sys.modules["_isomargin_probe"] = module
"""
PROBE_SETUP = f"exec({PROBE_SOURCE!r}, {{}})"
PROBE_CALL = "__import__('_isomargin_probe').explorers()"


class KernelProbe:
    """A second, silent client of a lesson's kernel: reads what every Explorer holds.

    Silent requests leave no trace in the notebook (no execution count, no output); the kernel
    answers through ``user_expressions`` on our own shell channel.
    """

    def __init__(self, connection_file: Path):
        from jupyter_client import BlockingKernelClient

        self.client = BlockingKernelClient(connection_file=str(connection_file))
        self.client.load_connection_file()
        self.client.start_channels(iopub=False, stdin=False, hb=False, control=False)

    def explorers(self, timeout: float = 20) -> list[dict]:
        msg_id = self.client.execute(PROBE_SETUP, silent=True, store_history=False,
                                     user_expressions={"r": PROBE_CALL})
        deadline = time.monotonic() + timeout
        while True:
            reply = self.client.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        result = reply["content"].get("user_expressions", {}).get("r", {})
        if result.get("status") != "ok":
            raise RuntimeError(f"probe failed: {result.get('ename')}: {result.get('evalue')}")
        return json.loads(ast.literal_eval(result["data"]["text/plain"]))

    def close(self) -> None:
        self.client.stop_channels()


# --------------------------------------------------------------------------- the page

JS_HELPERS = r"""
() => {
  if (window.__iso) return;
  // The SVG of the traces (lines, markers, fills, bars), not axes or grid.
  const TRACE_PATHS = ['scatterlayer', 'barlayer', 'boxlayer', 'waterfalllayer']
      .map(layer => '.js-plotly-plot .' + layer + ' path').join(', ');
  const sig = (root) => [...root.querySelectorAll(TRACE_PATHS)]
      .map(p => (p.getAttribute('d') || '') + '|' + (p.getAttribute('transform') || ''))
      .join(';');
  // What the learner sees of the figure: traces plus tick labels, annotations and titles.
  const figsig = (root) => sig(root) + '#' + [...root.querySelectorAll(
      '.js-plotly-plot .xtick text, .js-plotly-plot .ytick text, .js-plotly-plot .annotation,'
      + ' .js-plotly-plot .gtitle, .js-plotly-plot .legendtext, .js-plotly-plot .textpoint')]
      .map(t => t.textContent).join('|');
  const texts = (root) => Object.fromEntries(
      [...root.querySelectorAll('[data-key]')].map(c => [c.dataset.key, c.textContent.trim()]));
  const panel = () => document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)')
      || document.querySelector('.jp-NotebookPanel');
  // Tag every explorer (a readout and a plotly figure under one widget box).
  const tagExplorers = () => {
    const roots = [];
    for (const readout of panel().querySelectorAll('.isomargin-readout')) {
      let el = readout.parentElement;
      while (el && !el.querySelector('.js-plotly-plot')) el = el.parentElement;
      if (!el || roots.includes(el)) continue;
      if (readout.closest('.iso-bench')) continue;  // the benchmarks' comparison variants
      roots.push(el);
    }
    roots.forEach((el, i) => el.setAttribute('data-iso-explorer', String(i)));
    return roots.length;
  };
  window.__iso = {sig, figsig, texts, tagExplorers, panel};
}
"""


@dataclass
class Move:
    """One learner action on an explorer (an arrow key on a slider, a click on a toggle) and
    what the page showed before and after it."""

    label: str
    key: str
    value_before: str
    value_after: str
    trace_changed: bool      # the traces' SVG paths (lines, markers, fills) changed
    figure_changed: bool     # the traces, tick labels, annotations or titles changed
    texts_before: dict
    texts_after: dict
    kernel: object = None    # what ``sync`` returned (e.g. the kernel's explorers)

    @property
    def anything_changed(self) -> bool:
        return self.figure_changed or self.texts_after != self.texts_before


class ExplorerView:
    """One explorer in the page: its sliders, toggles, trace SVG and readout."""

    def __init__(self, page, index: int):
        self.page = page
        self.index = index
        self.root = page.locator(f'[data-iso-explorer="{index}"]')

    def sliders(self):
        return self.root.locator(".widget-slider")

    def visible_sliders(self) -> list[tuple[int, str]]:
        """(index, label) of the sliders shown now (some explorers show them by mode)."""
        return [tuple(x) for x in self.root.evaluate(
            "el => [...el.querySelectorAll('.widget-slider')].map((s, i) => [i, s.offsetParent"
            " !== null, (s.querySelector('.widget-label') || {}).textContent || ''])"
            ".filter(x => x[1]).map(x => [x[0], x[2].trim()])")]

    def slider_labels(self) -> list[str]:
        return [label for _, label in self.visible_sliders()]

    def toggle_buttons(self):
        return self.root.locator(".widget-toggle-buttons button")

    def signature(self) -> str:
        return self.root.evaluate("el => window.__iso.sig(el)")

    def figure_signature(self) -> str:
        return self.root.evaluate("el => window.__iso.figsig(el)")

    def figure_changes(self, before: str, timeout: float = 3_000) -> bool:
        """Whether the traces differ from signature ``before`` within ``timeout`` ms (on a
        loaded machine the figure's update can reach the page well after the readout's)."""
        try:
            self.page.wait_for_function("([el, f]) => window.__iso.figsig(el) !== f",
                                        arg=[self.root.element_handle(), before],
                                        timeout=timeout)
        except Exception:  # playwright's TimeoutError: the traces stayed as they were
            return False
        return True

    def texts(self) -> dict:
        return self.root.evaluate("el => window.__iso.texts(el)")

    def slider_state(self, i: int) -> dict:
        handle = self.sliders().nth(i).locator(".noUi-handle")
        return handle.evaluate(
            "h => ({now: +h.getAttribute('aria-valuenow'), min: +h.getAttribute('aria-valuemin'),"
            " max: +h.getAttribute('aria-valuemax'),"
            " text: h.closest('.widget-slider').querySelector('.widget-readout').textContent})")

    def key_for(self, i: int) -> str:
        state = self.slider_state(i)
        return "ArrowLeft" if state["now"] >= state["max"] else "ArrowRight"

    def _act(self, label, key, action, value, sync, timeout) -> Move:
        """Do ``action``; wait for anything in the explorer to change (or ``timeout`` ms), call
        ``sync`` (e.g. a kernel probe queued behind the update), then wait for the figure to
        stop changing."""
        # As a learner watches it: plotly does not redraw a figure scrolled out of view.
        self.root.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
        before = (self.signature(), self.figure_signature(), self.texts())
        value_before = value()
        action()
        try:
            self.page.wait_for_function(
                "([el, s, f, t]) => window.__iso.sig(el) !== s || window.__iso.figsig(el) !== f"
                " || JSON.stringify(window.__iso.texts(el)) !== t",
                arg=[self.root.element_handle(), before[0], before[1], json.dumps(before[2])],
                timeout=timeout)
        except Exception:  # playwright's TimeoutError: nothing changed, reported by the caller
            pass
        synced = sync() if sync else None
        last, stable = None, 0
        for _ in range(40):
            now = self.figure_signature()
            stable = stable + 1 if now == last else 0
            last = now
            if stable >= 2:
                break
            self.page.wait_for_timeout(50)
        return Move(label, key, value_before, value(), self.signature() != before[0],
                    self.figure_signature() != before[1], before[2], self.texts(), synced)

    def press(self, i: int, key: str | None = None, *, sync=None,
              timeout: float = 3_000) -> Move:
        """Focus slider ``i``'s handle and press an arrow key, as a learner does."""
        slider = self.sliders().nth(i)
        label = slider.locator(".widget-label").inner_text().strip()
        handle = slider.locator(".noUi-handle")
        key = key or self.key_for(i)

        def action():
            handle.focus()
            handle.press(key)

        return self._act(label, key, action, lambda: self.slider_state(i)["text"], sync,
                         timeout)

    def click_toggle(self, j: int, *, sync=None, timeout: float = 3_000) -> Move:
        """Click toggle button ``j`` (a mode: side, margin mode, scenario...)."""
        button = self.toggle_buttons().nth(j)
        label = button.inner_text().strip()
        return self._act(label, "click", button.click,
                         lambda: self.root.evaluate(
                             "el => [...el.querySelectorAll('.widget-toggle-buttons "
                             "button.mod-active')].map(b => b.textContent.trim()).join('|')"),
                         sync, timeout)


class LessonPage:
    """JupyterLab in one browser page, one lesson open at a time.

    The first ``open`` loads JupyterLab at the lesson's URL (``?reset``: no saved workspace);
    later ones close the current notebook (discarding its unsaved outputs; the lab settings shut
    its kernel down) and open the next from the file browser, as a learner would, without
    reloading the application. Pass ``page`` to reuse a page across lessons.
    """

    traffic_class = KernelTraffic

    def __init__(self, context, server: LabServer, page=None):
        self.server = server
        self.page = page or context.new_page()
        self.page.set_default_timeout(30_000)
        self.traffic = self.traffic_class(self.page)
        self.console_errors: list[str] = []
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.console_errors.append(f"pageerror: {error}"))
        self.plotly_module_statuses: list[int] = []
        self.console_mark = 0   # console errors before this lesson's
        self.page.on("response", self._on_response)
        self.timings: dict[str, float] = {}
        self.path: str | None = None
        self.loaded = False

    def _on_console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def _on_response(self, response) -> None:
        if response.url.split("?")[0].endswith("/" + PLOTLY_MODULE_PATH):
            self.plotly_module_statuses.append(response.status)

    # -- opening and running
    def open(self, relative_path: str, timeout: float = 60_000) -> LessonPage:
        started = time.perf_counter()
        self.timings = {}
        self.console_mark = len(self.console_errors)
        if self.loaded:
            self.close_notebook()
            self._open_from_file_browser(relative_path, timeout)
        else:
            self.page.goto(self.server.lab_url(relative_path))
            self.page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=timeout)
            self.page.evaluate(JS_HELPERS)
            self.loaded = True
        self.path = relative_path
        self.wait_kernel_ready(timeout)
        self.timings["open_s"] = time.perf_counter() - started
        return self

    def _open_from_file_browser(self, relative_path: str, timeout: float) -> None:
        folder, _, name = relative_path.rpartition("/")
        crumbs = self.page.locator(".jp-FileBrowser .jp-BreadCrumbs").inner_text()
        if folder and folder.split("/")[-1] not in crumbs:
            raise RuntimeError(f"the file browser is not in {folder}/ ({crumbs!r})")
        item = self.page.locator(".jp-DirListing-item").filter(
            has=self.page.locator(".jp-DirListing-itemText", has_text=re.compile(
                f"^{re.escape(name)}$")))
        item.dblclick()
        self.page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=timeout)
        tab = self.page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current")
        if name not in tab.inner_text():
            raise RuntimeError(f"opened {tab.inner_text()!r}, not {name}")

    def close_notebook(self) -> None:
        """Close the open notebook's tab, discarding its outputs, and end its kernel."""
        kernel = self.kernel_id()
        tabs = self.page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab")
        for _ in range(tabs.count()):
            tabs.first.locator(".lm-TabBar-tabCloseIcon").click()
            discard = self.page.locator(".jp-Dialog button", has_text="Discard")
            try:
                discard.click(timeout=2_000)
            except Exception:  # no dialog: nothing unsaved
                pass
        self.page.wait_for_function(
            "() => !document.querySelector('.jp-NotebookPanel')", timeout=10_000)
        self._end_kernel(kernel)

    def _end_kernel(self, kernel: str | None) -> None:
        if not kernel:
            return
        for session in self.server.sessions():
            if session.get("kernel", {}).get("id") == kernel:
                try:
                    self.server.api("DELETE", f"/api/sessions/{session['id']}")
                except (OSError, urllib.error.URLError):
                    pass

    def wait_kernel_ready(self, timeout: float = 60_000) -> None:
        self.page.wait_for_function(
            "() => { const i = document.querySelector('.jp-Notebook-ExecutionIndicator');"
            " return i && i.dataset.status === 'idle'; }", timeout=timeout)
        deadline = time.monotonic() + timeout / 1000
        while not self.kernel_id():
            if time.monotonic() > deadline:
                raise TimeoutError("no kernel session for the lesson")
            self.page.wait_for_timeout(100)

    def kernel_id(self) -> str | None:
        for session in self.server.sessions():
            if session.get("path") == self.path and session.get("kernel"):
                return session["kernel"]["id"]
        return None

    def code_cell_count(self) -> int:
        return self.page.locator(
            ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell.jp-CodeCell").count()

    def run_all(self, timeout: float = 180) -> dict:
        """Run > Run All Cells from the menu; wait until every request has its reply and the
        kernel is idle. Returns timings: ``first_explorer_s`` (click to the first explorer with a
        drawn trace and a readout) and ``idle_s`` (click to the last reply)."""
        self.page.evaluate(r"""() => {
          if (window.__isoRun && window.__isoRun.observer) window.__isoRun.observer.disconnect();
          window.__isoRun = {click: null, live: null};
          const live = () => {
            for (const r of window.__iso.panel().querySelectorAll('.isomargin-readout')) {
              let el = r.parentElement;
              while (el && !el.querySelector('.js-plotly-plot')) el = el.parentElement;
              if (el && window.__iso.sig(el)
                  && el.querySelector('.widget-slider .noUi-handle, button')) return true;
            }
            return false;
          };
          const onClick = (ev) => {
            if (window.__isoRun.click === null && ev.target.closest
                && ev.target.closest('[data-command="runmenu:run-all"]'))
              window.__isoRun.click = performance.now();
          };
          for (const type of ['pointerdown', 'mousedown', 'mouseup', 'click'])
            document.addEventListener(type, onClick, true);
          const observer = new MutationObserver(() => {
            if (window.__isoRun.click !== null && live()) {
              window.__isoRun.live = performance.now();
              observer.disconnect();
            }
          });
          // Plotly may add a trace's path first and set its 'd' later: watch both.
          observer.observe(document.body, {subtree: true, childList: true, attributes: true,
                                           attributeFilter: ['d', 'transform']});
          window.__isoRun.observer = observer;
        }""")
        mark = self.traffic.mark()
        bytes_mark = (self.traffic.bytes_received, self.traffic.bytes_sent)
        cells = self.code_cell_count()
        started = time.perf_counter()
        self.menu_command("Run", "runmenu:run-all")
        deadline = started + timeout
        while True:
            sent, replies, failed = self.execution_done(mark)
            if sent and replies == sent and (sent >= cells or failed) and self.traffic.is_idle():
                break
            if time.perf_counter() > deadline:
                raise TimeoutError(f"Run All: {replies}/{sent} replies of {cells} cells after "
                                   f"{timeout} s")
            self.page.wait_for_timeout(50)
        idle_s = time.perf_counter() - started
        self.settle_widgets()
        run = self.page.evaluate("() => ({click: window.__isoRun.click,"
                                 " live: window.__isoRun.live})")
        first = (run["live"] - run["click"]) / 1000 if run["live"] and run["click"] else None
        self.timings.update({
            "run_all_idle_s": idle_s, "first_explorer_s": first,
            "run_all_bytes": self.traffic.bytes_since(bytes_mark),
            "cells_run": sent, "cells": cells, "run_failed": failed,
        })
        return dict(self.timings)

    def menu_command(self, menu: str, command: str) -> None:
        """Click ``command`` (a data-command id) in the main menu ``menu``, as a learner does."""
        self.page.locator(".lm-MenuBar-item", has_text=menu).first.click()
        self.page.locator(f'#jp-mainmenu-{menu.lower()} [data-command="{command}"]').click()

    def execution_done(self, mark: int) -> tuple[int, int, bool]:
        """(cells sent to the kernel, replies, any reply an error) since ``mark``."""
        return self.traffic.execution_done(mark)

    def settle_widgets(self, timeout: float = 15) -> None:
        """Wait until the widget views have rendered: every slider belongs to a drawn explorer
        and the page's widget and plot count has stayed the same for half a second."""
        deadline = time.perf_counter() + timeout
        last, stable = None, 0
        while time.perf_counter() < deadline:
            state = self.page.evaluate(
                "() => [window.__iso.tagExplorers(),"
                " window.__iso.panel().querySelectorAll('.jp-OutputArea-output .widget-slider')"
                ".length, window.__iso.panel().querySelectorAll("
                "'.js-plotly-plot .scatterlayer path').length]")
            stable = stable + 1 if state == last else 0
            last = state
            if stable >= 3 and self.orphan_sliders() == 0:
                return
            self.page.wait_for_timeout(100)

    # -- what the learner sees
    def problems(self) -> list[str]:
        """Error outputs, stderr, failed widgets and Python tracebacks shown in the notebook."""
        found = self.page.evaluate(r"""(words) => {
          const out = [];
          const panel = window.__iso.panel();
          for (const el of panel.querySelectorAll('.jp-OutputArea-output')) {
            const mime = el.getAttribute('data-mime-type') || '';
            const text = el.innerText || '';
            const cell = el.closest('.jp-Cell');
            const cells = [...panel.querySelectorAll('.jp-Cell')];
            const where = 'cell ' + (cells.indexOf(cell) + 1);
            if (mime.includes('stderr') || mime.includes('error'))
              out.push(where + ' [' + mime + ']: ' + text.slice(0, 600));
            else for (const w of words) if (text.includes(w))
              out.push(where + ': ' + w + ': ' + text.slice(0, 600));
          }
          for (const el of panel.querySelectorAll('.jupyter-widgets-error-widget, .widget-error'))
            out.push('widget error: ' + (el.innerText || '').slice(0, 300));
          return out;
        }""", list(BAD_OUTPUT_WORDS))
        return found

    def figure_module_problems(self) -> list[str]:
        """What is wrong in how this page's figures got plotly: each figure must ship only the
        course's small module, the page must fetch plotly's module at most once (with a success
        status), and anywidget must have initialised every figure."""
        problems = []
        heavy = [size for size in self.traffic.figure_widgets()
                 if size > MAX_FIGURE_ESM_BYTES]
        if heavy:
            problems.append(f"{len(heavy)} figure(s) shipped {max(heavy)} bytes of JavaScript "
                            "each instead of importing plotly's module by URL")
        statuses = self.plotly_module_statuses
        if len(statuses) > 1 or any(status not in (200, 304) for status in statuses):
            problems.append(f"{PLOTLY_MODULE_PATH} fetched {len(statuses)} time(s) in one "
                            f"page, statuses {statuses} (expected one 200 or 304)")
        problems += [f"console: {text[:300]}" for text in self.console_errors[self.console_mark:]
                     if "anywidget" in text]
        return problems

    def explorers(self) -> list[ExplorerView]:
        count = self.page.evaluate("() => window.__iso.tagExplorers()")
        return [ExplorerView(self.page, i) for i in range(count)]

    def orphan_sliders(self) -> int:
        """Sliders in outputs that are not part of an explorer (every interactive should be)."""
        return self.page.evaluate(
            "() => [...window.__iso.panel().querySelectorAll('.jp-OutputArea-output "
            ".widget-slider')].filter(s => !s.closest('[data-iso-explorer]')"
            " && !s.closest('.iso-bench')).length")

    def probe(self) -> KernelProbe:
        return KernelProbe(self.server.connection_file(self.kernel_id()))

    def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path), full_page=True)

    def close(self) -> None:
        """Close the page and end the open lesson's kernel."""
        kernel = None
        try:
            kernel = self.kernel_id()
        except (OSError, urllib.error.URLError):
            pass
        self.page.close()
        self._end_kernel(kernel)


def match_kernel_explorer(kernel_explorers: list[dict], labels: list[str],
                          texts: dict) -> dict | None:
    """The kernel Explorer whose slider descriptions and readout texts are the page's."""
    for candidate in kernel_explorers:
        descriptions = [d for d, _ in candidate["controls"].values()]
        if all(label in descriptions for label in labels) and candidate["texts"] == texts:
            return candidate
    return None
