"""The pages' directives, expanded by a Python-Markdown extension, so that any host that runs
Python-Markdown extensions (MkDocs, ProperDocs, and Zensical once it accepts this one) can build them.

Directives a page may use (each fails the build when it names something that does not exist):

- ``{{ run MODULE:SECTION }}`` on a line of its own: the section's code, then its output;
- ``{{ code MODULE:SECTION }}`` on a line of its own: the section's code only;
- ``{{ value MODULE: EXPRESSION | FORMAT }}`` anywhere: a value from the module, formatted,
  for numbers quoted in prose;
- ``{{ figure MODULE: EXPRESSION | CAPTION }}`` on a line of its own: an SVG figure drawn by
  ``engine.figures`` from the module's own tensors, e.g. ``figures.heatmap(attn_weights, tokens, ...)``;
- ``{{ standalone }}`` on a line of its own, before a page's first code block: how to run the page's
  code (its ``.py`` and ``.ipynb`` downloads, its notebook page if the catalog lists one), and the
  collapsed "From earlier pages" block of what the page reuses (see ``engine.standalone``);
- ``{{ repository }}`` anywhere: a sentence saying where the site's repository is;
- ``{{ glossary }}`` on a line of its own: the table of the site's terms (``engine.glossary``).

MODULE is a module of ``snippets`` (``chapter.causal_attention``). Expressions see the module's run (or,
for a module that is not a walk-through, its globals), plus ``figures`` (drawing in the page's
language), ``words``, ``explorer`` and ``performance`` from the engine, the sentence's ``tokens``,
``runs`` (every walk-through's namespace, by name) and ``lang``, the page's edition.
"""

import html
import importlib
import posixpath
import re
from dataclasses import dataclass

from markdown import Extension
from markdown.preprocessors import Preprocessor

from engine import catalog, explorer, figures, glossary, performance, runner, standalone, words
from engine.standalone import BLOCK, STANDALONE
from snippets import sentence

VALUE = re.compile(r"\{\{ value (?P<module>[\w.]+): (?P<expr>.+?)(?: \| (?P<format>[^}]*?))? \}\}")
FIGURE = re.compile(r"^\{\{ figure (?P<module>[\w.]+): (?P<expr>.+?) \| (?P<caption>[^}]+?) \}\}[ \t]*$", re.M)
REPOSITORY = re.compile(r"\{\{ repository \}\}")
_RUNS = re.compile(r"""runs\[["'](?P<module>[\w.]+)["']\]""")
_MODULE = re.compile(r"\{\{ (?:run|code|value|figure) (?P<module>[\w.]+):")


class DirectiveError(ValueError):
    """A directive names something that does not exist, or is malformed; the message names the page."""


@dataclass(frozen=True)
class PageContext:
    """What the directives need to know of the page being converted."""

    source: str  # its Markdown file, relative to docs/: "causal-attention.ja.md"
    url: str  # its address relative to the site's root: "ja/causal-attention/"
    lang: str  # its edition: "en", "ja" or "ko"

    @property
    def name(self) -> str:
        """Its name in the downloads: ``causal-attention`` for causal-attention(.ja).md."""
        return self.source.removesuffix(".md").split(".")[0]

    def link(self, target: str) -> str:
        """A relative link from this page to ``target``, a path from the site's root."""
        base = self.url if self.url.endswith("/") or not self.url else posixpath.dirname(self.url) + "/"
        return posixpath.relpath(target, base or ".")


def prefix(lang: str) -> str:
    """Where an edition lives, relative to the site's root."""
    return "" if lang == catalog.LANGUAGES[0] else f"{lang}/"


def modules_used(markdown: str) -> set[str]:
    """The walk-throughs and modules a page's directives read: what its expansion depends on."""
    return {match["module"] for match in _MODULE.finditer(markdown)} | {
        match["module"] for match in _RUNS.finditer(markdown)
    }


