"""MkDocs hook: ``{{ glossary }}`` on a line of its own becomes the table of the site's terms
(docs/data/terms.yml) in the page's edition: its word, the other editions' words, a one-line
definition with the other names readers type (so that search finds them too), and the page that
explains it.

The list is the one every page is held to (tests/test_terms.py), so the glossary cannot drift from the
words the pages use. A link's label is the explaining page's section number when its title has one
(3.3), otherwise its title up to the colon (the dark room).
"""

import functools
import re
from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

DIRECTIVE = re.compile(r"^\{\{ glossary \}\}[ \t]*$", re.M)
LANGUAGES = ("en", "ja", "ko")  # the order of the editions' columns after the page's own
HEADINGS = {
    "en": {"en": "English", "ja": "Japanese", "ko": "Korean", "means": "Meaning", "also": "Also called: {names}.",
           "page": "Explained in", "and": ", ", "gap": " "},
    "ja": {"en": "英語", "ja": "日本語", "ko": "韓国語", "means": "意味", "also": "別の呼び方：{names}。",
           "page": "説明しているページ", "and": "、", "gap": ""},
    "ko": {"en": "영어", "ja": "일본어", "ko": "한국어", "means": "뜻", "also": "다른 이름: {names}.",
           "page": "설명하는 페이지", "and": ", ", "gap": " "},
}
_TITLE = re.compile(r"^# (?P<title>.+?)(?:\s*\{[^}]*\})?\s*$", re.M)


def _label(docs, page, lang):
    """The explaining page's short name in ``lang``, from its own heading."""
    name = page if lang == "en" else page.replace(".md", f".{lang}.md")
    path = Path(docs) / name
    if not path.exists():
        raise PluginError(f"docs/data/terms.yml: a term is explained in {page}, which has no {lang} page")
    text = path.read_text(encoding="utf-8")
    if text.startswith("---\n"):  # front matter, whose YAML comments look like headings
        text = text.split("\n---\n", 1)[1]
    title = _TITLE.search(text)["title"]
    number = re.match(r"\d+\.\d+(?= )", title)
    return number[0] if number else re.split(r"[:：]", title)[0].strip()


def table(terms, lang, docs):
    """The glossary's Markdown table in ``lang``."""
    others = [other for other in LANGUAGES if other != lang]
    words = HEADINGS[lang]
    rows = [
        "| " + " | ".join([words[lang], *(words[other] for other in others), words["means"], words["page"]]) + " |",
        "|" + " --- |" * (len(others) + 3),
    ]
    for term in terms:
        missing = [name for name in (lang, *others, f"{lang}_means") if not term.get(name)]
        if missing:
            raise PluginError(f"docs/data/terms.yml: {term.get('en', term)!r} has no word for {missing}")
        page, also = term["page"].split("#")[0], term.get(f"{lang}_also")
        meaning = [term[f"{lang}_means"], *([words["also"].format(names=words["and"].join(also))] if also else [])]
        cells = [
            term[lang],
            *(f'<span lang="{other}">{term[other]}</span>' for other in others),
            words["gap"].join(meaning),
            f"[{_label(docs, page, lang)}]({term['page']})",
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


@event_priority(10)  # before executed_snippets.py, which fails on a directive it does not know
@functools.lru_cache(maxsize=4)  # read once for every edition's glossary, again when the file changes
def _terms(text):
    return yaml.safe_load(text)["terms"]


def on_page_markdown(markdown, page, config, files):
    if not DIRECTIVE.search(markdown):
        return markdown
    terms = _terms((Path(config.docs_dir) / "data" / "terms.yml").read_text(encoding="utf-8"))
    return DIRECTIVE.sub(lambda match: table(terms, config.theme["language"], config.docs_dir), markdown)
