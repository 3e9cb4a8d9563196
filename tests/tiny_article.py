"""A third, tiny article folder, written for the tests: it proves the library has no hidden seed.

``write_tiny_article(folder)`` writes a five-paragraph Dutch text (a made-up test report, labelled as
such in its first sentence) and one annotation file of every kind, each with a few records, into
*folder*, and returns it. The places are real GeoNames places (Slovyansk and Kramatorsk), so the
geography is computed from data like any article's.
"""

from __future__ import annotations

from pathlib import Path

ID = "tiny-test"

TEXT = """ date 2023-02 Testbericht, geschreven voor de tests van de cursus. Kramatorsk ligt zo'n 12 kilometer ten zuiden van Slovjansk, meldde de krant vrijdag.

Kort nieuws

Volgens de burgemeester waren er zeker 30 ‘gasten’ in de stad.

Volledig scherm Een straat in Kramatorsk. © TEST
"""

PROVENANCE = """[provenance]
source = "Written for the course's tests (tests/tiny_article.py)"
licence = "CC BY 4.0 (the course)"
taken = "2026-11-24"
"""

FILES = {
    "article.toml": f"""id = "{ID}"
title = "A tiny test report (written for the tests)"
language = "nl"
written_for_course = true

[text]
file = "text.txt"

[map]
places = ["sloviansk", "kramatorsk"]
context = ["sloviansk"]
""",
    "text.txt": TEXT,
    "structure.toml": PROVENANCE + """
[[paragraph]]
id = "p01"
role = "dateline"
opening = { quote = "date 2023-02" }
sentences = 1

[[paragraph]]
id = "p02"
role = "body"
opening = { quote = "Testbericht" }
sentences = 2

[[paragraph]]
id = "p03"
role = "subheading"
opening = { quote = "Kort nieuws" }
sentences = 1

[[paragraph]]
id = "p04"
role = "body"
opening = { quote = "Volgens de burgemeester" }
sentences = 1

[[paragraph]]
id = "p05"
role = "caption"
opening = { quote = "Volledig scherm" }
sentences = 2
""",
    "places.toml": PROVENANCE + """
[[place]]
id = "sloviansk"
name = "Sloviansk"
kind = "city"
geonameid = 693468
spellings = ["Slovjansk"]

[[place]]
id = "kramatorsk"
name = "Kramatorsk"
kind = "city"
geonameid = 704508
spellings = ["Kramatorsk"]
""",
    "actors.toml": PROVENANCE + """
[sides]
independent-media = "news organisations that are not run by either state"
ukrainian-state = "Ukraine's government and officials"
reporter = "the article's own voice"

[[actor]]
id = "reporter"
name = "the test newsroom"
kind = "media"
type = "reporter"
side = "reporter"
role = "wrote the test report"

[[actor]]
id = "krant"
name = "the newspaper"
kind = "media"
type = "newspaper"
side = "independent-media"
role = "a newspaper the report cites"
mentions = [{ quote = "de krant" }]

[[actor]]
id = "mayor"
name = "the mayor"
kind = "person"
type = "official"
side = "ukrainian-state"
role = "mayor of Kramatorsk"
mentions = [{ quote = "de burgemeester" }]

[[actor]]
id = "agency"
name = "TEST photo agency"
kind = "media"
type = "wire-service"
side = "independent-media"
role = "the photo credit"
""",
    "attributions.toml": PROVENANCE + """
[statuses]
confirmed = "someone the text names has confirmed it"
not-confirmed = "the text says it has not been confirmed"
unverified = "the text says it could not be verified"
contested = "someone the text names disputes it"
claimed = "the text marks it as a claim"
none = "the text says nothing about verification"

[unattributed]

[[attribution]]
id = "p02.krant"
source = "krant"
source_text = { quote = "de krant" }
cue = [{ quote = "meldde" }]
content = { quote = "Kramatorsk ligt zo'n 12 kilometer ten zuiden van Slovjansk" }
form = "indirect"
verification = { status = "none" }

[[attribution]]
id = "p04.mayor"
source = "mayor"
source_text = { quote = "de burgemeester" }
cue = [{ quote = "Volgens" }]
content = { quote = "waren er zeker 30 ‘gasten’ in de stad" }
form = "indirect"
via = "p02.krant"
verification = { status = "unverified", by = "reporter", evidence = { quote = "Kort nieuws" } }

[[attribution]]
id = "p05.credit"
source = "agency"
source_text = { quote = "TEST" }
cue = [{ quote = "©" }]
content = { quote = "Een straat in Kramatorsk." }
form = "credit"
verification = { status = "none" }
""",
    "claims.toml": PROVENANCE + """
[[claim]]
id = "kramatorsk-distance"
kind = "distance"
quote = "zo'n 12 kilometer ten zuiden van Slovjansk"
stated = 12
unit = "km"
hedge = "zo'n"
from = "sloviansk"
to = "kramatorsk"
direction_word = "ten zuiden van"

[[claim]]
id = "kramatorsk-direction"
kind = "direction"
quote = "ten zuiden van Slovjansk"
stated = "ten zuiden van"
from = "sloviansk"
to = "kramatorsk"
pair = "kramatorsk-distance"

[[claim]]
id = "count-guests"
kind = "count"
quote = "zeker 30"
stated = 30
unit = "guests"
hedge = "zeker"

[[claim]]
id = "date-report"
kind = "date"
quote = "vrijdag"
stated = "vrijdag"
event = "report"
""",
    "events.toml": PROVENANCE + """
[reference]
date = "2023-02-24"
weekday_word = "vrijdag"
dateline = { quote = "2023-02" }
evidence = ["Made up for the test: a Friday in the date line's month."]

[[event]]
id = "report"
label = "The newspaper reports the distance"
what = { quote = "meldde de krant" }
when = { quote = "vrijdag" }
rule = "weekday"
actor = "krant"
""",
    "framing.toml": PROVENANCE + """
[[span]]
id = "mayor-guests"
quote = "gasten"
technique = "euphemism"
speaker = "mayor"
rationale = "Guests is a soft word for people who did not choose to come (a test span)."

[[span]]
id = "reporter-quotes"
quote = "‘gasten’"
technique = "scare-quotes"
speaker = "reporter"
rationale = "The quote marks hold the mayor's word at a distance (a test span)."
""",
    "euphemisms.toml": PROVENANCE + """
[[euphemism]]
id = "eu-guests"
framing = "mayor-guests"
plain_en = "People who had to leave their homes."
plain_nl = "Mensen die hun huis moesten verlaten."
evidence = [{ quote = "in de stad" }]
""",
    "gloss.toml": PROVENANCE + """
[[paragraph]]
id = "p01"
en = "[Date line: 2023-02.]"

[[paragraph]]
id = "p02"
en = "Test report, written for the course's tests. Kramatorsk lies some 12 kilometres south of Sloviansk, the newspaper reported on Friday."

[[paragraph]]
id = "p03"
en = "News in brief"

[[paragraph]]
id = "p04"
en = "According to the mayor there were at least 30 'guests' in the city."

[[paragraph]]
id = "p05"
en = "[Full screen] A street in Kramatorsk. © TEST"
""",
    "glossary.toml": PROVENANCE + """
[[term]]
id = "zo-n"
nl = "zo'n"
en = "about, some (before a number)"
skill = "numbers"
uses = [{ quote = "zo'n" }]
""",
}


def write_tiny_article(folder: Path) -> Path:
    """Write the tiny article folder into *folder* (created if needed) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
