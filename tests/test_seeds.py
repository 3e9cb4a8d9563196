"""The article ships verbatim: byte-identical to the seed the course was given."""

import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHA256 = "1750dd07fd216b3d7ef98a515d3c15dd22b92cd4a4b16c270736dad136d3ea71"


def test_article_is_byte_identical() -> None:
    data = (ROOT / "seeds" / "000_f3b4b7109528864c.txt").read_bytes()
    assert hashlib.sha256(data).hexdigest() == SHA256


def test_seed_matches_shared_copy_when_present() -> None:
    shared = ROOT.parent / "shared" / "seeds" / "000_f3b4b7109528864c.txt"
    if shared.is_file():  # beside the repo on the course's own machines; absent in a plain clone
        assert shared.read_bytes() == (ROOT / "seeds" / "000_f3b4b7109528864c.txt").read_bytes()


def test_seeds_readme_documents_provenance() -> None:
    text = (ROOT / "seeds" / "README.md").read_text(encoding="utf-8")
    for topic in ("Dutch", "date line", "Volledig scherm", "verbatim", SHA256):
        assert topic.lower() in text.lower(), topic
