"""``{{ glossary }}`` on a line of its own becomes the table of the site's terms (docs/data/terms.yml)
in the page's edition: its word, the other editions' words, a one-line definition with the other names
readers type (so that search finds them too), and the page that explains it.

The list is the one every page is held to (tests/test_terms.py), so the glossary cannot drift from the
words the pages use. A link's label is the explaining page's section number when its title has one
(3.3), otherwise its title up to the colon (the dark room), from the catalog.
"""

import functools
import re
from pathlib import Path

import yaml

from engine.catalog import LANGUAGES, PAGES
from engine.words import GLOSSARY

DIRECTIVE = re.compile(r"^\{\{ glossary \}\}[ \t]*$", re.M)


class GlossaryError(ValueError):
    """The term list lacks something the glossary needs."""


def _label(source, lang):
    """The explaining page's short name in ``lang``: its section number, or its title up to the colon."""
    page = next((page for page in PAGES if page.source == source), None)
    if page is None:
        raise GlossaryError(f"docs/data/terms.yml: a term is explained in {source}, which the catalog does not list")
    number = re.match(r"\d+\.\d+(?= )", page.titles[lang])
    return number[0] if number else page.notebook_title(lang)


def table(terms, lang):
    """The glossary's Markdown table in ``lang``."""
    others = [other for other in LANGUAGES if other != lang]
    words = GLOSSARY[lang]
    rows = [
        "| " + " | ".join([words[lang], *(words[other] for other in others), words["means"], words["page"]]) + " |",
        "|" + " --- |" * (len(others) + 3),
    ]
    for term in terms:
        missing = [name for name in (lang, *others, f"{lang}_means") if not term.get(name)]
        if missing:
            raise GlossaryError(f"docs/data/terms.yml: {term.get('en', term)!r} has no word for {missing}")
        page, also = term["page"].split("#")[0], term.get(f"{lang}_also")
        meaning = [term[f"{lang}_means"], *([words["also"].format(names=words["and"].join(also))] if also else [])]
        cells = [
            term[lang],
            *(f'<span lang="{other}">{term[other]}</span>' for other in others),
            words["gap"].join(meaning),
            f"[{_label(page, lang)}]({term['page']})",
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


@functools.lru_cache(maxsize=4)  # read once for every edition's glossary, again when the file changes
def _terms(text):
    return yaml.safe_load(text)["terms"]


def expand(markdown, lang, docs_dir):
    """``markdown`` with its ``{{ glossary }}`` line replaced by the table in ``lang``."""
    if not DIRECTIVE.search(markdown):
        return markdown
    terms = _terms((Path(docs_dir) / "data" / "terms.yml").read_text(encoding="utf-8"))
    return DIRECTIVE.sub(lambda match: table(terms, lang), markdown)
