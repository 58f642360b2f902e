"""The library on what the browser edition runs: Python 3.12 and numpy 2.0.2 (Pyodide 0.27.7).

A second small environment (Python 3.12 if there is one, numpy 2.0.2, every other package at the
course's pins) runs the library's unit tests: not the notebooks (nbval), the browser or Binder.
It installs packages (about a minute with a local package cache): marked ``slow``, it runs when
``ISOMARGIN_SLOW=1`` (``.ci/run`` sets it) or with ``-m slow``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from test_binder import _find_python, _slow_enabled

ROOT = Path(__file__).resolve().parents[1]
NUMPY_FLOOR = "2.0.2"   # Pyodide 0.27.7's numpy; pyproject's lower bound
UNIT_TESTS = sorted(p.name for p in (ROOT / "tests").glob("test_*.py")
                    if p.name not in {"test_binder.py", Path(__file__).name})


def test_pyproject_lower_bound_is_the_browser_editions_numpy():
    text = (ROOT / "pyproject.toml").read_text()
    assert f'"numpy>={NUMPY_FLOOR}"' in text


def test_the_library_needs_nothing_the_browser_lacks():
    """Pyodide has no processes, threads or sockets: the library imports none of them, and its
    data are read as package resources (``importlib.resources``), not from paths."""
    import ast

    # (Threads: only natively, through concurrent.futures; see the next test.)
    banned = {"subprocess", "threading", "multiprocessing", "socket", "urllib", "http",
              "asyncio", "requests"}
    for path in sorted((ROOT / "isomargin_lib").rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level
                     else [])
            for name in names:
                assert name.split(".")[0] not in banned, f"{path.name} imports {name}"
            if isinstance(node, ast.Name):
                assert node.id != "__file__", f"{path.name} reads files by path (__file__)"


def test_monte_carlo_starts_no_thread_in_the_browser(monkeypatch):
    """Natively the Monte Carlo runs one thread per core; in Pyodide ("emscripten") it runs in
    the calling thread, with the same result (chunks have their own seeded generators)."""
    from isomargin_lib import _risk

    native = _risk.barrier_hits_mc(-0.2, mean=0.0, std=0.02, steps=50, paths=50_000, seed=7)

    def no_threads(*args, **kwargs):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(_risk, "ThreadPoolExecutor", no_threads)
    monkeypatch.setattr(_risk.sys, "platform", "emscripten")
    assert _risk.barrier_hits_mc(-0.2, mean=0.0, std=0.02, steps=50, paths=50_000,
                                 seed=7) == native


@pytest.mark.slow
def test_unit_tests_pass_with_numpy_2_0_on_python_3_12(tmp_path, request):
    if not _slow_enabled(request.config):
        pytest.skip("slow (fresh install, ~1 min): set ISOMARGIN_SLOW=1 or pass -m slow")
    python = _find_python("3.12") or sys.executable
    venv = tmp_path / "venv"
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    pins = [line for line in (ROOT / "requirements.txt").read_text().splitlines()
            if line.strip() and not line.startswith(("#", "-e", "numpy=="))]
    constraints = tmp_path / "constraints.txt"
    constraints.write_text("\n".join(pins) + "\n")
    bin_ = venv / "bin"
    install = subprocess.run(
        [bin_ / "python", "-m", "pip", "install", "-q", "--no-compile",
         "--disable-pip-version-check", "-c",
         constraints, f"numpy=={NUMPY_FLOOR}", "pytest", "hypothesis", str(ROOT)],
        capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-3000:]
    versions = subprocess.run(
        [bin_ / "python", "-c", "import sys, numpy; print(sys.version[:4], numpy.__version__)"],
        capture_output=True, text=True, check=True).stdout.split()
    assert versions[1] == NUMPY_FLOOR
    # The installed package (not the source tree), its data from importlib.resources.
    run = subprocess.run(
        [bin_ / "python", "-m", "pytest", "-q", "-o", "addopts=", "-p", "no:cacheprovider",
         "--rootdir", str(ROOT), "-c", str(ROOT / "pyproject.toml"), *UNIT_TESTS],
        cwd=ROOT / "tests", capture_output=True, text=True)
    assert run.returncode == 0, (f"Python {versions[0]}, numpy {versions[1]}:\n"
                                 + run.stdout[-4000:] + run.stderr[-2000:])
