#!/usr/bin/env python3
"""Build the zero-install edition: every lesson in the browser, with JupyterLite and Pyodide.

    .venv/bin/python tools/lite/build.py          # dist/lite/ and dist/lite.zip (what `make lite` runs)

Everything comes from the registries, pinned in this folder:
- ``build-requirements.txt``: the build tools (JupyterLite, its Pyodide kernel, the widgets' extension);
- ``package.json`` and ``package-lock.json``: the Pyodide runtime (the npm package ``pyodide``);
- ``requirements.txt``: the pure-Python wheels the browser kernel needs, with their hashes.
Downloads are cached in ``.lite-cache/`` (git-ignored), so a second build needs no network.

The site holds the lessons (each with a "reset this lesson" cell), the course's own wheel (its data,
and its figures pre-rendered here with the course's matplotlib code), the Pyodide runtime and a
Pyodide lock that lists exactly the wheels the site ships, all preloaded when the kernel starts:
nothing is fetched from anywhere else at run time. The wheels and the standard library are
byte-compiled by the site's own Python (Pyodide under Node.js), so that a cold kernel does not
compile IPython first. The build checks that every pinned wheel is there (and fails naming the one
that is missing, before anything is built), that the site is whole (every locked wheel, local URLs
only) and within its size budget; only then does it replace the output folder.

Run it with the course's own Python (``make lite`` does): pre-rendering needs the course and
matplotlib. It also needs Node.js and npm.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from email.parser import Parser
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CACHE = ROOT / ".lite-cache"
LESSONS = ROOT / "notebooks"
MAX_SITE_BYTES = 60 * 1024 * 1024
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
KERNEL_WHEELS = "extensions/@jupyterlite/pyodide-kernel-extension/static/pypi"
# What the kernel loads when it starts: its own packages (the Pyodide kernel installs these one by one
# unless they are preloaded) and the course. Their dependencies follow from the lock and the wheels.
PRELOAD = ("micropip", "piplite", "ipykernel", "pyodide-kernel", "comm", "ipython", "jedi", "course")
# The course's dependencies that run in the browser. The others stay in the full edition: matplotlib
# (figures are pre-rendered), jsonschema (the corpus's schema check is skipped there), and the
# Jupyter server, nbgrader and grading tools.
COURSE_BROWSER_DEPENDS = ("anywidget", "astral", "geographiclib", "ipywidgets")
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
BROWSER = {"sys_platform": "emscripten", "platform_system": "Emscripten", "platform_machine": "wasm32",
           "os_name": "posix", "implementation_name": "cpython", "platform_python_implementation": "CPython",
           "extra": ""}  # the environment markers of Pyodide (the Python version comes from its lock)


class LiteBuildError(RuntimeError):
    """The zero-install edition cannot be built; the message says what is missing or wrong."""


def log(message: str) -> None:
    print(f"[lite] {message}", flush=True)


def canonical(name: str) -> str:
    """A package name as the registries compare them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(cmd: list[str], **kwargs) -> None:
    result = subprocess.run(cmd, text=True, capture_output=True, **kwargs)
    if result.returncode:
        tail = (result.stdout + result.stderr).strip().splitlines()[-25:]
        raise LiteBuildError(f"`{' '.join(map(str, cmd[:4]))} ...` failed (exit {result.returncode}):\n  "
                             + "\n  ".join(tail))


# ---------------------------------------------------------------------------------------------
# Pins and downloads (cached; each step reruns only when its pin file changes)


def read_pins(requirements: Path) -> dict[str, str]:
    """``{canonical name: version}`` from a requirements file of exact pins."""
    pins = {}
    for line in requirements.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", line)
        if match:
            pins[canonical(match[1])] = match[2]
    return pins


def _fresh(stamp: Path, *inputs: Path) -> bool:
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in inputs)).hexdigest()
    if stamp.is_file() and stamp.read_text() == digest:
        return True
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.with_suffix(".want").write_text(digest)
    return False


def _done(stamp: Path) -> None:
    stamp.with_suffix(".want").replace(stamp)


