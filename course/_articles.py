"""The ``article`` parameter of module 04's functions, until every loader takes it (issue 16).

``corpus_for(article)`` returns the validated corpus of *article* (None = the seed). While the corpus
has one article, any other id is a friendly UnknownIdError naming ``article``; when
``course.corpus.load_corpus`` takes ``article=`` itself, this passes the id through.
"""

from __future__ import annotations

import inspect
from typing import Any

from course.errors import check_type, unknown

SEED = "izium-2022-09"


def corpus_for(article: str | None = None) -> Any:
    """The corpus of *article* (an article id such as ``"izium-2022-09"``; None = the seed)."""
    from course.corpus import load_corpus

    if article is not None:
        check_type(article, str, "article")
    if "article" in inspect.signature(load_corpus).parameters:
        return load_corpus(article=article)
    if article is not None and article != SEED:
        raise unknown("article", article, [SEED], name="article")
    return load_corpus()
