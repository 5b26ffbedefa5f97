"""Turn the TeX that pymdownx.arithmatex marks into MathML at build time.

Browsers render MathML natively, so the pages need no math JavaScript and no network. One construct is
rewritten after latex2mathml: its ``\\xrightarrow{label}`` pads the label with MathML 3's relative
``mpadded`` widths, which MathML Core (Chromium) does not read, so the label overprinted the symbols
beside it. It becomes a plain arrow under its label, whose box holds the whole label.
"""

import functools
import html
import re

from latex2mathml.converter import convert

_MATH = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">(?:\\\((?P<inline>.*?)\\\)|\\\[(?P<block>.*?)\\\])</(?P=tag)>',
    re.S,
)
_XRIGHTARROW = re.compile(
    r'<mover><mstyle scriptlevel="0"><mo>&#x2192;</mo></mstyle><mpadded width="\+0\.833em" lspace="0\.556em" '
    r'voffset="-\.2em" height="-\.2em">(?P<label>.*?)<mspace depth="\.25em" /></mpadded></mover>'
)
_LABELLED_ARROW = (
    r'<mover><mo stretchy="true">&#x27F6;</mo><mrow><mspace width="0.3em"/>\g<label><mspace width="0.3em"/></mrow>'
    r"</mover>"
)


@functools.lru_cache(maxsize=1024)  # the same formulas come back in both editions and in every `mkdocs serve` rebuild
def _convert(tex, display):
    mathml, arrows = _XRIGHTARROW.subn(_LABELLED_ARROW, convert(tex, display=display))
    if arrows != tex.count("\\xrightarrow"):
        raise ValueError("latex2mathml no longer writes \\xrightarrow as mathml.py expects: update _XRIGHTARROW")
    return mathml


class MathError(ValueError):
    """A formula that cannot be converted; the message names the page."""


def _to_mathml(match, source):
    tex = match.group("inline") if match.group("inline") is not None else match.group("block")
    display = "inline" if match.group("inline") is not None else "block"
    try:
        return _convert(html.unescape(tex).strip(), display)
    except Exception as error:
        raise MathError(f"{source}: cannot convert math {tex!r}: {error!r}") from error


def to_mathml(content, source):
    """A page's HTML with every formula arithmatex marked as MathML; ``source`` names the page in errors."""
    return _MATH.sub(lambda match: _to_mathml(match, source), content)