def build_tools(cache: Path) -> Path:
    """The build's own virtual environment (JupyterLite and friends); returns its python."""
    venv, pins = cache / "venv", HERE / "build-requirements.txt"
    python = venv / "bin" / "python"
    stamp = cache / "stamps" / "venv"
    if not (python.exists() and _fresh(stamp, pins)):
        _fresh(stamp, pins)
        log("installing the build tools (tools/lite/build-requirements.txt)")
        shutil.rmtree(venv, ignore_errors=True)
        run([sys.executable, "-m", "venv", str(venv)])
        run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", str(pins)])
        _done(stamp)
    return python


def pyodide_runtime(cache: Path) -> Path:
    """The Pyodide runtime from the npm package ``pyodide`` (npm ci against the committed lock)."""
    npm_dir = cache / "npm"
    runtime = npm_dir / "node_modules" / "pyodide"
    files = [HERE / "package.json", HERE / "package-lock.json", HERE / ".npmrc"]
    stamp = cache / "stamps" / "npm"
    if not (runtime.is_dir() and _fresh(stamp, *files)):
        _fresh(stamp, *files)
        npm = shutil.which("npm")
        if not npm:
            raise LiteBuildError("npm is missing: the Pyodide runtime comes from the npm registry "
                                 "(Debian: apt-get install npm)")
        log("installing the Pyodide runtime (tools/lite/package-lock.json)")
        npm_dir.mkdir(parents=True, exist_ok=True)
        for f in files:
            shutil.copy2(f, npm_dir / f.name)
        run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=npm_dir)
        _done(stamp)
    return runtime


def kernel_wheels(cache: Path) -> Path:
    """The pinned pure-Python wheels (pip download, hashes required)."""
    wheels, pins = cache / "wheels", HERE / "requirements.txt"
    stamp = cache / "stamps" / "wheels"
    if not (wheels.is_dir() and _fresh(stamp, pins)):
        _fresh(stamp, pins)
        log("downloading the kernel's wheels (tools/lite/requirements.txt)")
        wheels.mkdir(parents=True, exist_ok=True)
        run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
             "--only-binary=:all:", "--require-hashes", "--python-version", "3.14", "--implementation", "py",
             "--abi", "none", "--platform", "any", "-r", str(pins), "-d", str(wheels)])
        _done(stamp)
    return wheels


def check_wheels(folder: Path, pins: dict[str, str]) -> dict[str, Path]:
    """The wheel for every pin, by canonical name; fails naming the first pinned wheel that is missing."""
    found = {}
    for path in folder.glob("*.whl"):
        name, version = path.name.split("-")[:2]
        found[(canonical(name), version)] = path
    wheels = {}
    for name, version in sorted(pins.items()):
        if (name, version) not in found:
            raise LiteBuildError(f"missing wheel {name}=={version} (pinned in tools/lite/requirements.txt): no "
                                 f"{name.replace('-', '_')}-{version}-*.whl in {folder}. The site would start "
                                 "a kernel that cannot import it, so nothing was built.")
        wheels[name] = found[(name, version)]
    return wheels


def lab_extension_wheels(wheels: Path) -> list[Path]:
    """The kernel's wheels that carry a JupyterLab extension the build tools do not install (anywidget's):
    JupyterLite takes each one's browser side from the wheel itself."""
    tools = read_pins(HERE / "build-requirements.txt")
    found = []
    for path in sorted(wheels.glob("*.whl")):
        if canonical(path.name.split("-")[0]) in tools:
            continue
        with zipfile.ZipFile(path) as zf:
            if any("/share/jupyter/labextensions/" in n and n.endswith("/package.json") for n in zf.namelist()):
                found.append(path)
    return found


def byte_compile(runtime: Path, source: Path, out: Path) -> list[Path]:
    """The wheels of folder *source*, each with byte code compiled by the site's own Python, in *out*.

    Importing IPython from source is most of a cold kernel start in the browser; with byte code it is not.
    Runs the Pyodide runtime under Node.js (tools/lite/compile_wheels.mjs, tools/lite/pyc.py).
    """
    node = shutil.which("node")
    if not node:
        raise LiteBuildError("node is missing: the build byte-compiles the wheels with Pyodide under Node.js "
                             "(Debian: apt-get install nodejs)")
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    run([node, str(HERE / "compile_wheels.mjs"), str(runtime), str(source), str(out)])
    return sorted(out.glob("*.whl"))


