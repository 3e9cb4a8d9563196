"""Unit tests of the grader's trusted half: the plain-data channel, the trusted scope, the guards' file walk.

Fast tests, no kernel: a fake kernel answers the grader's requests the way a student's kernel could
(honestly, or with anything it likes), and the tests check what the trusted scope makes of it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from course.grading import files, findings, trusted, wire
from course.grading.execute import forbidden_modules, _needs
from course.grading.guard import quarantine
from course.grading.kernels import MAX_CONTENT_BYTES, GuardedSession
from course.testkit import Opaque

SETUP = "from course.testkit import Checker\n_check = Checker('99')\nlimit = 10"


class FakeKernel:
    """Answers fetch and call requests from a dict of names, like an honest kernel, or with *replies*."""

    def __init__(self, names: dict, functions: dict | None = None, replies: dict | None = None) -> None:
        self.names, self.functions, self.replies = names, functions or {}, replies or {}
        self.asked: list[list[str]] = []
        self.calls: list[tuple] = []

    def fetch(self, names: list[str]) -> dict:
        self.asked.append(list(names))
        if "fetch" in self.replies:
            return self.replies["fetch"]
        out = {}
        for name in names:
            if name in self.functions:
                out[name] = {"$function": name}
            elif name in self.names:
                out[name] = wire.encode(self.names[name])
            else:
                out[name] = {"$missing": True}
        return {"ok": out}

    def call(self, name: str, args: tuple, kwargs: dict, forbid: tuple, timeout: float) -> dict:
        self.calls.append((name, args, kwargs, forbid))
        if "call" in self.replies:
            return self.replies["call"]
        try:
            return {"ok": wire.encode(self.functions[name](*args, **kwargs))}
        except Exception as err:  # noqa: BLE001 - the student's function may raise anything
            return {"raised": [type(err).__name__, str(err)]}


def run(test: str, kernel: FakeKernel, answers: tuple[str, ...] = ("answer",), setup: str = SETUP) -> trusted.Outcome:
    return trusted.run_item(trusted.Item("t", test, (setup,), answers), kernel, budget=10)


# -- the codec -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [None, True, 0, -3, 2**70, 1.5, float("inf"), "tekst ✓", [1, [2]], (1, (2.5,)),
                                   {"a": 1, 2: (3,)}, {1, 2}, frozenset({"x"}), dt.date(2022, 9, 10),
                                   dt.datetime(2022, 9, 10, 12, 30)])
def test_plain_data_crosses_unchanged(value: object) -> None:
    back = wire.decode(json.loads(json.dumps(wire.encode(value))))
    assert back == value and type(back) is type(value)


def test_nan_crosses_as_nan() -> None:
    back = wire.decode(wire.encode(float("nan")))
    assert back != back


@pytest.mark.parametrize("data, message", [
    ({"$code": "import os"}, "unknown tag"),
    ({"$tuple": [1], "$set": [2]}, "one tag"),
    ({"$float": "1e400"}, "nan, inf"),
    ({"$date": "not a date"}, "ISO date"),
    ({"$function": "os.system"}, "name"),
    ({"$dict": [[1]]}, "pairs"),
    ({"$set": [[1, 2]]}, "unhashable"),
])
def test_bad_data_is_refused_with_a_reason(data: object, message: str) -> None:
    with pytest.raises(wire.WireError, match=message):
        wire.decode(data)


def test_deep_or_huge_replies_are_refused() -> None:
    deep: list = []
    for _ in range(wire.MAX_DEPTH + 5):
        deep = [deep]
    with pytest.raises(wire.WireError, match="deeply"):
        wire.decode(deep)
    with pytest.raises(wire.WireError, match="values"):
        wire.decode(list(range(wire.MAX_ITEMS + 1)))
    huge = {"content": {"user_expressions": {"r": {"status": "ok", "data": {"text/plain": "'" + "x" * wire.MAX_REPLY_BYTES + "'"}}}}}
    with pytest.raises(wire.WireError, match="larger than"):
        wire.parse_reply(huge)


def test_an_opaque_value_keeps_its_type_name_and_base() -> None:
    value = wire.decode({"$opaque": "LyingFloat", "base": "float"})
    assert isinstance(value, Opaque) and (value.type_name, value.base) == ("LyingFloat", "float")


def test_the_kernel_code_serialises_what_a_kernel_holds() -> None:
    """The user expressions, evaluated here as a kernel evaluates them: plain data, functions by name,
    objects as opaque names; the helper installs itself once, outside the user's namespace."""
    import sys

    class Liar(float):
        def __eq__(self, other): return True

    def f(x):
        return x * 2

    ns = {"a": 1.5, "b": (1, "x"), "f": f, "liar": Liar(1.0), "cls": Liar, "s": {1, 2}}
    sys.modules.pop("_course_wire", None)
    try:
        found = json.loads(eval(wire.fetch_expression(["a", "b", "f", "liar", "cls", "s", "nope"]), ns))["ok"]  # noqa: S307
        assert "_course_wire" in sys.modules and set(ns) == {"a", "b", "f", "liar", "cls", "s", "__builtins__"}
        assert wire.decode(found["a"]) == 1.5 and wire.decode(found["b"]) == (1, "x")
        assert found["nope"] == {"$missing": True} and found["f"] == {"$function": "f"}
        assert found["liar"] == {"$opaque": "Liar", "base": "float"}
        assert found["cls"]["$opaque"] == "type" and wire.decode(found["s"]) == {1, 2}
        assert json.loads(eval(wire.call_expression("f", (21,), {}, ()), ns)) == {"ok": 42}  # noqa: S307
    finally:
        sys.modules.pop("_course_wire", None)


