"""MkDocs hook: turn the TeX that pymdownx.arithmatex marks into MathML at build time.

Browsers render MathML natively, so the pages need no math JavaScript and no network.
"""

import functools
import html
import re

from latex2mathml.converter import convert
from mkdocs.exceptions import PluginError

_MATH = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">(?:\\\((?P<inline>.*?)\\\)|\\\[(?P<block>.*?)\\\])</(?P=tag)>',
    re.S,
)


@functools.cache  # the same formulas come back in both editions and in every `mkdocs serve` rebuild
def _convert(tex, display):
    return convert(tex, display=display)


def _to_mathml(match, page):
    tex = match.group("inline") if match.group("inline") is not None else match.group("block")
    display = "inline" if match.group("inline") is not None else "block"
    try:
        return _convert(html.unescape(tex).strip(), display)
    except Exception as error:
        raise PluginError(f"{page.file.src_uri}: cannot convert math {tex!r}: {error!r}") from error


def on_page_content(content, page, config, files):
    return _MATH.sub(lambda match: _to_mathml(match, page), content)