def compiled_kernel_wheels(cache: Path, runtime: Path, wheels: Path) -> Path:
    """The kernel's wheels and the runtime's standard library, byte-compiled (cached with their pins)."""
    out = cache / "wheels-pyc"
    stamp = cache / "stamps" / "wheels-pyc"
    pins = [HERE / "requirements.txt", HERE / "package-lock.json", HERE / "pyc.py", HERE / "compile_wheels.mjs"]
    if wheels != cache / "wheels" or not (out.is_dir() and _fresh(stamp, *pins)):
        _fresh(stamp, *pins)
        log("byte-compiling the kernel's wheels and the standard library with the browser's Python")
        source = cache / "pyc-in"
        shutil.rmtree(source, ignore_errors=True)
        source.mkdir(parents=True)
        for path in [*wheels.glob("*.whl"), runtime / "python_stdlib.zip"]:
            shutil.copy2(path, source / path.name)
        byte_compile(runtime, source, out)
        shutil.rmtree(source)
        if wheels == cache / "wheels":
            _done(stamp)
    return out


# ---------------------------------------------------------------------------------------------
# Wheels and the Pyodide lock


def wheel_info(path: Path, python: str = "3.14.2") -> dict:
    """Name, version, dependencies (in the browser's Python *python*) and top-level imports of a wheel."""
    parts = path.name[:-4].split("-")
    if len(parts) < 5:
        raise LiteBuildError(f"{path.name} is not a wheel file name (name-version-python-abi-platform.whl)")
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        meta_name = next((n for n in names if n.endswith(".dist-info/METADATA")), None)
        if meta_name is None:
            raise LiteBuildError(f"{path.name} has no .dist-info/METADATA: not a usable wheel")
        meta = Parser().parsestr(zf.read(meta_name).decode("utf-8"))
    from packaging.requirements import Requirement

    markers = dict(BROWSER, python_full_version=python, python_version=".".join(python.split(".")[:2]))
    depends = []
    for spec in meta.get_all("Requires-Dist") or []:
        req = Requirement(spec)
        if req.marker is None or req.marker.evaluate(markers):
            depends.append((canonical(req.name), str(req.specifier)))
    imports = set()
    for n in names:
        top = n.split("/")[0]
        if top.endswith((".dist-info", ".data")) or top == "__pycache__":
            continue
        if "/" in n:
            imports.add(top)
        elif n.endswith(".py"):
            imports.add(top[:-3])
    return {"name": canonical(meta["Name"]), "version": meta["Version"], "depends": depends, "imports": sorted(imports)}


def plan_lock(lock: dict, wheels: dict[str, Path], where: dict[str, str], preload: tuple[str, ...],
              overrides: dict[str, tuple[str, ...]] | None = None) -> dict:
    """The site's Pyodide lock: *preload* and everything it depends on, each pointing at a wheel we ship.

    *lock* is the runtime's own lock; *wheels* maps a canonical name to the wheel file the site ships;
    *where* maps that name to the wheel's path relative to the runtime folder. A package the runtime's
    lock lists keeps its version (the wheel must be that version) and gets the wheel's sha256;
    any other package gets a new entry. Raises LiteBuildError naming the first missing wheel.
    """
    from packaging.specifiers import SpecifierSet

    overrides = overrides or {}
    known = {canonical(k): v for k, v in lock["packages"].items()}
    packages: dict[str, dict] = {}
    todo = [(canonical(n), "the kernel", "") for n in preload]
    while todo:
        name, wanted_by, spec = todo.pop(0)
        if name not in wheels:
            pinned = f" (the lock of the Pyodide runtime lists {name}=={known[name]['version']})" if name in known else ""
            raise LiteBuildError(f"missing wheel for {name!r}, needed by {wanted_by}{pinned}: add it to "
                                 "tools/lite/requirements.txt (pip download) or restore the wheel the build expects")
        info = wheel_info(wheels[name], lock["info"].get("python", "3.14.2"))
        if spec and info["version"] not in SpecifierSet(spec):
            raise LiteBuildError(f"{wanted_by} needs {name}{spec}, but the wheel is {wheels[name].name}")
        if name in packages:
            continue
        if name in known:
            entry = dict(known[name])
            if entry["version"] != info["version"]:
                raise LiteBuildError(f"the Pyodide lock lists {name}=={entry['version']} but the wheel is "
                                     f"{wheels[name].name}: pin {name}=={entry['version']} in tools/lite/requirements.txt")
            depends = [(canonical(d), "") for d in entry["depends"]]
        else:
            depends = [(d, "") for d in overrides[name]] if name in overrides else info["depends"]
            entry = {"name": name, "version": info["version"], "imports": info["imports"], "install_dir": "site",
                     "package_type": "package", "shared_library": False}
        entry.update(file_name=where[name], sha256=sha256(wheels[name]), unvendored_tests=False,
                     depends=[d for d, _ in depends])
        packages[name] = entry
        todo += [(d, f"{name} {info['version']}", s) for d, s in depends]
    return {"info": lock["info"], "packages": dict(sorted(packages.items()))}