class Directives:
    """Expands a page's directives from the runs of the walk-throughs (``runner.Runs``).

    ``page`` is the page being converted; a host sets it before each conversion (MkDocs: the plugin).
    With no page set, text passes through unchanged.
    """

    def __init__(self, runs: runner.Runs, docs_dir: str = "docs", repository: str = ""):
        if repository and not re.fullmatch(r"https?://\S+", repository):
            raise DirectiveError(
                f"the site's repository (SITE_REPOSITORY) should be its web address, not {repository!r}"
            )
        self.runs = runs
        self.docs_dir = docs_dir
        self.repository = repository
        self.page: PageContext | None = None
        self.programs: dict[tuple[str, str], standalone.Program] = {}  # (lang, source) -> the page's program

    def program(self, markdown: str, page: PageContext) -> standalone.Program:
        """The page's code as one program (``engine.standalone``), from this process's runs."""
        key = (page.lang, page.source)
        if key not in self.programs:
            try:
                self.programs[key] = standalone.program(markdown, page.source, self.runs.outputs())
            except standalone.StandaloneError as error:
                raise DirectiveError(str(error)) from error
        return self.programs[key]

    def expand(self, markdown: str) -> str:
        """``markdown`` with every directive replaced by what it stands for."""
        page = self.page
        if page is None:
            return markdown
        markdown = REPOSITORY.sub(lambda match: repository_sentence(self.repository, page.lang), markdown)
        markdown = glossary.expand(markdown, page.lang, self.docs_dir)
        leftover = re.search(r"\{\{.*", STANDALONE.sub("", FIGURE.sub("", VALUE.sub("", BLOCK.sub("", markdown)))))
        if leftover:
            raise DirectiveError(f"{page.source}: malformed directive {leftover.group(0)!r}")
        first_block, box = BLOCK.search(markdown), STANDALONE.search(markdown)
        if first_block and (box is None or box.start() > first_block.start()):
            raise DirectiveError(
                f"{page.source}: a page with code needs {{{{ standalone }}}} before its first block, so that "
                "readers can run it: it brings the downloads and what the page reuses"
            )
        if box and not first_block:
            raise DirectiveError(f"{page.source}: {{{{ standalone }}}} on a page with no code")
        if box:
            program = self.program(markdown, page)
            markdown = STANDALONE.sub(lambda match: self._standalone(program, page), markdown)
        markdown = BLOCK.sub(lambda match: self._block(match, page), markdown)
        markdown = FIGURE.sub(lambda match: self._figure(match, page), markdown)
        return VALUE.sub(lambda match: self._value(match, page), markdown)

    def _block(self, match, page):
        indent, kind, module, section = match.group("indent", "kind", "module", "section")
        where = f"{page.source}: {match.group(0).strip()}"
        walkthrough = self.runs.walkthroughs.get(module)
        if walkthrough is not None:
            code = walkthrough.code
        else:
            try:
                code = runner.sections(module)
            except runner.SectionError as error:
                raise DirectiveError(f"{where}: {error}") from error
        if section not in code:
            raise DirectiveError(f"{where}: snippets.{module} has no section {section!r}; it has {sorted(code)}")
        parts = [_fence(code[section], indent, "python", f"snippets/{module.replace('.', '/')}.py")]
        output = walkthrough.output[section] if walkthrough is not None else ""
        if kind == "run" and not output:
            raise DirectiveError(f"{where}: the section prints nothing; use 'code' instead of 'run'")
        if kind == "code" and output:
            raise DirectiveError(f"{where}: the section prints output; use 'run' so the page shows it")
        if output:
            parts.append(_fence(output.rstrip("\n"), indent, "text", words.PAGE[page.lang]["output"]))
        return "\n\n".join(parts)

    def _standalone(self, program, page):
        """The run-it box of a page with code, and its "From earlier pages" block when it reuses anything."""
        lang, name = page.lang, page.name
        links = {kind: page.link(f"{prefix(lang)}downloads/{name}.{kind}") for kind in ("py", "ipynb")}
        text = words.PAGE[lang]["run_it"].format(name=name, **links)
        if any(entry.name == name for entry in catalog.NOTEBOOK_PAGES):
            text += words.PAGE[lang]["notebook_page"].format(name=name)
        if program.earlier:
            names = ", ".join(f"`{name}`" for name in standalone.defined_names(program.earlier))
            title = words.PAGE[lang]["earlier"].split('"')[1]
            text += "\n\n" + words.PAGE[lang]["earlier"].format(names=names)
            text += "\n\n" + _fence(program.earlier, "    ", "python", title)
        # The same words on every page with code, and code: out of the search index, which every page loads.
        return f"<section markdown data-search-exclude>\n\n{text}\n\n</section>"

    def evaluate(self, module, expr, where, lang="en"):
        """Evaluate ``expr`` in the namespace of a walk-through's run (or of a plain snippets module)."""
        walkthrough = self.runs.walkthroughs.get(module)
        try:
            namespace = (walkthrough.namespace if walkthrough is not None
                         else vars(importlib.import_module(f"snippets.{module}")))
            context = {"figures": figures.in_language(lang), "words": words, "explorer": explorer,
                       "performance": performance, "lang": lang, "tokens": sentence.tokens,
                       "runs": self.runs.namespaces()}
            return eval(expr, {**context, **namespace})
        except Exception as error:
            raise DirectiveError(f"{where}: {error!r}") from error

    def _value(self, match, page):
        module, expr, spec = match.group("module", "expr", "format")
        value = self.evaluate(module, expr, f"{page.source}: {match.group(0)}", page.lang)
        if hasattr(value, "item") and getattr(value, "numel", lambda: 0)() == 1:
            value = value.item()
        return format(value, spec or "")

    def _figure(self, match, page):
        module, expr, caption = match.group("module", "expr", "caption")
        svg = self.evaluate(module, expr, f"{page.source}: {match.group(0)}", page.lang)
        source = f"{module}: {expr}"
        # The drawing's text alternative lists its values for screen readers; search keeps only the caption.
        svg = svg.replace("<svg", "<svg data-search-exclude", 1)
        return (
            f'<figure class="diagram" data-source="{html.escape(source)}">\n{svg}\n'
            f"<figcaption>{html.escape(caption)}</figcaption>\n</figure>"
        )


def _fence(lines, indent, language, title):
    body = "\n".join(indent + line if line else "" for line in lines.splitlines())
    return f'{indent}```{language} title="{title}"\n{body}\n{indent}```'


def repository_sentence(url, lang):
    """Where the site's repository is, in a sentence in ``lang``: a link when the build names it (the
    hosted workflow sets SITE_REPOSITORY), otherwise how to get the code without it."""
    without, linked = words.PAGE[lang]["repository"]
    return linked.format(url=url) if url else without


class DirectivesExtension(Extension):
    """The Python-Markdown extension: expands the directives before any other preprocessor sees the text
    (superfences and the HTML-block parser read what the directives write)."""

    def __init__(self, directives: Directives):
        super().__init__()
        self.directives = directives

    def extendMarkdown(self, md):
        md.preprocessors.register(_Expand(md, self.directives), "attention_directives", 40)


class _Expand(Preprocessor):
    def __init__(self, md, directives):
        super().__init__(md)
        self.directives = directives

    def run(self, lines):
        return self.directives.expand("\n".join(lines)).split("\n")
