"""Binder builds the course: what repo2docker would build, and a fresh environment built from the
``binder/`` files alone, the way Binder builds it, running the start page.

The second test installs everything (about a minute with a local package cache): it is marked
``slow`` and runs when ``ISOMARGIN_SLOW=1`` (``.ci/run`` sets it) or when asked for with
``-m slow``.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
START_PAGE = "lessons/00_start_here.ipynb"
# What a Binder image holds: the repository's files, not local environments, caches or builds.
NOT_IN_REPO = shutil.ignore_patterns(
    ".git", ".venv", "*.egg-info", "build", "dist", "__pycache__", ".pytest_cache",
    ".hypothesis", ".ruff_cache", ".ipynb_checkpoints", "test-artifacts")


def _binder_python_version() -> str:
    text = (BINDER / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-(3\.\d+)", text)
    assert match, f"binder/runtime.txt must read python-3.X, not {text!r}"
    return match.group(1)


def _requirement_lines(path: Path) -> list[str]:
    lines = []
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("-r "):
            lines += _requirement_lines((path.parent / line[3:].strip()).resolve())
        else:
            lines.append(line)
    return lines


def test_binder_requirements_are_the_pinned_ones_plus_the_package():
    lines = _requirement_lines(BINDER / "requirements.txt")
    assert lines[-1] == "-e .", "the package itself must be installed, last"
    unpinned = [line for line in lines[:-1] if "==" not in line]
    assert not unpinned, f"unpinned requirements reach Binder: {unpinned}"
    names = {re.split(r"[=<>!~\[]", line)[0].lower().replace("_", "-") for line in lines[:-1]}
    for needed in ("numpy", "plotly", "ipywidgets", "anywidget", "jupyterlab"):
        assert needed in names
    assert "jsonschema==4.24.1" in lines, "jsonschema >= 4.25 costs ~2.7 s per kernel start"


def test_binder_badge_opens_the_start_page():
    readme = (ROOT / "README.md").read_text()
    badge = re.search(r"\(https://mybinder\.org/v2/gh/[^)]*\)", readme)
    assert badge, "README has no Binder badge"
    assert f"urlpath=lab/tree/{START_PAGE}" in badge.group(0)
    assert (ROOT / START_PAGE).is_file()


def test_repo2docker_plans_python_and_requirements():
    """``repo2docker --no-build --debug .`` prints the Dockerfile it would build (no Docker)."""
    result = subprocess.run(
        [sys.executable, "-m", "repo2docker", "--no-build", "--debug", "."], cwd=ROOT,
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout + result.stderr
    version = _binder_python_version()
    assert f"Building conda environment for python={version}" in out, (
        f"repo2docker does not build Python {version}")
    lines = out.splitlines()

    def first(pattern: str) -> int:
        for number, line in enumerate(lines):
            if re.search(pattern, line):
                return number
        raise AssertionError(f"no line matching {pattern!r} in repo2docker's Dockerfile")

    workdir = first(r"^WORKDIR \$\{REPO_DIR\}")
    copy_repo = first(r"^COPY .*src/ \$\{REPO_DIR\}/")
    install = first(r'pip install .*-r "binder/requirements.txt"')
    # `-e .` in the requirements needs the repository in place, with the repository as the
    # working directory: the install must come after the copy, in REPO_DIR.
    assert workdir < copy_repo < install
    assert "${KERNEL_PYTHON_PREFIX}/bin/pip" in lines[install]
    if (BINDER / "postBuild").exists():
        assert first(r"postBuild") > copy_repo


def _find_python(version: str) -> str | None:
    """An interpreter of the given version: on PATH, pyenv's, or ISOMARGIN_BINDER_PYTHON."""
    candidates = [os.environ.get("ISOMARGIN_BINDER_PYTHON"), shutil.which(f"python{version}"),
                  *sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}*/bin/python"))),
                  f"/usr/bin/python{version}", f"/usr/local/bin/python{version}"]
    for candidate in candidates:
        if not candidate or not os.path.exists(candidate):
            continue
        probe = subprocess.run([candidate, "-c", "import sys; print(sys.version[:5])"],
                               capture_output=True, text=True)
        if probe.returncode == 0 and probe.stdout.strip().startswith(version):
            return candidate
    return None