# ---------------------------------------------------------------------------------------------
# The course's wheel and the lessons


def stage_course(work: Path) -> tuple[Path, dict[str, list[dict[str, str]]]]:
    """A copy of the course's source (the package, pyproject.toml, README) with the figures pre-rendered;
    also, for each lesson, the figures it shows in order (key and alt text of each)."""
    sys.path.insert(0, str(HERE))
    from figures import render_figures

    src = work / "src"
    shutil.rmtree(src, ignore_errors=True)
    shutil.copytree(ROOT / "course", src / "course", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    log("running the lessons to pre-render the figures they show")
    try:
        shown = render_figures(src / "course" / "plots" / "prerendered", sorted(LESSONS.glob("*.ipynb")))
    except RuntimeError as err:
        raise LiteBuildError(str(err)) from err
    index = json.loads((src / "course" / "plots" / "prerendered" / "index.json").read_text(encoding="utf-8"))
    log(f"pre-rendered {len(index)} figures")
    return src, {lesson: [{"key": key, "alt": index[key]["alt"]} for key in keys] for lesson, keys in shown.items()}


def course_wheel(src: Path, python: Path) -> Path:
    """The course's wheel, built from the staged source *src*."""
    out = src.parent / "course-wheel"
    shutil.rmtree(out, ignore_errors=True)
    run([str(python), "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", "--no-deps",
         "--no-build-isolation", "-w", str(out), str(src)])
    built = sorted(out.glob("course-*.whl"))
    if len(built) != 1:
        raise LiteBuildError(f"building the course's wheel gave {[p.name for p in built]}, expected one course-*.whl")
    return built[0]


RESET_NOTE = ("**In your browser, no install.** This lesson runs in your browser. Your changes are saved "
              "in this browser only (*File ▸ Save Notebook*); nobody else sees them. To start again from "
              "the original lesson, run the next cell and press **Reset this lesson**.")


def stage_lessons(dest: Path) -> list[str]:
    """Copy every lesson in notebooks/, each with a "reset this lesson" cell after its title cell."""
    dest.mkdir(parents=True, exist_ok=True)
    names = []
    for path in sorted(LESSONS.glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        reset = [{"cell_type": "markdown", "metadata": {"tags": ["lite-reset"]}, "source": RESET_NOTE},
                 {"cell_type": "code", "execution_count": None, "metadata": {"tags": ["lite-reset"]}, "outputs": [],
                  "source": f"from course.lesson_reset import reset_button\n\nreset_button({path.name!r})"}]
        nb["cells"][1:1] = [dict(c, id=f"lite-reset-{i}") if nb.get("nbformat_minor", 0) >= 5 else c
                            for i, c in enumerate(reset)]
        (dest / path.name).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        names.append(path.name)
    if not names:
        raise LiteBuildError(f"no lessons found in {LESSONS}")
    return names


# ---------------------------------------------------------------------------------------------
# The site


def jupyter_lite(python: Path, lite_dir: Path, out: Path) -> None:
    log("jupyter lite build")
    env = dict(os.environ, JUPYTERLITE_NO_LIBARCHIVE="1")
    env.pop("JUPYTERLITE_PYODIDE_URL", None)
    run([str(python), "-m", "jupyterlite_core", "build", "--lite-dir", str(lite_dir), "--output-dir", str(out)],
        cwd=lite_dir, env=env)


def site_config(out: Path) -> dict:
    return json.loads((out / "jupyter-lite.json").read_text(encoding="utf-8"))


def finish_site(out: Path) -> dict:
    """Write the site's lock (the wheels the site ships, and what they need) and preload it; return the lock."""
    from packaging.version import Version

    runtime = out / "static" / "pyodide"
    lock = json.loads((runtime / "pyodide-lock.json").read_text(encoding="utf-8"))
    wheels: dict[str, Path] = {}
    where: dict[str, str] = {}
    for folder, prefix in ((runtime, ""), (out / "pypi", "../../pypi/"), (out / KERNEL_WHEELS, f"../../{KERNEL_WHEELS}/")):
        for path in sorted(folder.glob("*.whl")):  # the newest wheel of each name wins
            name, version = canonical(path.name.split("-")[0]), path.name.split("-")[1]
            if name not in wheels or Version(version) > Version(wheels[name].name.split("-")[1]):
                wheels[name], where[name] = path, prefix + path.name
    site_lock = plan_lock(lock, wheels, where, PRELOAD, {"course": COURSE_BROWSER_DEPENDS})
    (runtime / "pyodide-lock.json").write_text(json.dumps(site_lock, indent=1) + "\n", encoding="utf-8")
    config = site_config(out)
    settings = config["jupyter-config-data"].setdefault("litePluginSettings", {}).setdefault(KERNEL_PLUGIN, {})
    settings["loadPyodideOptions"] = {"packages": sorted(site_lock["packages"])}
    (out / "jupyter-lite.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    return site_lock


def check_site(out: Path, lessons: list[str]) -> dict:
    """Fail unless the site is whole: every lesson, every locked wheel, local URLs only, within budget."""
    problems = []
    config = site_config(out)["jupyter-config-data"]
    settings = config.get("litePluginSettings", {}).get(KERNEL_PLUGIN, {})
    if not str(settings.get("pyodideUrl", "")).startswith("./static/pyodide/"):
        problems.append(f"the kernel's pyodideUrl is {settings.get('pyodideUrl')!r}, not the site's own runtime")
    if settings.get("disablePyPIFallback") is not True:
        problems.append("disablePyPIFallback is not set: piplite would go to PyPI for a missing package")
    runtime = out / "static" / "pyodide"
    for name in RUNTIME_FILES:
        if not (runtime / name).is_file():
            problems.append(f"the Pyodide runtime file static/pyodide/{name} is missing")
    lock = json.loads((runtime / "pyodide-lock.json").read_text(encoding="utf-8"))
    for entry in lock["packages"].values():
        wheel = (runtime / entry["file_name"]).resolve()
        if not wheel.is_file():
            problems.append(f"missing wheel {entry['file_name']} ({entry['name']} {entry['version']})")
        elif sha256(wheel) != entry["sha256"]:
            problems.append(f"wheel {entry['file_name']} does not match its sha256 in the lock")
    for name in lessons:
        if not (out / "files" / name).is_file():
            problems.append(f"lesson {name} is not in the site")
    for config_file in out.rglob("jupyter-lite.json"):
        for url in re.findall(r"https?://[^\"' ]+", config_file.read_text(encoding="utf-8")):
            problems.append(f"{config_file.relative_to(out)} points off the site: {url}")
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    if size > MAX_SITE_BYTES:
        problems.append(f"the site is {size / 2**20:.1f} MB, over its budget of {MAX_SITE_BYTES / 2**20:.0f} MB")
    if problems:
        raise LiteBuildError("the site is not whole:\n  " + "\n  ".join(problems))
    return {"bytes": size, "files": sum(1 for p in out.rglob("*") if p.is_file()), "packages": len(lock["packages"])}


def inputs_digest() -> str:
    """A digest of everything the site is built from (the course, the lessons, the pins)."""
    h = hashlib.sha256()
    for top in ("course", "notebooks", "seeds", "tools/lite"):
        for path in sorted((ROOT / top).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    h.update((ROOT / "pyproject.toml").read_bytes())
    return h.hexdigest()


def zip_site(out: Path, archive: Path) -> None:
    tmp = archive.with_suffix(".zip.part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(out.rglob("*")):
            if path.is_file():
                zf.write(path, Path(out.name) / path.relative_to(out))
    tmp.replace(archive)


def build(out: Path, cache: Path = CACHE, archive: Path | None = None, reuse: bool = False,
          kernel_cache: Path | None = None) -> dict:
    """Build the site into *out* (replaced only when the new site passes its checks); return its facts."""
    digest = inputs_digest()
    info_file = out / "lite-build.json"
    if reuse and info_file.is_file() and json.loads(info_file.read_text())["inputs"] == digest:
        log(f"{out} is up to date")
        return json.loads(info_file.read_text())
    started = time.perf_counter()
    kernel_cache = kernel_cache or kernel_wheels(cache)
    check_wheels(kernel_cache, read_pins(HERE / "requirements.txt"))
    python = build_tools(cache)
    runtime = pyodide_runtime(cache)
    compiled = compiled_kernel_wheels(cache, runtime, kernel_cache)
    work = cache / "work"
    shutil.rmtree(work, ignore_errors=True)
    staged, figures = stage_course(work)
    course = course_wheel(staged, python)
    course = byte_compile(runtime, course.parent, work / "course-pyc")[0]
    # the lite folder: the runtime and the wheels its own lock lists, side by side; the other wheels
    # in pypi/ (piplite's index, for %pip install), the lessons in files/
    lite_dir, site = work / "lite", work / "site"
    (lite_dir / "static" / "pyodide").mkdir(parents=True)
    (lite_dir / "pypi").mkdir()
    for name in RUNTIME_FILES:
        shutil.copy2(compiled / name if (compiled / name).is_file() else runtime / name,
                     lite_dir / "static" / "pyodide" / name)
    listed = {canonical(k) for k in json.loads((runtime / "pyodide-lock.json").read_text(encoding="utf-8"))["packages"]}
    for path in [*compiled.glob("*.whl"), course]:
        in_lock = canonical(path.name.split("-")[0]) in listed or path == course
        shutil.copy2(path, lite_dir / ("static/pyodide" if in_lock else "pypi") / path.name)
    shutil.copy2(HERE / "jupyter-lite.json", lite_dir / "jupyter-lite.json")
    config = json.loads((HERE / "jupyter_lite_config.json").read_text(encoding="utf-8"))
    config["LiteBuildConfig"]["federated_extensions"] = [str(p) for p in lab_extension_wheels(kernel_cache)]
    (lite_dir / "jupyter_lite_config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    lessons = stage_lessons(lite_dir / "files")
    jupyter_lite(python, lite_dir, site)
    lock = finish_site(site)
    facts = check_site(site, lessons)
    facts.update(inputs=digest, lessons=lessons, figures=figures, pyodide=lock["info"]["python"],
                 preloaded=sorted(lock["packages"]), seconds=round(time.perf_counter() - started, 1))
    (site / "lite-build.json").write_text(json.dumps(facts, indent=1) + "\n", encoding="utf-8")
    if out.exists():
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(site), str(out))
    if archive:
        zip_site(out, archive)
    log(f"built {out} ({facts['bytes'] / 2**20:.1f} MB, {facts['files']} files, {len(lessons)} lessons, "
        f"{facts['packages']} packages) in {facts['seconds']} s" + (f"; zip: {archive}" if archive else ""))
    return facts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the zero-install edition (JupyterLite) of the course.")
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "lite", help="output folder (default dist/lite)")
    parser.add_argument("--zip", type=Path, default=ROOT / "dist" / "lite.zip", help="zip of the site (default dist/lite.zip)")
    parser.add_argument("--no-zip", action="store_true", help="do not write the zip")
    parser.add_argument("--reuse", action="store_true", help="keep the output when nothing it is built from changed")
    parser.add_argument("--wheels", type=Path, default=None,
                        help="use the kernel's wheels from this folder instead of downloading them")
    args = parser.parse_args(argv)
    try:
        build(args.out.resolve(), archive=None if args.no_zip else args.zip.resolve(), reuse=args.reuse,
              kernel_cache=args.wheels.resolve() if args.wheels else None)
    except LiteBuildError as err:
        print(f"make lite: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
