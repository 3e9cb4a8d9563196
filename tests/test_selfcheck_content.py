"""Ways out for a stuck learner, and no free answers for graded items.

- Every self-check of every lesson and of the Python primer has a worked ``explanation`` and an
  ``answer_text`` that starts with its right answer (proved against the digest or the range); Dutch
  options carry an English gloss (``options_en``).
- Hints and "not yet" messages guide the learner's thinking; none hands over a call to run.
- No self-check asks a graded question: neither the same question (by its words) nor one with the same
  answer (a graded answer hashed with the self-check's salt must not match it; a graded option must not
  be the self-check's right option). The key points of a lesson state none of its module's graded answers.
"""

from __future__ import annotations

import ast
import re
import tomllib
from functools import lru_cache
from pathlib import Path

import nbformat
import pytest

from course import syllabus
from course.checks import SELFCHECK_DIR, canonical, check, digest
from course.errors import CourseError
from course.grading import notebooks as nbs

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted(p.stem for p in SELFCHECK_DIR.glob("*.toml"))  # every lesson, the primer too
RECORDS = [r for f in FILES for r in tomllib.loads((SELFCHECK_DIR / f"{f}.toml").read_text(encoding="utf-8"))["check"]]
DUTCH_WORDS = re.compile(r"\b(de|het|een|van|noord\w*|oost\w*|zuid\w*|west\w*|zei|meldde|claimde|aldus|zijn|honderden)\b")
STOP = set("""a an the of in on at to for from by with and or not no is are was were be been it its this that these
those which who whom what how many much does do did than then as into your you their there here one two three
four five six give assign write list each every answer exercise points point course article paragraph""".split())


def _ids(records: list[dict]) -> list[str]:
    return [r["id"] for r in records]


@pytest.mark.parametrize("record", RECORDS, ids=_ids(RECORDS))
def test_every_self_check_can_show_its_reasoning(record: dict) -> None:
    assert record.get("explanation", "").strip(), f"{record['id']}: write the worked explanation"
    answer = record.get("answer_text", "").strip()
    assert answer, f"{record['id']}: write the answer_text"
    first = answer.split()[0].rstrip(".,:;)")
    kind = record["kind"]
    if kind == "float":
        assert record["low"] <= float(first) <= record["high"], f"{record['id']}: answer_text {first} is out of range"
    elif kind == "list" and "lines" in record:
        assert check(record["id"], answer.split("\n")).correct, f"{record['id']}: answer_text is not the right order"
    elif kind in ("set", "list"):
        items = [x.strip() for x in answer.split(":")[0].split(",")]
        assert check(record["id"], items).correct or check(record["id"], [repr(int(x)) if x.lstrip("-").isdigit()
                                                                           else repr(x) for x in items]).correct, (
            f"{record['id']}: answer_text should start with the right items, comma-separated")
    else:
        value = int(first) if kind == "int" else first
        assert digest(record["salt"], canonical(kind, value, record["id"])) == record["sha256"], (
            f"{record['id']}: answer_text should start with the right answer; {first!r} is not it")
    assert answer.split()[0].rstrip(".,:;)") not in record["explanation"].split()[:3] or kind == "choice"


@pytest.mark.parametrize("record", [r for r in RECORDS if r.get("options")], ids=lambda r: r["id"])
def test_options_in_dutch_carry_an_english_gloss(record: dict) -> None:
    dutch = [o for o in record["options"] if DUTCH_WORDS.search(o.casefold()) and not re.search(r"\(.+\)", o)]
    if dutch:
        glosses = record.get("options_en")
        assert glosses and len(glosses) == len(record["options"]), (
            f"{record['id']}: options {dutch} are Dutch; add options_en, one English gloss per option")


CALL = re.compile(r"[\w.]+\([^).\s][^)]*\)")


