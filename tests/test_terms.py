"""Every page of an edition speaks with the site's one term list (docs/data/terms.yml): no page uses a
word the list replaces, and no page glosses a term with its English name, which the glossary does once.
Quotations (Markdown block quotes, such as the reader's notes) keep their own words."""

import re
from pathlib import Path

import pytest
import yaml
from editions import _FENCE as FENCE
from editions import DOCS, TRANSLATIONS, language, translated_pages

TERMS = yaml.safe_load((DOCS / "data" / "terms.yml").read_text(encoding="utf-8"))


def _prose_lines(text: str):
    """(line number, line) of a page's own words: outside code fences, block quotes and inline code."""
    fenced = False
    for number, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced and not line.lstrip().startswith(">"):
            yield number, re.sub(r"`[^`]*`", "", line)


def avoided_words(name: str, text: str, lang: str) -> list[str]:
    """A line per use of a word that the term list replaces, saying what to write instead."""
    return [
        f"{name}:{number}: 「{word}」 → {instead}"
        for number, line in _prose_lines(text)
        for word, instead in TERMS["avoid"][lang].items()
        if word in line
    ]


def english_glosses(name: str, text: str, lang: str) -> list[str]:
    """A line per term written with its English name in brackets after it: 学習（training）, 훈련(training)."""
    found = []
    for term in TERMS["terms"]:
        gloss = re.compile(rf"{re.escape(term[lang])}\**\s*[（(]\s*{re.escape(term['en'])}\s*[）)]", re.I)
        for number, line in _prose_lines(text):
            found += [f"{name}:{number}: {match[0]}" for match in gloss.finditer(line)]
    return found


@pytest.mark.parametrize("page", translated_pages(), ids=lambda path: path.name)
def test_translated_page_uses_none_of_the_words_the_term_list_replaces(page: Path):
    found = avoided_words(page.name, page.read_text(encoding="utf-8"), language(page))
    assert not found, "words the term list (docs/data/terms.yml) replaces:\n" + "\n".join(found)


@pytest.mark.parametrize("page", translated_pages(), ids=lambda path: path.name)
def test_translated_page_glosses_no_term_with_its_english_name(page: Path):
    found = english_glosses(page.name, page.read_text(encoding="utf-8"), language(page))
    assert not found, "English glosses belong in the glossary, once:\n" + "\n".join(found)


def test_the_term_checks_find_a_replaced_word_and_a_gloss_but_not_in_code_or_quotes():
    page = "\n".join([
        "ベクトルの幅は3です。",  # 1: replaced word
        "学習（training）の前に、**ソフトマックス**（softmax）をかけます。",  # 2: two glosses
        "> ノートの言葉：勾配（gradient）の幅",  # 3: a quotation keeps its words
        "`幅`と書いたコード",  # 4: inline code
        "```python",
        "x = '本書'",  # 6: a code block
        "```",
    ])
    assert avoided_words("p.md", page, "ja") == [f"p.md:1: 「幅」 → {TERMS['avoid']['ja']['幅']}"]
    assert english_glosses("p.md", page, "ja") == ["p.md:2: ソフトマックス**（softmax）", "p.md:2: 学習（training）"]
    korean = "\n".join([
        "컨텍스트 벡터를 계산합니다.",  # 1: replaced word
        "훈련(training) 전에 **소프트맥스**(softmax)를 적용합니다.",  # 2: two glosses
        "> 노트의 말: 컨텍스트 벡터",  # 3: a quotation keeps its words
    ])
    instead = TERMS["avoid"]["ko"]["컨텍스트 벡터"]
    assert avoided_words("p.md", korean, "ko") == [f"p.md:1: 「컨텍스트 벡터」 → {instead}"]
    assert english_glosses("p.md", korean, "ko") == ["p.md:2: 소프트맥스**(softmax)", "p.md:2: 훈련(training)"]


def test_every_term_has_a_page_and_a_word_and_a_meaning_in_every_edition():
    for term in TERMS["terms"]:
        required = {"page", "en", "en_means", *TRANSLATIONS, *(f"{lang}_means" for lang in TRANSLATIONS)}
        assert required <= term.keys(), term
        for lang in TRANSLATIONS:
            assert not avoided_words("terms.yml", term[f"{lang}_means"], lang), term[f"{lang}_means"]
        page = term["page"].split("#")[0]
        assert (DOCS / page).exists(), f"{term['en']}: no page {page}"