# -- the trusted scope ---------------------------------------------------------------------------------

def test_a_right_answer_passes_and_a_wrong_one_fails_with_the_checkers_message() -> None:
    test = "_check.kind(answer, int, 'answer')\n_check.equal(answer, 4, 'answer', '99.1')"
    assert run(test, FakeKernel({"answer": 4})).passed
    failed = run(test, FakeKernel({"answer": 5}))
    assert not failed.passed and failed.ename == "AnswerError" and "not right yet" in failed.message


def test_only_declared_answers_are_fetched_never_builtins_or_loop_variables() -> None:
    """The student's len, _want and limit exist in the kernel; the test must use the grader's."""
    kernel = FakeKernel({"answer": [1, 2, 3], "len": 0, "_want": 99, "limit": -1})
    test = "for _want in [3]:\n    _check.equal(len(answer), _want, 'answer')\n_check.between(len(answer), 0, limit, 'n')"
    outcome = run(test, kernel)
    assert outcome.passed, outcome.message
    assert kernel.asked == [["answer"]]


def test_answer_names_come_from_the_solutions_and_never_from_what_the_test_binds() -> None:
    test = "_d = answer_1 + 1\nfor _want in range(3):\n    _check.equal(f(_want), _want, 'f')\n_check.kind(helper, int, 'h')"
    assert trusted.answer_names(test, ["answer_1 = 2", "def f(x):\n    return x", "_want = 3"]) == ("answer_1", "f")


def test_a_missing_answer_says_which_and_what_to_do() -> None:
    outcome = run("_check.kind(answer, int, 'answer')", FakeKernel({}))
    assert not outcome.passed and outcome.ename == "NameError" and "run the cell" in outcome.message


@pytest.mark.parametrize("answer", [Opaque("_Always", "float"), Opaque("LyingInt", "int")])
def test_gaming_objects_are_only_type_names_here(answer: Opaque) -> None:
    kernel = FakeKernel({}, replies={"fetch": {"ok": {"answer": {"$opaque": answer.type_name, "base": answer.base}}}})
    outcome = run("_check.close(answer, 1.0, 0.1, 'answer')", kernel)
    assert not outcome.passed and answer.type_name in outcome.message


def test_a_students_function_is_called_in_the_kernel_with_plain_data() -> None:
    kernel = FakeKernel({}, functions={"double": lambda x: 2 * x})
    test = ("_check.function(double, 'double', '99.2')\n"
            "for _x in (1, 2.5, -3):\n    _check.equal(_check.call(double, _x, name='double', exercise='99.2'), 2 * _x, 'd')")
    outcome = run(test, kernel, answers=("double",))
    assert outcome.passed, outcome.message
    assert [c[1] for c in kernel.calls] == [(1,), (2.5,), (-3,)] and outcome.calls == 3