def _slow_enabled(config) -> bool:
    return (os.environ.get("ISOMARGIN_SLOW", "") not in ("", "0")
            or "slow" in (config.getoption("markexpr") or ""))


EXECUTE_START_PAGE = """
import sys, time, nbformat
from nbclient import NotebookClient
path = sys.argv[1]
notebook = nbformat.read(path, as_version=4)
start = time.perf_counter()
NotebookClient(notebook, timeout=300, kernel_name="python3",
               resources={"metadata": {"path": path.rsplit("/", 1)[0]}}).execute()
errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
assert not errors, errors
print(round(time.perf_counter() - start, 2))
"""


@pytest.mark.slow
def test_fresh_binder_environment_runs_the_start_page(tmp_path, request):
    """Copy the repository, create a virtual environment with Binder's Python, install
    ``binder/requirements.txt`` from the repository root (as repo2docker does), run
    ``binder/postBuild`` if there is one, then import the package, check that the course's
    Jupyter server extension is enabled, and execute the start page in a kernel of that
    environment."""
    if not _slow_enabled(request.config):
        pytest.skip("slow (fresh install, ~1 min): set ISOMARGIN_SLOW=1 or pass -m slow")
    version = _binder_python_version()
    python = _find_python(version)
    if python is None:
        message = f"no Python {version} (binder/runtime.txt) on this machine"
        if os.environ.get("ISOMARGIN_SLOW", "") not in ("", "0"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    repo = tmp_path / "repo"
    shutil.copytree(ROOT, repo, ignore=NOT_IN_REPO)
    env_dir = tmp_path / "env"
    env = {key: value for key, value in os.environ.items()
           if key not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "JUPYTER_PATH",
                          "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR")}
    env.update(PATH=f"{env_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}",
               JUPYTER_DATA_DIR=str(tmp_path / "jupyter-data"),
               JUPYTER_CONFIG_DIR=str(tmp_path / "jupyter-config"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "jupyter-runtime"),
               IPYTHONDIR=str(tmp_path / "ipython"), PIP_DISABLE_PIP_VERSION_CHECK="1")

    def run(*command, timeout=900):
        result = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True,
                                timeout=timeout)
        assert result.returncode == 0, (f"{' '.join(map(str, command))} failed:\n"
                                        f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        return result.stdout

    started = time.perf_counter()
    run(python, "-m", "venv", str(env_dir))
    # --no-compile: what is checked is that the pins install and run, not their bytecode
    run(str(env_dir / "bin" / "pip"), "install", "-q", "--no-compile", "-r",
        "binder/requirements.txt")
    install_s = time.perf_counter() - started
    if (repo / "binder" / "postBuild").exists():
        run("bash", "binder/postBuild")
    located = run(str(env_dir / "bin" / "python"), "-c",
                  "import sys, isomargin_lib, plotly, jsonschema; "
                  "print(sys.version[:4], isomargin_lib.__file__, jsonschema.__version__)")
    py, package_file, jsonschema_version = located.split()
    assert py == version
    assert Path(package_file).is_relative_to(repo), "the package must come from the repository"
    assert jsonschema_version == "4.24.1"
    # The course's figures import plotly's widget module from the course's server extension.
    listed = re.sub(r"\x1b\[[0-9;]*m", "", run(str(env_dir / "bin" / "python"), "-m", "jupyter",
                                                 "server", "extension", "list"))
    assert re.search(r"isomargin_server\s+enabled", listed), listed
    assert re.search(r"isomargin_server\s+OK", listed), listed
    seconds = run(str(env_dir / "bin" / "python"), "-c", EXECUTE_START_PAGE,
                  str(repo / START_PAGE), timeout=600)
    record = {"python": version, "install_s": round(install_s, 1),
              "start_page_s": float(seconds.split()[-1])}
    out = ROOT / "test-artifacts"
    out.mkdir(exist_ok=True)
    (out / "binder-env.json").write_text(json.dumps(record))