@pytest.mark.parametrize("record", RECORDS, ids=_ids(RECORDS))
def test_hints_guide_without_handing_over_a_call(record: dict) -> None:
    messages = [record.get("wrong", "")] + [h["say"] for h in record.get("hint", [])]
    for message in messages:
        assert not CALL.search(message), f"{record['id']}: the hint {message!r} hands over a call to run"


@pytest.mark.parametrize("text, is_call", [
    ("not yet: use tolerance(50, \"zo'n\").", True),
    ("try leg('izium', 'balakliia') and round it", True),
    ("count only the links that chain(...) returns", False),
    ("the course's rule (at least 10 %) applies", False),
    ("compare the region (admin1) and the population", False),
])
def test_the_call_pattern_tells_a_call_from_prose(text: str, is_call: bool) -> None:
    assert bool(CALL.search(text)) is is_call


# --- graded items -----------------------------------------------------------------------------------------

def _sentences(text: str) -> list[str]:
    """The sentences of *text* in lower case, without quoted material (an example line two questions share)."""
    text = re.sub(r"(?m)^>.*$|`[^`]*`|‘[^’]*’|“[^”]*”|\"[^\"]*\"|(?<!\w)'[^']*'(?!\w)", " … ", text)
    text = re.sub(r"\*\*|[_*#|]", " ", text.casefold())
    return [" ".join(s.split()) for s in re.split(r"(?<=[.?!:])\s+|\n\s*\n", text) if len(s.split()) >= 6]


def _similarity(a: str, b: str) -> float:
    """How nearly question *a* appears word for word in prompt *b*: the best sentence match (0 to 1)."""
    from difflib import SequenceMatcher

    return max((SequenceMatcher(None, x, y).ratio() for x in _sentences(a) for y in _sentences(b)), default=0.0)


def _question_part(prompt: str) -> str:
    """The prompt of a graded exercise without its heading and scoring notes."""
    lines = [line for line in prompt.splitlines()[1:] if not line.startswith(("*Scoring", "**Rubric", "|"))]
    return "\n".join(lines)


@lru_cache(maxsize=1)
def graded() -> list[dict]:
    """Every autograded reading or coding item: module, exercise, prompt, right option text and answer value."""
    out = []
    for a in syllabus.assignments():
        nb = nbs.load(a.path / f"{a.id}.ipynb")
        cells = {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells if "nbgrader" in c.metadata}
        ns: dict = {}
        for cell in nb.cells:  # the locked code cells the student runs first: set-up and data
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "code" and meta.get("locked") and not meta.get("grade"):
                exec(cell.source, ns)
        references = nbs.reference_answers(nb)
        for item in a.items:
            cell = item.grade_id.removesuffix("_test")
            prompt = cells[f"{cell}_prompt"].source
            value = None
            if item.track == "reading":
                exec(references[cell], ns)
                name = next((n for n in re.findall(r"(answer_\w+)\s*=", references[cell])), None)
                value = ns.get(name)
            option = None
            if isinstance(value, str) and re.fullmatch(r"[A-F]", value):
                found = re.search(rf"^- \*\*{value}\.\*\* (.+)$", prompt, re.M)
                option = found.group(1).strip() if found else None
            out.append({"assignment": a.id, "module": a.module, "cell": cell, "prompt": prompt,
                        "question": _question_part(prompt), "value": value, "option": option})
    return out


LESSON_RECORDS = [r for r in RECORDS if re.fullmatch(r"\d\d\.\d+", r["id"])]


@pytest.mark.parametrize("record", LESSON_RECORDS, ids=_ids(LESSON_RECORDS))
def test_no_self_check_asks_a_graded_question_in_other_words(record: dict) -> None:
    for item in graded():
        score = _similarity(record["question"], item["question"])
        assert score < 0.75, (f"self-check {record['id']} and {item['assignment']} {item['cell']} ask nearly the same "
                              f"question (similarity {score:.2f}): {record['question']!r}")


def _right_option(record: dict) -> str | None:
    for i, text in enumerate(record.get("options", [])):
        if check(record["id"], chr(65 + i)).correct:
            return text
    return None