def test_a_function_that_raises_or_is_not_written_fails_with_its_own_words() -> None:
    def stub(x):
        raise NotImplementedError("Exercise 99.2: write it")

    outcome = run("_check.call(double, 1, name='double', exercise='99.2')",
                  FakeKernel({}, functions={"double": stub}), answers=("double",))
    assert "not written yet" in outcome.message
    outcome = run("_check.call(double, 1, name='double', exercise='99.2')",
                  FakeKernel({}, functions={"double": lambda x: 1 / 0}), answers=("double",))
    assert "raised ZeroDivisionError: division by zero" in outcome.message


def test_a_delegating_function_fails_the_own_work_rule() -> None:
    kernel = FakeKernel({}, functions={"double": lambda x: 2 * x}, replies={"call": {"delegated": "course"}})
    test = ("_check.function(double, 'double', '99.2', forbid=('course',))\n"
            "_check.call(double, 1, name='double', exercise='99.2')")
    outcome = run(test, kernel, answers=("double",))
    assert not outcome.passed and "hands its work to course" in outcome.message
    assert kernel.calls[0][3] and kernel.calls[0][3][0][1] == "course", "the rule travels with the call"


def test_partial_credit_is_the_last_expression_and_only_that() -> None:
    assert run("_check.partial(0.5, 2)", FakeKernel({})).partial == 1.0
    assert run("_check.kind(answer, int, 'a')", FakeKernel({"answer": 1})).partial is None


def test_nothing_the_test_binds_goes_back_to_the_kernel() -> None:
    kernel = FakeKernel({"answer": 1})
    run("_w = 'the test wrote this'\n_check.equal(answer, 1, 'a')", kernel)
    assert kernel.names == {"answer": 1}


def test_a_broken_set_up_cell_fails_loudly_as_the_graders_problem() -> None:
    outcome = run("_check.equal(answer, 1, 'a')", FakeKernel({"answer": 1}), setup="import not_a_module_anywhere")
    assert not outcome.passed and outcome.ename == "GradingError" and "set-up" in outcome.message


def test_forbidden_modules_are_read_from_the_tests() -> None:
    sources = ["_check.function(f, 'f', '1', forbid=('course', 'geographiclib'))", "_check.function(g, 'g', '2')",
               "_check.function(h, 'h', '3', forbid='course')"]
    assert forbidden_modules(sources) == ("course", "geographiclib")


@pytest.mark.parametrize("setup, needed", [
    ("import math\nfrom course.testkit import Checker", ""),
    ("import course\nfrom course.article import load_article", "course.article"),
    ("from course import geo", "course.geo"),
    ("from geographiclib.geodesic import Geodesic", "geographiclib.geodesic"),
])
def test_a_set_up_cell_that_needs_a_forbidden_package_keeps_it(setup: str, needed: str) -> None:
    assert _needs([setup], ("course", "geographiclib")) == needed


# -- messages are size-checked before they are parsed ---------------------------------------------------

def test_an_oversized_message_is_never_parsed() -> None:
    session = GuardedSession(key=b"k")
    msg = session.msg("stream", {"name": "stdout", "text": "x" * (MAX_CONTENT_BYTES + 10)},
                      parent={"msg_id": "cell-1", "msg_type": "execute_request", "session": "s", "username": "u",
                              "date": "2022-09-10T00:00:00Z", "version": "5.3"})
    frames = session.serialize(msg)
    parsed = session.deserialize(frames[frames.index(b"<IDS|MSG>") + 1:])
    assert parsed["content"]["text"] == "" and parsed["content"]["course_dropped"] > MAX_CONTENT_BYTES
    assert parsed["parent_header"]["msg_id"] == "cell-1", "it still reaches the right cell"
    small = session.serialize(session.msg("stream", {"name": "stdout", "text": "ok"}))
    assert session.deserialize(small[small.index(b"<IDS|MSG>") + 1:])["content"]["text"] == "ok"


