"""``python -m course`` (or ``course``): the course's command line.

Each command lives in the module that owns its data; this file only lists them, so ``--help``
stays fast (nothing heavy is imported until a command runs).

    python -m course --help
    python -m course articles
    python -m course article --json --article kherson-2022-11
    python -m course corpus

Every command that reads an article takes ``--article ID`` (an id from ``course articles``, or the
path of an article folder); without it, the command reads the seed article.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from typing import Any, Callable

__all__ = ["COMMANDS", "main", "skip_iri_grammar"]

# name -> (module:function, one-line help). The function takes the parsed arguments and returns an exit code;
# its module may define ``add_arguments_<name>(parser)`` to declare options.
COMMANDS: dict[str, tuple[str, str]] = {
    "articles": ("course.cli:cmd_articles", "list the articles the course can read (ids for --article)"),
    "article": ("course.cli:cmd_article", "print the article's paragraphs and sentences (--json for machines)"),
    "corpus": ("course.cli:cmd_corpus", "validate the teaching corpus of an article and summarise it"),
    "facts": ("course.facts:cmd_facts", "check every number in the article: distances, directions, area, dates, counts (--json)"),
    "sources": ("course.sources:cmd_sources", "who says what: the article's attributions (--json, --finder for precision and recall)"),
    "framing": ("course.framing:cmd_framing", "list the article's framing spans: technique, speaker, side (--json)"),
    "check": ("course.check:cmd_check", "a first pass over any Dutch or English report FILE: places, distances, "
                                         "numbers, time words, sources, loaded words (--json)"),
    "provenance": ("course.provenance:cmd_provenance", "where the copy came from: each paragraph scored against dated wire versions (--json)"),
    "capstone": ("course.capstone:cmd_capstone", "the capstone: triage an article's claims; --practice ID makes an "
                                                 "article capstone part 2's (instructors)"),
    "handouts": ("course.handouts:cmd_handouts", "write the checklist, glossary and further reading to handouts/ (--check)"),
    "release": ("course.grading.workflow:cmd_release", "instructors: generate the student version of the assignments"),
    "grade": ("course.grading.parallel:cmd_grade", "instructors: autograde every submission in parallel"),
    "feedback": ("course.grading.workflow:cmd_feedback", "instructors: generate HTML feedback for graded submissions"),
    "export": ("course.grading.workflow:cmd_export", "instructors: write the grades to a CSV file"),
    "report": ("course.grading.items:cmd_report", "instructors: item analysis of the class's scores"),
    "selfgrade": ("course.grading.selfgrade:cmd_selfgrade", "learners: grade your own copy of an assignment"),
    "simulate": ("course.grading.simulate:cmd_simulate", "instructors: write a simulated class of submissions"),
}


def add_arguments_articles(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print a JSON array of articles")


def cmd_articles(args: argparse.Namespace) -> int:
    """List every article the course can load: id, language, title, and whether the project wrote it."""
    from course.articles import article_info, articles

    from course.errors import CourseError

    rows, problems = [], []
    for aid in articles():
        try:
            i = article_info(aid)
        except CourseError as err:  # one broken folder does not hide the others
            problems.append(f"{aid}: {err}")
            continue
        rows.append({"id": i.id, "title": i.title, "language": i.language, "seed": i.seed,
                     "written_for_course": i.written_for_course, "folder": str(i.folder)})
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        for r in rows:
            kind = "seed" if r["seed"] else "written for the course" if r["written_for_course"] else "article"
            print(f"{r['id']:<20} {r['language']}  {kind:<23} {r['title']}")
    for problem in problems:
        print(f"course articles: cannot read {problem}", file=sys.stderr)
    return 1 if problems else 0


def add_arguments_article(parser: argparse.ArgumentParser) -> None:
    from course.articles import add_article_argument

    add_article_argument(parser)
    parser.add_argument("--json", action="store_true", help="print a JSON array of paragraphs")


def cmd_article(args: argparse.Namespace) -> int:
    """Print the article's paragraphs: id, role, text and sentences with offsets."""
    from course.article import load_article

    art = load_article(getattr(args, "article", None))
    rows = [{"id": p.id, "role": p.role, "text": p.text, "start": p.start, "end": p.end,
             "sentences": [{"id": s.id, "text": s.text, "start": s.start, "end": s.end} for s in p.sentences]}
            for p in art.paragraphs]
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    for p in art.paragraphs:
        print(f"{p.id}  {p.role:<10}  {len(p.sentences)} sentence(s)  {p.text[:70]}{'…' if len(p.text) > 70 else ''}")
    print(f"\n{len(art.paragraphs)} paragraphs, {len(art.sentences)} sentences, {len(art.quotations)} quotations")
    return 0


def add_arguments_corpus(parser: argparse.ArgumentParser) -> None:
    from course.articles import add_article_argument

    add_article_argument(parser)


def cmd_corpus(args: argparse.Namespace) -> int:
    """Validate every annotation file of an article and print how many records each kind holds."""
    from course.corpus import validate

    corpus = validate(getattr(args, "article", None))
    print(f"article {corpus.info.id}: {corpus.info.title}")
    for kind in corpus.kinds:
        print(f"{kind:<12} {len(corpus.records(kind)):>4} records   source: {corpus.meta(kind)['provenance']['source'][:70]}")
    print("the corpus validates: every anchor resolves and every reference is known")
    return 0


def _resolve(target: str) -> Callable[[argparse.Namespace], int]:
    module, func = target.split(":")
    return getattr(importlib.import_module(module), func)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser, with one sub-command per entry of COMMANDS.

    With *only* (the command about to run), only that command's module is imported for its options,
    so a command such as ``selfgrade`` starts without importing every other command's libraries.
    """
    parser = argparse.ArgumentParser(prog="course", description="Reading war reports critically: the course's tools.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (target, text) in COMMANDS.items():
        p = sub.add_parser(name, help=text, description=text)
        wanted = "--help" not in sys.argv[1:2] and (only is None or only == name)
        module = importlib.import_module(target.split(":")[0]) if wanted else None
        adder = getattr(module, f"add_arguments_{name.replace('-', '_')}", None) if module else None
        if adder:
            adder(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    from course.errors import CourseError

    skip_iri_grammar()
    words = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(words[0] if words and words[0] in COMMANDS else None)
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 0
    try:
        return int(_resolve(COMMANDS[args.command][0])(args) or 0)
    except CourseError as err:
        print(f"course {args.command}: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. piped into head
        return 0


def skip_iri_grammar() -> None:
    """Keep jsonschema from building its optional IRI-format grammar in this process.

    jsonschema imports ``rfc3987_syntax`` when it is installed (the ``format-nongpl`` extra that the
    Jupyter server brings), and that package compiles dozens of parser grammars at import: 0.5 s on
    an idle core, several seconds on a busy one, in every command that reads a notebook. No schema
    of the course or of nbformat uses the ``iri`` formats, so the command line goes without them.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]  # None: "not installed"


def _run(args: Any = None) -> None:
    sys.exit(main(args))