def _candidates(value: object, kind: str) -> list[object]:
    """The forms of a graded answer a self-check of *kind* could share (small counts collide by chance)."""
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, float):
        return [round(value)] if kind == "int" and abs(value) >= 10 else []
    if isinstance(value, int):
        return [value] if abs(value) >= 10 else []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)) and kind in ("set", "list") and all(isinstance(v, (int, str)) for v in value):
        return [list(value)]
    return []


@pytest.mark.parametrize("record", LESSON_RECORDS, ids=_ids(LESSON_RECORDS))
def test_no_self_check_has_a_graded_answer(record: dict) -> None:
    kind = record["kind"]
    right_option = _right_option(record) if kind == "choice" else None
    for item in graded():
        if item["module"] != record["id"][:2]:
            continue
        if right_option and item["option"]:
            assert right_option.casefold() != item["option"].casefold(), (
                f"self-check {record['id']}'s answer {right_option!r} is the answer to {item['assignment']} {item['cell']}")
        if kind in ("choice", "float"):
            continue
        for value in _candidates(item["value"], kind):
            try:
                same = digest(record["salt"], canonical(kind, value, record["id"])) == record["sha256"]
            except CourseError:
                continue
            assert not same, f"self-check {record['id']} has the same answer as {item['assignment']} {item['cell']}"


def _key_points(module: str) -> str:
    text = ""
    for lesson in syllabus.lessons():
        if lesson.module == module and lesson.id != "python-primer":
            last = nbformat.read(lesson.path, as_version=4).cells[-1].source
            text += last.split("## Key points", 1)[-1]
    return text


def _stated(value: object) -> list[str]:
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, float):
        return [f"{value:.{d}f}" for d in (1, 2)] if abs(value) >= 1 else [f"{value:.2f}"]
    if isinstance(value, int):
        return [str(value)] if abs(value) >= 10 else []
    if isinstance(value, str):
        return [value] if len(value) >= 4 else []
    if isinstance(value, (list, tuple)):  # one word of a list gives nothing away; a number may
        return [s for v in value if isinstance(v, float) for s in _stated(v)]
    return []


def test_key_points_state_no_graded_answer() -> None:
    for item in graded():
        points = _key_points(item["module"])
        for text in _stated(item["value"]) + ([item["option"]] if item["option"] and len(item["option"]) > 12 else []):
            assert text not in points, (f"lesson {item['module']}'s key points state {text!r}, the answer to "
                                        f"{item['assignment']} {item['cell']}")


def test_the_comparison_would_catch_the_old_collisions() -> None:
    """The rules catch the pairs issue 13 reported, so the checks above can fail."""
    old_01_1 = {"id": "01.1", "kind": "int", "salt": "s" * 16, "sha256": digest("s" * 16, "712926")}
    graded_01_1 = next(i for i in graded() if i["assignment"] == "01-distances" and i["cell"] == "ex01_1")
    assert graded_01_1["value"] == 712926 and 712926 in _candidates(graded_01_1["value"], old_01_1["kind"])
    old_01_2_answer = digest("s" * 16, "42")  # Izium-Balakliia rounded: graded 01.2 asks for it with decimals
    graded_01_2 = next(i for i in graded() if i["assignment"] == "01-distances" and i["cell"] == "ex01_2")
    assert digest("s" * 16, canonical("int", _candidates(graded_01_2["value"], "int")[0])) == old_01_2_answer
    old_key_point = '"74 kilometer noordelijker" fits Izium, not Balakliia: the direction word decides'
    assert any(s in old_key_point for s in _stated("Izium"))
    same = "Which reference point makes Kupiansk, zo'n 74 kilometer noordelijker, fit in distance and direction?"
    assert _similarity(same, "## Exercise\n\nWhich reference point makes Kupiansk, zo'n 74 kilometer noordelijker, "
                             "fit in both distance and direction? Assign a letter.") >= 0.75