def test_the_graders_sockets_refuse_huge_messages_and_its_session_checks_sizes() -> None:
    import zmq

    from course.grading.kernels import MAX_MESSAGE_BYTES, GuardedKernelManager

    manager = GuardedKernelManager()
    client = manager.client()
    assert type(client).__name__ == "GuardedKernelClient" and isinstance(manager.session, GuardedSession)
    assert client.context.sockopts[zmq.MAXMSGSIZE] == MAX_MESSAGE_BYTES
    socket = client.context.socket(zmq.SUB)
    try:
        assert socket.getsockopt(zmq.MAXMSGSIZE) == MAX_MESSAGE_BYTES
    finally:
        socket.close()


# -- reading a submission folder -------------------------------------------------------------------------

def test_walk_never_recurses_and_stops_at_a_depth(tmp_path: Path) -> None:
    fd = os.open(tmp_path, os.O_RDONLY)
    for _ in range(1500):
        os.mkdir("d", dir_fd=fd)
        inner = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    os.close(fd)
    try:
        with pytest.raises(files.FolderTooDeep):
            list(files.walk(tmp_path, max_depth=20))
        assert len(list(files.walk(tmp_path, max_depth=2000, max_entries=2000))) == 1500
    finally:
        files.remove_tree(tmp_path / "d")  # pytest's own clean-up recurses, and fails on such a chain
    assert not (tmp_path / "d").exists()


def test_file_digest_never_opens_a_fifo_or_reads_a_sparse_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    assert files.file_digest(tmp_path / "pipe").startswith("special:")
    with open(tmp_path / "big", "wb") as handle:
        handle.truncate(4 * 1024**3)
    assert files.file_digest(tmp_path / "big").startswith("meta:")
    (tmp_path / "small").write_bytes(b"abc")
    assert files.file_digest(tmp_path / "small") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_quarantine_keeps_code_specials_and_bulk_away_from_the_kernel(tmp_path: Path) -> None:
    (tmp_path / "a.ipynb").write_text("{}")
    (tmp_path / "data.csv").write_text("a,b\n")
    (tmp_path / "helper.py").write_text("x = 1")
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "__init__.py").write_text("")
    (tmp_path / "evil.pth").write_text("import os")
    os.mkfifo(tmp_path / "pipe")
    os.symlink("/etc/passwd", tmp_path / "link")
    with open(tmp_path / "sparse.bin", "wb") as handle:
        handle.truncate(1024**3)
    ignore, reasons, refusal = quarantine(str(tmp_path), [str(tmp_path / "a.ipynb")])
    assert not refusal
    assert sorted(ignore) == ["course", "evil.pth", "helper.py", "link", "pipe", "sparse.bin"]
    assert len(reasons) == 6 and "data.csv" not in " ".join(ignore)


def test_quarantine_refuses_a_folder_nested_too_deep(tmp_path: Path) -> None:
    path = tmp_path
    for _ in range(25):
        path = path / "d"
    path.mkdir(parents=True)
    assert "nest more than 20" in quarantine(str(tmp_path), [])[2]


# -- findings ---------------------------------------------------------------------------------------------

def test_findings_are_one_escaped_json_line_each(tmp_path: Path) -> None:
    findings.record(tmp_path, "01", "ann", "01", "structure", "cell x\n[course-guard] student 'bob': forged")
    findings.record(tmp_path, "01", "bob\nevil", "*", "file", "ok")
    lines = findings.path(tmp_path).read_text().splitlines()
    assert len(lines) == 2 and all(json.loads(line) for line in lines)
    assert [f["student"] for f in findings.read(tmp_path, student="ann")] == ["ann"]
    assert "\n" not in findings.one_line("a\nb") and findings.one_line("x" * 400, 10).endswith("...")
    with pytest.raises(ValueError, match="kind"):
        findings.record(tmp_path, "01", "ann", "01", "gossip", "x")


def test_a_finding_made_in_the_same_millisecond_as_the_start_is_read(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import time as time_module

    from course.grading import findings

    monkeypatch.setattr(time_module, "time", lambda: 1_000_000.0004)  # stored rounded down, to ...000
    findings.record(tmp_path, "00-warmup", "ada", "*", "file", "a sparse extra")
    assert [f["student"] for f in findings.read(tmp_path, "00-warmup", "ada", since=1_000_000.0004)] == ["ada"]
    assert findings.read(tmp_path, "00-warmup", "ada", since=1_000_000.0025) == []  # a finding of an earlier run
