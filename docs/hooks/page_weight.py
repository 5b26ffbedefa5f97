"""MkDocs hook: lighter pages, with nothing a reader sees changed. Every page is budgeted (150 KB
gzipped, 160 KB in the Japanese edition), and these two cost a code-heavy page about 2 KB:

- outside ``<pre>``, the indentation of Material's templates: a line's leading spaces change nothing a
  browser shows there;
- inside code blocks, Pygments' ``<span class="n">`` around every name and ``<span class="w">`` around
  whitespace. Material colours names with the code's own text colour (``--md-code-hl-name-color:
  var(--md-code-fg-color)``, in both schemes) and styles ``.w`` not at all; tests/test_site.py checks
  that this still holds for the pinned Material.

Notebook pages keep theirs: their code is styled by mkdocs-jupyter's own stylesheet.
"""

import re

from mkdocs.plugins import event_priority

_PRE = re.compile(r"(<pre\b.*?</pre>)", re.S)
_INDENT = re.compile(r"\n[ \t]+")
_PLAIN_SPAN = re.compile(r'<span class="[nw]">([^<]*)</span>')


@event_priority(-100)  # after the other hooks have written the page
def on_post_page(output, page, config):
    code_too = not page.file.src_uri.startswith("notebooks/")
    parts = _PRE.split(output)
    return "".join(
        (_PLAIN_SPAN.sub(r"\1", part) if code_too else part) if index % 2 else _INDENT.sub("\n", part)
        for index, part in enumerate(parts)
    )
