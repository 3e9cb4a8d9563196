"""One standard for every voice: the same words get the same treatment, whoever says them (course.symmetry)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from course import framing, symmetry
from course.articles import article_info, articles
from course.errors import CourseTypeError, CourseValueError


@pytest.mark.parametrize("article", articles())
def test_every_use_of_framed_wording_is_annotated_or_exempted_with_a_reason(article: str) -> None:
    uses = symmetry.uses(article)
    assert uses, f"{article}: no other use of any framed wording found; is its framing.toml read?"
    missing = [(u.span_id, u.word, u.at.text, u.paragraph) for u in uses if u.treatment == "missing"]
    assert not missing, ("framed wording used elsewhere with neither an annotation nor an exemption in "
                         f"{article_info(article).where('symmetry.toml')}: {missing}")
    assert symmetry.unused_exemptions(article) == [], "exemptions that cover no use: remove or re-anchor them"


def test_the_cases_the_review_named_are_each_decided() -> None:
    by_text = {(u.at.text, u.paragraph): u for u in symmetry.uses()}
    # the reporter's own 'Tegenstrijdige berichten' answers for Skabejeva's 'tegenstrijdige'
    assert by_text[("Tegenstrijdige", "p17")].treatment == "exempt"
    # ISW's 'gevangen zitten' answers for the reporter's 'In de val'
    assert by_text[("gevangen", "p11")].by == "isw-trapped"
    # both 'Kiev' are annotated, 'georganiseerd' in all three voices too
    assert by_text[("Kiev", "p11")].treatment == "annotated"
    assert {by_text[(w, p)].by for w, p in [("ongeorganiseerde", "p11"), ("georganiseerde", "p15")]} == {
        "isw-disorganised", "skabeyeva-organised"}
    quotes = {s.quote for s in framing.spans()}
    assert {"worstelt met de berichtgeving", "Senior militair expert", "smakelijk doelwit"} <= quotes


@pytest.mark.parametrize("a, b, same", [
    ("Kiev", "kiev", True),
    ("georganiseerd", "ongeorganiseerde", True),  # one inside the other
    ("bezetters", "bezettingsadministratie", True),  # six shared letters
    ("bezett", "bezetX", False),  # five shared letters, neither inside the other
    ("operatie", "operaties", True),
    ("staat", "staatszender", False),  # 'staat' has five letters: too short to count as inside
    ("val", "vallen", False),
    ("Kiev", "Kyiv", False),
])
def test_same_word(a: str, b: str, same: bool) -> None:
    assert symmetry.same_word(a, b) is same
    assert symmetry.same_word(b, a) is same


def test_key_words_leave_out_function_words_and_neutral_words() -> None:
    assert symmetry.key_words("ongeorganiseerde Russische troepen", {"Russische", "troepen"}) == ["ongeorganiseerde"]
    assert symmetry.key_words("In de val") == ["val"]
    assert symmetry.key_words("Er is niets bijzonders gebeurd") == ["niets", "bijzonders", "gebeurd"]
    with pytest.raises(CourseValueError, match="quote must not be empty"):
        symmetry.key_words(" ")
    with pytest.raises(CourseTypeError, match="neutral must be set or frozenset"):
        symmetry.key_words("In de val", ["val"])


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the seed's article folder (its text still comes from seeds/), to change on purpose."""
    copy = tmp_path / "izium-copy"
    shutil.copytree(article_info().folder, copy)
    return copy


def test_removing_an_exemption_makes_the_check_fail(data: Path) -> None:
    path = data / "symmetry.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index('[[exemption]]\nid = "contradictory-subheading"')
    end = text.index("[[exemption]]", start + 5)
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    missing = [u for u in symmetry.uses(data) if u.treatment == "missing"]
    assert [(u.span_id, u.at.text) for u in missing] == [("skabeyeva-contradictory", "Tegenstrijdige")]


def test_an_exemption_that_covers_nothing_is_reported(data: Path) -> None:
    path = data / "symmetry.toml"
    path.write_text(path.read_text(encoding="utf-8") + '\n[[exemption]]\nid = "stale"\nquote = "Washington"\n'
                    'reason = "a place name that no framing span uses"\n', encoding="utf-8")
    assert symmetry.unused_exemptions(data) == ["stale"]


def test_a_new_framing_span_must_answer_for_its_words_elsewhere(tmp_path: Path) -> None:
    def copy(name: str) -> Path:
        folder = tmp_path / name
        shutil.copytree(article_info().folder, folder)
        return folder

    data = copy("one")
    path = data / "framing.toml"
    path.write_text(path.read_text(encoding="utf-8") + '\n[[span]]\nid = "test-mixed"\nquote = "verontrustend nieuws"\n'
                    'technique = "loaded-language"\nspeaker = "skabeyeva"\nrationale = "a test span of one voice"\n',
                    encoding="utf-8")
    assert [u for u in symmetry.uses(data) if u.treatment == "missing"] == []  # 'verontrustend' occurs once
    text = path.read_text(encoding="utf-8")
    data = copy("two")
    path = data / "framing.toml"
    path.write_text(text.replace('quote = "verontrustend nieuws"', 'quote = "opmars"\noccurrence = 1'), encoding="utf-8")
    missing = {u.paragraph for u in symmetry.uses(data) if u.treatment == "missing" and u.span_id == "test-mixed"}
    assert missing == {"p09", "p11", "p16"}  # the same word in the reporter's, ISW's and the presenter's sentences
