"""Run inside Pyodide by lite/bytecode.mjs: use the site's Python as the kernel and the lessons do,
then write /tmp/bytecode.whl with an unchecked-hash .pyc for every site-packages module imported.

``job`` (set by bytecode.mjs): {"lessons": [[name, [code cell sources]]], ...}. Unchecked-hash
pycs are used without looking at their source's timestamp (Pyodide unpacks wheels with fresh
ones); they come from the very files the site ships, so they cannot disagree with them.
"""

import contextlib
import importlib.util
import io
import py_compile
import sys
import sysconfig
import zipfile
from pathlib import Path

SITE = Path("/" + sysconfig.get_paths()["purelib"].lstrip("/"))  # Pyodide's starts "//"
NAME, VERSION = "isomargin_lite_bytecode", "1.0"


def run_lessons(lessons) -> list[str]:
    """Every lesson's code cells, in order, in a namespace of its own (outputs discarded)."""
    failures = []
    for name, cells in lessons:
        namespace = {"__name__": "__main__"}
        for index, source in enumerate(cells):
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(compile(source, f"<{name} cell {index}>", "exec"), namespace)
            except Exception as error:  # a lesson cell may expect the kernel; keep going
                failures.append(f"{name} cell {index}: {type(error).__name__}: {error}")
    return failures


def start_kernel_modules() -> None:
    """What the kernel imports when it starts (it then replaces the streams: put them back)."""
    stdout, stderr = sys.stdout, sys.stderr
    try:
        import pyodide_kernel  # noqa: F401
    except Exception as error:
        print(f"pyodide_kernel import: {type(error).__name__}: {error}", file=stderr)
    finally:
        sys.stdout, sys.stderr = stdout, stderr


def imported_sources() -> list[Path]:
    files = set()
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if path and path.endswith(".py") and Path(path).is_relative_to(SITE):
            files.add(Path(path))
    return sorted(files)


def write_wheel(sources: list[Path], target: str) -> int:
    records = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as wheel:
        for source in sources:
            cache = Path(importlib.util.cache_from_source(str(source)))
            py_compile.compile(str(source), cfile=str(cache), dfile=str(source), doraise=True,
                               invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
            arcname = str(cache.relative_to(SITE))
            wheel.write(cache, arcname)
            records.append(f"{arcname},,")
        info = f"{NAME}-{VERSION}.dist-info"
        wheel.writestr(f"{info}/METADATA", f"Metadata-Version: 2.1\nName: {NAME}\n"
                       f"Version: {VERSION}\nSummary: bytecode of the site's imported modules\n")
        wheel.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: isomargin lite/build.py"
                       "\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        records += [f"{info}/METADATA,,", f"{info}/WHEEL,,", f"{info}/RECORD,,"]
        wheel.writestr(f"{info}/RECORD", "\n".join(records) + "\n")
    return len(sources)


failures = run_lessons(job["lessons"])  # noqa: F821 (set by bytecode.mjs)
start_kernel_modules()
count = write_wheel(imported_sources(), "/tmp/bytecode.whl")
f"{count} modules compiled" + "".join(f"\n  (lesson cell not run here: {f})" for f in failures)
