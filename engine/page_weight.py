"""Lighter pages, with nothing a reader sees changed. Every page is budgeted (150 KB
gzipped, 160 KB in the Japanese and Korean editions). These two cost a code-heavy page about 2 KB:

- outside ``<pre>``, the indentation of Material's templates: a line's leading spaces change nothing a
  browser shows there;
- inside code blocks, Pygments' ``<span class="n">`` around every name and ``<span class="w">`` around
  whitespace. Material colours names with the code's own text colour (``--md-code-hl-name-color:
  var(--md-code-fg-color)``, in both schemes) and styles ``.w`` not at all; tests/test_site.py checks
  that this still holds for the pinned Material.

The site's own stylesheets (docs/assets/*.css) are sent without their comments and indentation, which
explain the choices to maintainers and cost every page about 0.7 KB gzipped (:func:`lighter_stylesheet`).

Notebook pages keep their spans: their code is styled by mkdocs-jupyter's own stylesheet. That
stylesheet, inlined into every notebook page, is JupyterLab's whole theme: 574 KB, 86 KB gzipped, more
than half the page. A notebook page keeps only the rules that can match one of its elements (every
class a selector names is on the page) and the custom properties those rules use, about 3 KB gzipped.
tests/test_browser.py checks in Chromium that no element of a notebook looks different for it.
"""

import functools
import re

_PRE = re.compile(r"(<pre\b.*?</pre>)", re.S)
_INDENT = re.compile(r"\n[ \t]+")
_PLAIN_SPAN = re.compile(r'<span class="[nw]">([^<]*)</span>')


_STYLE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.S)
_CLASS_ATTRIBUTE = re.compile(r'\bclass="([^"]*)"')
_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_NEGATION = re.compile(r":not\([^()]*\)")  # matches when its class is absent: it cannot rule a selector out
_VARIABLE_USE = re.compile(r"var\(\s*(--[\w-]+)")
_VARIABLE_DEFINITION = re.compile(r"(--[\w-]+)\s*:([^;{}]*)")
_ANIMATIONS = ("@keyframes", "@-webkit-keyframes")
_COMMENT = re.compile(r"/\*.*?\*/", re.S)


@functools.lru_cache(maxsize=256)  # the sheet and its @media blocks, the same on every notebook page
def css_blocks(css):
    """A stylesheet's top-level items, in order: (prelude, body) for a rule or an at-rule with a block,
    (statement, None) for one without (``@charset``). Strings and comments are skipped over whole."""
    items, depth, start, body_start, i = [], 0, 0, 0, 0
    while i < len(css):
        char = css[i]
        if css.startswith("/*", i):
            end = css.find("*/", i + 2)
            i = len(css) if end < 0 else end + 2
            continue
        if char in "\"'":
            end = i + 1
            while end < len(css) and css[end] != char:
                end += 2 if css[end] == "\\" else 1
            i = end + 1
            continue
        if char == "{":
            if depth == 0:
                body_start = i + 1
            depth += 1
        elif char == "}" and depth:
            depth -= 1
            if depth == 0:
                items.append((css[start:body_start - 1].strip(), css[body_start:i]))
                start = i + 1
        elif char == ";" and depth == 0:
            items.append((css[start:i].strip(), None))
            start = i + 1
        i += 1
    return items


def _can_match(selector, classes):
    return all(name in classes for name in _CLASS.findall(_NEGATION.sub("", selector)))


def _matching_rules(css, classes):
    """The rules of ``css`` that can match an element of a page whose elements have ``classes``."""
    kept = []
    for prelude, body in css_blocks(css):
        if body is None:
            kept += [] if prelude.startswith("@charset") else [prelude + ";"]  # a page's sheet is UTF-8
        elif prelude.startswith(("@media", "@supports")):
            inner = _matching_rules(body, classes)
            kept += [f"{prelude}{{{inner}}}"] if inner else []
        elif prelude.startswith("@"):
            kept.append(f"{prelude}{{{body}}}")  # @keyframes, @font-face: kept if used, see _used_only
        else:
            selectors = [selector.strip() for selector in _split_outside_parentheses(prelude, ",")]
            matching = [selector for selector in selectors if _can_match(selector, classes)]
            kept += [f"{','.join(matching)}{{{body}}}"] if matching else []
    return "".join(kept)


