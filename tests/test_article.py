"""course.article: paragraphs, roles, Dutch-aware sentences, spans, find() and quotations."""

import pytest

from course.article import Article, Span, extract_quotations, load_article, split_sentences
from course.errors import CourseTypeError, CourseValueError, QuoteNotFoundError, UnknownIdError


@pytest.fixture(scope="module")
def art() -> Article:
    return load_article()


def test_paragraph_ids_are_stable_and_ordered(art: Article) -> None:
    assert [p.id for p in art.paragraphs] == [f"p{i:02d}" for i in range(1, 21)]


def test_roles(art: Article) -> None:
    assert [p.text for p in art.by_role("subheading")] == [
        "Belangrijkste trofee", "In de val", "Russische staatstelevisie", "Tegenstrijdige berichten"]
    assert [p.id for p in art.by_role("caption")] == ["p12", "p20"]
    assert [p.id for p in art.by_role("dateline")] == ["p01"]
    assert len(art.by_role("body")) == 13


def test_dateline_is_split_from_the_first_paragraph(art: Article) -> None:
    dateline, first = art.paragraph("p01"), art.paragraph("p02")
    assert dateline.text == "date 2022-09"
    assert dateline.parts["date"].text == "2022-09"
    assert first.text.startswith("Het Russische staatspersbureau TASS")


def test_captions_have_furniture_caption_and_credit(art: Article) -> None:
    cap = art.paragraph("p20")
    assert cap.parts["furniture"].text == "Volledig scherm"
    assert cap.parts["caption"].text == "Presentatrice Olga Skabejeva."
    assert cap.parts["credit"].text == "Videostill YouTube"
    assert art.paragraph("p12").parts["credit"].text == "REUTERS"
    assert "Volledig scherm" not in " ".join(s.text for s in cap.sentences)


def test_offsets_index_the_verbatim_text(art: Article) -> None:
    for p in art.paragraphs:
        assert art.text[p.start:p.end] == p.text
        for s in p.sentences:
            assert art.text[s.start:s.end] == s.text
            assert p.start <= s.start < s.end <= p.end


def test_sentence_split_keeps_quotes_with_their_attribution(art: Article) -> None:
    p15 = art.paragraph("p15").sentences
    assert len(p15) == 2
    assert p15[1].text.startswith(",,Als gevolg") and p15[1].text.endswith("op een landweg.")
    p02 = [s.text for s in art.paragraph("p02").sentences]
    assert p02[0].endswith("zouden worden gestuurd.’") and p02[1].startswith("Het ministerie bevestigde")
    assert [len(art.paragraph(pid).sentences) for pid in ("p03", "p09", "p11", "p18")] == [3, 4, 4, 6]


@pytest.mark.parametrize("text, expected", [
    ("Dat zei dhr. Jansen gisteren. Daarna ging hij weg.", 2),
    ("Er vielen o.a. doden en gewonden. Het leger zweeg.", 2),
    ("Volgens W. Poetin gaat het goed. Niemand gelooft het.", 2),
    ("Hij zei: ‘Het is voorbij. Wij gaan naar huis.’ Toen vertrok hij.", 2),
    ("Is dit waar? Niemand weet het! Wij wachten.", 3),
    ("Het aantal steeg tot 2.500 km. Dat is veel.", 2),
])
def test_dutch_sentence_splitter(text: str, expected: int) -> None:
    assert len(split_sentences(text)) == expected


def test_quotations_with_mixed_marks(art: Article) -> None:
    marks = [(q.open_mark, q.close_mark) for q in art.quotations]
    assert len(marks) == 19
    assert ("“", "’") in marks and (",,", "’’") in marks and (",,", "’") in marks and ("‘", "'") in marks
    inner = [q.text for q in art.quotations]
    assert "trofee" in inner and "Poetins feeks" in inner and "operaties" in inner
    assert all(art.text[q.inner.start:q.inner.end] == q.text for q in art.quotations)


def test_apostrophes_inside_words_are_not_quotes(art: Article) -> None:
    for q in art.quotations:
        assert not q.text.startswith("n ") and "zo" not in q.outer.text[:3]
    assert extract_quotations("zo'n 74 km en Zelenski’s foto's") == []


def test_unclosed_quotation_runs_to_the_end() -> None:
    found = extract_quotations("Hij zei: ‘wij komen terug en blijven")
    assert len(found) == 1 and found[0][5] is None
    assert found[0][3] == len("Hij zei: ‘wij komen terug en blijven")


def test_find_and_occurrences(art: Article) -> None:
    span = art.find("zo'n 74 kilometer noordelijker")
    assert isinstance(span, Span) and art.text[span.start:span.end] == span.text
    assert art.paragraph_at(span.start).id == "p03"
    assert art.count("zaterdag") == 3
    assert art.find("zaterdag", 3).start > art.find("zaterdag", 2).start


def test_find_explains_a_wrong_quote_mark(art: Article) -> None:
    with pytest.raises(QuoteNotFoundError, match="other quote marks"):
        art.find("zo’n 74 kilometer")  # the article writes zo'n here
    with pytest.raises(QuoteNotFoundError, match="closest sentence"):
        art.find("Kharkiv werd bevrijd")
    with pytest.raises(QuoteNotFoundError, match="occurs 3 time"):
        art.find("zaterdag", occurrence=4)


@pytest.mark.parametrize("call, error", [
    (lambda a: a.paragraph("p99"), UnknownIdError),
    (lambda a: a.paragraph(3), CourseTypeError),
    (lambda a: a.find(""), CourseValueError),
    (lambda a: a.find(None), CourseTypeError),
    (lambda a: a.find("Izium", 0), CourseValueError),
    (lambda a: a.find("Izium", "1"), CourseTypeError),
    (lambda a: a.by_role("headline"), UnknownIdError),
    (lambda a: a.span(10, 5), CourseValueError),
    (lambda a: a.span(0, 10**6), CourseValueError),
    (lambda a: a.sentence("p03.s9"), UnknownIdError),
    (lambda a: a.paragraph_at(-1), CourseValueError),
])
def test_bad_input_gets_a_clear_error(art: Article, call, error) -> None:
    with pytest.raises(error) as info:
        call(art)
    assert len(str(info.value)) > 10


def test_unknown_paragraph_suggests_close_ids(art: Article) -> None:
    with pytest.raises(UnknownIdError, match="did you mean 'p19'"):
        art.paragraph("p91")


def test_other_texts_load(tmp_path) -> None:
    f = tmp_path / "nieuws.txt"
    f.write_text("Kop\n\nHet leger trok zich terug. Dat meldde de krant.\n", encoding="utf-8")
    art = load_article(f)
    assert [p.role for p in art.paragraphs] == ["subheading", "body"]
    assert len(art.paragraph("p02").sentences) == 2
