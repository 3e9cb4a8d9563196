"""Byte-compile wheels and the standard library for the browser's Python (run inside Pyodide by
compile_wheels.mjs).

Each wheel gains ``__pycache__/*.cpython-3XX.pyc`` files next to its sources, compiled by the very
interpreter the site runs, in the "unchecked hash" mode: the browser imports them without compiling
the sources again (compiling IPython and the standard library modules it needs is most of a cold
kernel start), and the sources stay for tracebacks and for reading. RECORD is rewritten to list every
file with its hash. The standard library's zip gains a ``.pyc`` beside each ``.py`` (where zipimport
looks for it).
"""

import base64
import compileall
import hashlib
import py_compile
import re
import site
import sys
import tempfile
import warnings
import zipfile
from pathlib import Path

TESTS = re.compile(r"[/\\]tests?[/\\]")  # a package's own tests are never imported by the course


def _record_line(root: Path, path: Path) -> str:
    data = path.read_bytes()
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path.relative_to(root).as_posix()},sha256={digest},{len(data)}"


def _compile(root: Path, installed_at: str, legacy: bool) -> None:
    """Compile every module under *root*, naming it by where it is installed (for tracebacks)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # old escape sequences in third-party code are not ours to fix
        compileall.compile_dir(root, quiet=2, workers=1, rx=TESTS, legacy=legacy, ddir=installed_at,
                               invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)


def _zip(root: Path, files: list[Path], target: Path) -> None:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(root).as_posix(), date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes())


def compile_wheel(wheel: Path, out: Path) -> Path:
    """A copy of *wheel* in folder *out* with byte code for every module."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        with zipfile.ZipFile(wheel) as zf:
            zf.extractall(root)
        _compile(root, site.getsitepackages()[0], legacy=False)
        record = next(root.glob("*.dist-info/RECORD"))
        files = sorted(p for p in root.rglob("*") if p.is_file() and p != record)
        record.write_text("\n".join([_record_line(root, p) for p in files]
                                    + [f"{record.relative_to(root).as_posix()},,"]) + "\n")
        _zip(root, files + [record], out / wheel.name)
    return out / wheel.name


def compile_stdlib(archive: Path, out: Path) -> Path:
    """A copy of the standard library's zip in folder *out* with a ``.pyc`` beside each module."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(root)
        _compile(root, next(p for p in sys.path if p.endswith(".zip")), legacy=True)  # /lib/python3XX.zip
        _zip(root, sorted(p for p in root.rglob("*") if p.is_file()), out / archive.name)
    return out / archive.name


def compile_wheels(source: str, out: str) -> list[str]:
    """Compile every wheel (and a python_stdlib.zip) in folder *source* into folder *out*; return the names."""
    Path(out).mkdir(parents=True, exist_ok=True)
    written = [compile_wheel(w, Path(out)).name for w in sorted(Path(source).glob("*.whl"))]
    if (Path(source) / "python_stdlib.zip").is_file():
        written.append(compile_stdlib(Path(source) / "python_stdlib.zip", Path(out)).name)
    return written
