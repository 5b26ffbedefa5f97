"""The chapter pages' headings carry the book's subsection numbers (3.3.1 ... 3.6.2) where the book's
subsections start, so a reader with the book open finds their place, in both editions."""

import re

import pytest
from editions import _HEADING as HEADING
from editions import DOCS, SUFFIXES, TRANSLATIONS, _outside_fences, heading_ids

# The book's subsections, typed from its chapter notebook (rasbt/LLMs-from-scratch,
# ch03/01_main-chapter-code/ch03.ipynb): number, title, and the code the subsection starts with,
# as the page shows it.
BOOK_SUBSECTIONS = {
    "simple-self-attention": ("3.3", [
        ("3.3.1", "A simple self-attention mechanism without trainable weights", "chapter.simple_attention:imports"),
        ("3.3.2", "Computing attention weights for all input tokens", "chapter.simple_attention:all_scores"),
    ]),
    "trainable-self-attention": ("3.4", [
        ("3.4.1", "Computing the attention weights step by step", "chapter.trainable_attention:setup"),
        ("3.4.2", "Implementing a compact SelfAttention class", "attention:check_input"),
    ]),
    "causal-attention": ("3.5", [
        ("3.5.1", "Applying a causal attention mask", "chapter.causal_attention:weights_from_v2"),
        ("3.5.2", "Masking additional attention weights with dropout", "chapter.causal_attention:dropout_ones"),
        ("3.5.3", "Implementing a compact causal self-attention class", "chapter.causal_attention:batch"),
    ]),
    "multi-head-attention": ("3.6", [
        ("3.6.1", "Stacking multiple single-head attention layers", "attention:MultiHeadAttentionWrapper"),
        ("3.6.2", "Implementing multi-head attention with weight splits", "attention:MultiHeadAttention"),
    ]),
}
EDITIONS = tuple(suffix.removeprefix(".") for suffix in SUFFIXES)

_BLOCK = re.compile(r"^\s*\{\{ (?:run|code) (?P<block>[\w.]+:\w+) \}\}\s*$")
_NUMBER = re.compile(r"^(\d+(?:\.\d+)+) ")


def outline(page):
    """A page's headings and code blocks in order: ("heading", level, number or None) or ("block", name)."""
    items = []
    for line in _outside_fences((DOCS / page).read_text(encoding="utf-8")):
        if heading := HEADING.match(line):
            number = _NUMBER.match(heading["text"])
            items.append(("heading", len(heading.group(1)), number[1] if number else None))
        elif block := _BLOCK.match(line):
            items.append(("block", block["block"]))
    return items


def subsection_problems(items, section, subsections):
    """Why a page's outline does not number the book's subsections where they start; empty if it does."""
    if items[:1] != [("heading", 1, section)]:
        return [f"the title should start with {section}"]
    numbers = [item[2] for item in items[1:] if item[0] == "heading" and item[2]]
    if numbers != [number for number, _, _ in subsections]:
        return [f"numbered headings {numbers}, the book has {[number for number, _, _ in subsections]}"]
    problems = []
    for number, title, first_block in subsections:
        start = next(i for i, item in enumerate(items) if item[0] == "heading" and item[2] == number)
        first = next((item for item in items[start + 1:] if item[0] == "block"), ("block", None))
        if items[start][1] != 2:  # a level-2 heading, as the book's ### under its chapter's ##
            problems.append(f"{number} is a level-{items[start][1]} heading")
        if first[1] != first_block:
            problems.append(f"the book's {number} ({title}) starts with {first_block}, the page's with {first[1]}")
    return problems


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("name", BOOK_SUBSECTIONS)
def test_the_headings_carry_the_books_subsection_numbers_where_its_subsections_start(name, edition):
    problems = subsection_problems(outline(f"{name}.{edition}"), *BOOK_SUBSECTIONS[name])
    assert not problems, f"{name}.{edition}: " + "; ".join(problems)


@pytest.mark.parametrize("name", BOOK_SUBSECTIONS)
def test_each_subsection_number_opens_the_same_section_in_both_editions(name):
    def numbered(page):
        text = (DOCS / page).read_text(encoding="utf-8")
        lines = [line for line in _outside_fences(text) if HEADING.match(line)]
        return [
            (number[1], anchor)
            for line, anchor in zip(lines, heading_ids(text), strict=True)
            if (number := _NUMBER.match(HEADING.match(line)["text"]))
        ]

    for lang in TRANSLATIONS:
        assert numbered(f"{name}.{lang}.md") == numbered(f"{name}.md"), lang


def test_the_check_finds_a_subsection_number_that_is_missing_or_misplaced():
    section, subsections = BOOK_SUBSECTIONS["multi-head-attention"]
    wrapper, mha = ("block", "attention:MultiHeadAttentionWrapper"), ("block", "attention:MultiHeadAttention")
    right = [("heading", 1, "3.6"), ("heading", 2, "3.6.1"), wrapper, ("heading", 2, "3.6.2"), mha]
    assert subsection_problems(right, section, subsections) == []
    missing = [("heading", 1, "3.6"), ("heading", 2, "3.6.1"), wrapper, ("heading", 2, None), mha]
    assert subsection_problems(missing, section, subsections)[0].startswith("numbered headings ['3.6.1']")
    late = [("heading", 1, "3.6"), ("heading", 2, "3.6.1"), wrapper, mha, ("heading", 2, "3.6.2"), wrapper]
    assert subsection_problems(late, section, subsections) == [
        "the book's 3.6.2 (Implementing multi-head attention with weight splits) starts with "
        "attention:MultiHeadAttention, the page's with attention:MultiHeadAttentionWrapper"
    ]
