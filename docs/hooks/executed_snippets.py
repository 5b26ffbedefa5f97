"""MkDocs hook: put the snippets' code, and what running it printed, into the pages.

Directives a page may use (each fails the build when it names something that does not exist):

- ``{{ run MODULE:SECTION }}`` on a line of its own: the section's code, then its output;
- ``{{ code MODULE:SECTION }}`` on a line of its own: the section's code only;
- ``{{ value MODULE: EXPRESSION | FORMAT }}`` anywhere: a value from the module, formatted,
  for numbers quoted in prose;
- ``{{ figure MODULE: EXPRESSION | CAPTION }}`` on a line of its own: an SVG figure drawn by
  ``snippets.figures`` from the module's own tensors, e.g. ``figures.heatmap(attn_weights, tokens, ...)``.
  Expressions see the module's variables, plus ``figures`` and the sentence's ``tokens``.

Every walk-through runs once per build (``on_pre_build``) and every page reuses that run.
"""

import html
import importlib
import re
import sys

from mkdocs.exceptions import PluginError

_BLOCK = re.compile(
    r"^(?P<indent>[ \t]*)\{\{ (?P<kind>run|code) (?P<module>\w+):(?P<section>\w+) \}\}[ \t]*$", re.M
)
_VALUE = re.compile(r"\{\{ value (?P<module>\w+): (?P<expr>.+?)(?: \| (?P<format>[^}]*?))? \}\}")
_FIGURE = re.compile(r"^\{\{ figure (?P<module>\w+): (?P<expr>.+?) \| (?P<caption>[^}]+?) \}\}[ \t]*$", re.M)

_walkthroughs = {}


def on_pre_build(config):
    # Under `mkdocs serve`, forget modules from the last build so an edited snippet runs afresh.
    for name in [name for name in sys.modules if name == "snippets" or name.startswith("snippets.")]:
        del sys.modules[name]
    from snippets import runner

    _walkthroughs.clear()
    for name in runner.WALKTHROUGHS:
        try:
            _walkthroughs[name] = runner.run(name)
        except Exception as error:
            raise PluginError(f"running snippets.{name} failed: {error!r}") from error


def _fence(lines, indent, language, title):
    body = "\n".join(indent + line if line else "" for line in lines.splitlines())
    return f'{indent}```{language} title="{title}"\n{body}\n{indent}```'


def _block(match, page):
    from snippets import runner

    indent, kind, module, section = match.group("indent", "kind", "module", "section")
    where = f"{page.file.src_uri}: {match.group(0).strip()}"
    if module in _walkthroughs:
        code = _walkthroughs[module].code
    else:
        try:
            code = runner.sections(module)
        except runner.SectionError as error:
            raise PluginError(f"{where}: {error}") from error
    if section not in code:
        raise PluginError(f"{where}: snippets.{module} has no section {section!r}; it has {sorted(code)}")
    parts = [_fence(code[section], indent, "python", f"snippets/{module}.py")]
    output = _walkthroughs[module].output[section] if module in _walkthroughs else ""
    if kind == "run" and not output:
        raise PluginError(f"{where}: the section prints nothing; use 'code' instead of 'run'")
    if kind == "code" and output:
        raise PluginError(f"{where}: the section prints output; use 'run' so the page shows it")
    if output:
        parts.append(_fence(output.rstrip("\n"), indent, "text", "Output"))
    return "\n\n".join(parts)


def _evaluate(module, expr, where):
    """Evaluate ``expr`` in the namespace of a walk-through's run (or of a plain snippets module)."""
    from snippets import figures, sentence

    if module in _walkthroughs:
        namespace = _walkthroughs[module].namespace
    else:
        namespace = vars(importlib.import_module(f"snippets.{module}"))
    try:
        return eval(expr, {"figures": figures, "tokens": sentence.tokens, **namespace})
    except Exception as error:
        raise PluginError(f"{where}: {error!r}") from error


def _value(match, page):
    module, expr, spec = match.group("module", "expr", "format")
    value = _evaluate(module, expr, f"{page.file.src_uri}: {match.group(0)}")
    if hasattr(value, "item") and getattr(value, "numel", lambda: 0)() == 1:
        value = value.item()
    return format(value, spec or "")


def _figure(match, page):
    module, expr, caption = match.group("module", "expr", "caption")
    svg = _evaluate(module, expr, f"{page.file.src_uri}: {match.group(0)}")
    source = f"{module}: {expr}"
    return (
        f'<figure class="diagram" data-source="{html.escape(source)}">\n{svg}\n'
        f"<figcaption>{html.escape(caption)}</figcaption>\n</figure>"
    )


def on_page_markdown(markdown, page, config, files):
    leftover = re.search(r"\{\{.*", _FIGURE.sub("", _VALUE.sub("", _BLOCK.sub("", markdown))))
    if leftover:
        raise PluginError(f"{page.file.src_uri}: malformed directive {leftover.group(0)!r}")
    markdown = _BLOCK.sub(lambda match: _block(match, page), markdown)
    markdown = _FIGURE.sub(lambda match: _figure(match, page), markdown)
    return _VALUE.sub(lambda match: _value(match, page), markdown)