def _used_only(css, inline):
    """``css`` without the custom properties and animations that none of its rules uses, nor the
    page's inline styles (which use the custom properties ``inline``)."""
    definitions = {}
    for name, value in _VARIABLE_DEFINITION.findall(css):
        definitions.setdefault(name, []).append(value)
    wanted, used = set(_VARIABLE_USE.findall(_VARIABLE_DEFINITION.sub("", css))) | inline, set()
    while wanted:
        name = wanted.pop()
        used.add(name)
        wanted |= {other for value in definitions.get(name, []) for other in _VARIABLE_USE.findall(value)} - used

    def declarations(match):
        kept = [item for item in _split_outside_parentheses(match[2], ";")
                if not item.strip().startswith("--") or item.split(":", 1)[0].strip() in used]
        return f"{match[1]}{{{';'.join(kept)}}}" if kept else ""

    css = re.sub(r"([^{}]*)\{([^{}]*)\}", declarations, css)
    return "".join(
        f"{prelude}{{{body}}}" if body is not None else prelude + ";"
        for prelude, body in css_blocks(css)
        if not (prelude.startswith(_ANIMATIONS) and prelude.split()[-1] not in css.replace(prelude, ""))
    )


def _split_outside_parentheses(text, separator):
    """``text`` split at each ``separator`` outside parentheses: a selector list's commas, not those
    of ``:is(.a, .b)``; a rule's semicolons, not those of ``url(data:...;...)``."""
    items, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += (char == "(") - (char == ")")
        if char == separator and depth == 0:
            items.append(text[start:i])
            start = i + 1
    return [item for item in [*items, text[start:]] if item.strip()]


@functools.lru_cache(maxsize=16)
def _without_comments(css):
    return _COMMENT.sub("", css)


@functools.lru_cache(maxsize=32)  # pages with the same classes keep the same rules; rebuilds reuse them
def _kept_styles(css, classes, variables):
    """What ``lighter_notebook_styles`` keeps of ``css`` for a page whose elements have ``classes`` and
    whose inline styles use the custom properties ``variables``."""
    return _used_only(_matching_rules(css, classes), variables)


@functools.lru_cache(maxsize=32)  # a rebuild under `mkdocs serve` brings the same notebook pages again
def lighter_notebook_styles(html):
    """A notebook page with mkdocs-jupyter's inline stylesheets cut down to what can style its elements."""
    start = html.find("<body")
    body = html[start:]
    classes = {name for value in _CLASS_ATTRIBUTE.findall(body) for name in value.split()}
    styles = [match for match in _STYLE.finditer(html) if match.start() > start]
    if not styles:
        return html
    css = _without_comments("".join(match[2] for match in styles))
    variables = frozenset(_VARIABLE_USE.findall(_STYLE.sub("", body)))
    kept = _kept_styles(css, frozenset(classes), variables)
    parts, last = [], 0
    for index, match in enumerate(styles):
        parts += [html[last:match.start()], f"<style>{kept}</style>" if index == 0 else ""]
        last = match.end()
    return "".join([*parts, html[last:]])


def lighter_page(output, notebook=False):
    """A built page without what changes nothing a reader sees (see the module's docstring)."""
    if notebook:
        output = lighter_notebook_styles(output)
    parts = _PRE.split(output)
    return "".join(
        (part if notebook else _PLAIN_SPAN.sub(r"\1", part)) if index % 2 else _INDENT.sub("\n", part)
        for index, part in enumerate(parts)
    )


_LEADING_SPACE = re.compile(r"\n\s*")  # and the blank lines after it


def lighter_stylesheet(css):
    """One of the site's own stylesheets without its comments, blank lines and indentation. (Their strings
    hold no ``/*``; tests/test_site.py checks that.)"""
    return _LEADING_SPACE.sub("\n", _COMMENT.sub("", css)).strip() + "\n"
