"""The editions' sources side by side: the English pages, and beside each its translations
(``x.ja.md``, ``x.ko.md``). Whether a translated page keeps its English page's structure (the same
section ids, the same executed code and values, the same figures, the same code blocks), so every
edition shows the same numbers from the same run and gives the reader the same commands.

Run ``python tests/editions.py [PAGE ...]`` to list every difference; the tests assert there are none.
"""

import re
import sys
from pathlib import Path

from markdown.extensions.toc import slugify

DOCS = Path(__file__).resolve().parent.parent / "docs"
TRANSLATIONS = ("ja", "ko")  # the editions besides the English one, each under /LANG/
PREFIXES = ("", *(f"{lang}/" for lang in TRANSLATIONS))  # where each edition is, in the built site
SUFFIXES = (".md", *(f".{lang}.md" for lang in TRANSLATIONS))  # each edition's page x is docs/x + suffix

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^(#{1,6}) (?P<text>.*?)(?:\s*\{\s*#(?P<id>[\w-]+)\s*\})?\s*$")
_DIRECTIVE = re.compile(r"\{\{ (?P<kind>run|code|value|figure|standalone|repository|glossary)(?: (?P<body>.+?))? \}\}")


def english_pages() -> list[Path]:
    return sorted(path for path in DOCS.glob("*.md") if "." not in path.stem)


def translated_pages(lang: str | None = None) -> list[Path]:
    """The pages of one translated edition, or of all of them."""
    return sorted(path for other in TRANSLATIONS if lang in (None, other) for path in DOCS.glob(f"*.{other}.md"))


def language(path: Path) -> str:
    """The edition a page belongs to: ``x.ko.md`` is "ko", ``x.md`` is "en"."""
    return path.name.split(".")[-2] if path.name.count(".") > 1 else "en"


def english_page(path: Path) -> Path:
    """The English page a translated page renders: ``x.ja.md`` -> ``x.md``."""
    return path.with_name(path.name.split(".")[0] + ".md")


def _outside_fences(text: str):
    """The lines of a page that are Markdown: not its front matter, not inside a code fence."""
    if text.startswith("---\n"):
        text = text.split("\n---\n", 1)[1]
    fenced = False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            yield line


def heading_ids(text: str) -> list[str]:
    """Each heading's anchor, as the toc extension makes it: the explicit ``{ #id }``, else a slug."""
    ids = []
    for line in _outside_fences(text):
        match = _HEADING.match(line)
        if match:
            ids.append(match["id"] or slugify(re.sub(r"[`*]", "", match["text"]), "-"))
    return ids


def code_blocks(text: str) -> list[str]:
    """The page's fenced code blocks, each with its opening line, in order."""
    blocks, current = [], None
    for line in text.splitlines():
        if _FENCE.match(line):
            if current is None:
                current = [line.strip()]
            else:
                blocks.append("\n".join(current))
                current = None
        elif current is not None:
            current.append(line)
    return blocks


def directives(text: str) -> list[str]:
    """The page's code, output, figure and run-it directives in order, then its values, sorted:
    a sentence may put its values in another order in another language. A figure counts by its
    module and drawing function only: its title, labels and caption are words, and words are
    translated."""
    found = []
    for match in _DIRECTIVE.finditer(text):
        if match["kind"] == "figure":
            module, expr = match["body"].split(": ", 1)
            found.append(f"figure {module}: {expr.split('(', 1)[0]}")
        else:
            found.append(f"{match['kind']} {match['body'] or ''}".rstrip())
    values = sorted(item for item in found if item.startswith("value "))
    return [item for item in found if not item.startswith("value ")] + values


def differences(translated: Path) -> list[str]:
    """What a translated page changed of its English page's structure, in readable lines."""
    english = english_page(translated)
    if not english.exists():
        return [f"{translated.name}: no English page {english.name}"]
    en, other = english.read_text(encoding="utf-8"), translated.read_text(encoding="utf-8")
    problems = []
    for what, extract in (("section ids", heading_ids), ("directives", directives), ("code blocks", code_blocks)):
        want, got = extract(en), extract(other)
        if want != got:
            missing = [item for item in want if item not in got]
            extra = [item for item in got if item not in want]
            problems.append(
                f"{translated.name}: {what} differ from {english.name}\n"
                f"  missing: {missing}\n  not in English: {extra}"
                + ("\n  (same items, different order)" if not missing and not extra else "")
            )
    return problems


if __name__ == "__main__":
    pages = [Path(arg) for arg in sys.argv[1:]] or translated_pages()
    problems = [problem for page in pages for problem in differences(page)]
    print("\n".join(problems) or f"{len(pages)} translated page(s) keep their English structure.")
    sys.exit(1 if problems else 0)
