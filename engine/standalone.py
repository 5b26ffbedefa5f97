"""A page's code as one program that needs nothing but PyTorch.

A page shows sections of the walk-throughs, in its own order. The walk-throughs import what they
reuse (``from snippets.attention import CausalAttention``), but a reader has no ``snippets`` package.
So every page that reuses a definition from elsewhere gets it in a generated block, "From earlier
pages", placed before its first block: the sections that define the names the page uses without
defining them, found by reading the code (with what those sections use in turn), and the imports
they need. The repository keeps one definition of each thing; the block is made from it.

The page's blocks, in page order, after that block, are the program a reader pastes, the ``.py``
script and the notebook they download; the tests run it where ``snippets`` cannot be imported.
"""

import ast
import builtins
import functools
import re
import unicodedata
from dataclasses import dataclass, field

from engine import catalog, runner
from engine.words import DOWNLOADS

# A page's code directives: ``{{ run MODULE:SECTION }}`` (code, then output) and ``{{ code MODULE:SECTION }}``.
BLOCK = re.compile(r"^(?P<indent>[ \t]*)\{\{ (?P<kind>run|code) (?P<module>[\w.]+):(?P<section>\w+) \}\}[ \t]*$", re.M)
# Where a page with code says how to run it, and gets its "From earlier pages" block.
STANDALONE = re.compile(r"^\{\{ standalone \}\}[ \t]*$", re.M)
_HEADING = re.compile(r"^(?P<level>#{1,6}) (?P<text>.+?)(?:\s*\{[^}]*\})?\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
_BUILTINS = frozenset(dir(builtins))


class StandaloneError(ValueError):
    """A page uses a name that neither the page nor a reusable definition provides."""


@dataclass(frozen=True)
class Block:
    """One code block of a page: a section of a module, and what running it printed."""

    module: str
    section: str
    code: str
    output: str = ""


@dataclass
class Program:
    """A page's code in page order: headings and blocks, after the generated block of what it reuses."""

    title: str
    earlier: str = ""  # the "From earlier pages" code; empty when the page defines everything it uses
    items: list = field(default_factory=list)  # Block, or str for a heading (Markdown, e.g. "## Step 1")

    @property
    def blocks(self) -> list[Block]:
        return [item for item in self.items if isinstance(item, Block)]


@functools.cache  # every page of every edition asks again for the same blocks
def names(code: str) -> tuple[frozenset[str], frozenset[str]]:
    """(bound, needed) for a block: the names it binds anywhere in it, and the names it reads without
    binding them (builtins aside). Over-counting what is bound is safe here: the tests run the result."""
    bound, loaded = set(), set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            bound.update(alias.asname or alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return frozenset(bound), frozenset(loaded - bound - _BUILTINS)


def _top_level_names(node: ast.stmt) -> set[str]:
    """The module-level names one statement binds (not the locals of the functions it defines)."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {node.name}
    if isinstance(node, ast.Import | ast.ImportFrom):
        return {alias.asname or alias.name.split(".")[0] for alias in node.names}
    found, pending = set(), [node]
    while pending:
        current = pending.pop()
        if isinstance(current, ast.Name) and not isinstance(current.ctx, ast.Load):
            found.add(current.id)
        elif isinstance(current, ast.stmt) and current is not node:
            found |= _top_level_names(current)  # the body of a top-level for, if or with
        elif not isinstance(current, ast.Lambda | ast.comprehension):
            pending += ast.iter_child_nodes(current)
    return found


@functools.cache
def _sections(module: str) -> dict[str, str]:
    """``runner.sections``, read once per module until ``forget()``: every page asks again."""
    return runner.sections(module)


@functools.cache
def _bindings(module: str) -> dict[str, tuple]:
    """How ``snippets.<module>`` binds each top-level name: ("section", name) inside a section,
    ("import", statement) by an import of another package outside sections, or
    ("snippets", module, name) by an import from this package outside sections."""
    path = runner.module_path(module)
    found = {}
    for chunk in runner.split_chunks(path.read_text(encoding="utf-8"), str(path)):
        for node in ast.parse(chunk.code).body:
            if chunk.section is not None:
                for name in _top_level_names(node):
                    found.setdefault(name, ("section", chunk.section))
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("snippets."):
                for alias in node.names:
                    found[alias.asname or alias.name] = ("snippets", node.module.removeprefix("snippets."), alias.name)
            elif isinstance(node, ast.Import | ast.ImportFrom):
                for alias in node.names:
                    single = type(node)(names=[alias], **({"module": node.module, "level": 0}
                                                          if isinstance(node, ast.ImportFrom) else {}))
                    found[alias.asname or alias.name.split(".")[0]] = ("import", ast.unparse(single))
    return found


class _Linker:
    """Collects what a page's blocks use from outside the page: imports, and reusable sections with
    what they use in turn. The result runs before the page's first block, so it provides for itself."""

    def __init__(self, where: str, shown: set[tuple[str, str]]):
        self.where = where
        self.shown = shown  # (module, section) of every block on the page
        self.on_page: set[str] = set()  # bound by the page's blocks so far
        self.provided: set[str] = set()  # bound by the generated block
        self.imports: set[str] = set()
        self.sections: list[tuple[str, str]] = []  # dependencies first

    def use(self, block: "Block") -> None:
        """Provide what ``block`` reads that neither the page before it nor the generated block binds."""
        bound, needed = names(block.code)
        for name in sorted(needed - self.on_page):
            self.provide(name, block.module, f"{self.where}: {block.module}:{block.section}")
        self.on_page |= bound

    def provide(self, name: str, module: str, where: str) -> None:
        if name in self.provided:
            return
        binding = _bindings(module).get(name)
        if binding is None:
            raise StandaloneError(f"{where}: {name!r} is not defined on the page or in snippets.{module}")
        if binding[0] == "import":
            self.imports.add(binding[1])
            self.provided.add(name)
        elif binding[0] == "snippets":
            self.provide(binding[2], binding[1], where)
            self.provided.add(name)
        elif module in catalog.WALKTHROUGHS or (module, binding[1]) in self.shown:
            raise StandaloneError(
                f"{where}: {name!r} comes from section {binding[1]!r} of snippets.{module}, which the page "
                "does not show before this block"
            )
        else:
            code = _sections(module)[binding[1]]
            bound, needed = names(code)
            self.provided |= bound
            for dependency in sorted(needed):
                self.provide(dependency, module, f"{where} (through {module}:{binding[1]})")
            self.sections.append((module, binding[1]))

    def code(self) -> str:
        """Imports first, then each module's sections in file order, modules in the order first needed."""
        plain = sorted(statement for statement in self.imports if statement.startswith("import "))
        parts = ["\n".join(plain + sorted(self.imports - set(plain)))] if self.imports else []
        modules = list(dict.fromkeys(module for module, _ in self.sections))
        for module in modules:
            wanted = {section for owner, section in self.sections if owner == module}
            parts += [code for section, code in _sections(module).items() if section in wanted]
        return "\n\n\n".join(parts)


def program(markdown: str, where: str, outputs: dict[str, dict[str, str]]) -> Program:
    """The program of a page, from its Markdown: its title, headings and code directives in page
    order, with the output each section printed (``outputs``: module -> section -> output)."""
    markdown = _FRONT_MATTER.sub("", markdown)
    shown = {(match["module"], match["section"]) for match in BLOCK.finditer(markdown)}
    title, items, fenced = "", [], False
    linker = _Linker(where, shown)
    for line in markdown.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        heading = None if fenced else _HEADING.match(line)
        directive = None if fenced else BLOCK.match(line)
        if heading and heading.group("level") == "#" and not title:
            title = heading.group("text")
        elif heading:
            items.append(f"{heading.group('level')} {heading.group('text')}")
        elif directive:
            module, section = directive.group("module", "section")
            try:
                code = _sections(module)[section]
            except (runner.SectionError, KeyError) as error:
                raise StandaloneError(f"{where}: {line.strip()}: no such section ({error})") from error
            items.append(Block(module, section, code, outputs.get(module, {}).get(section, "")))
            linker.use(items[-1])
    return Program(title, linker.code(), _with_code(items))


def _with_code(items: list) -> list:
    """The items without the headings whose sections hold no code: a heading stays when a block comes
    after it before the next heading of its level or above (## ends a ##'s section and its ###s)."""
    kept = []
    for k, item in enumerate(items):
        if isinstance(item, str):
            level = len(item.split(" ", 1)[0])
            following = items[k + 1 :]
            end = next((j for j, x in enumerate(following) if isinstance(x, str) and len(x.split(" ", 1)[0]) <= level),
                       len(following))
            if not any(isinstance(x, Block) for x in following[:end]):
                continue
        kept.append(item)
    return kept


def script(page: Program, filename: str, made_with: str, lang: str = "en") -> str:
    """The page's program as a ``.py`` file in the percent format that Jupyter, VS Code and jupytext
    read as cells: ``# %%`` before each block, ``# %% [markdown]`` before each heading."""
    text = sentences(intro(made_with, lang), DOWNLOADS[lang]["run_script"].format(file=filename))
    header = [f"# {page.title}", "", *_wrap(text)]
    parts = ["# %% [markdown]\n" + "\n".join(f"# {line}".rstrip() for line in header)]
    if page.earlier:
        parts.append(f"# %% {DOWNLOADS[lang]['earlier']}\n{page.earlier}")
    for item in page.items:
        parts.append(f"# %% [markdown]\n# {item}" if isinstance(item, str) else f"# %%\n{item.code}")
    return "\n\n".join(parts) + "\n"


def _wrap(text: str, width: int = 96) -> list[str]:
    """Lines of at most ``width`` columns (a CJK character takes two), broken after a space or a 、 or 。
    where one is near the end of the line."""
    lines, line, columns = [], "", 0
    for char in text:
        wide = 2 if unicodedata.east_asian_width(char) in "WF" else 1
        if columns + wide > width:
            cut = max(line.rfind(" "), line.rfind("、"), line.rfind("。")) + 1
            cut = cut if cut > len(line) * 2 // 3 else len(line)
            lines.append(line[:cut].rstrip())
            line = line[cut:].lstrip()
            columns = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
        line += char
        columns += wide
    return [*lines, line]


def sentences(*parts: str) -> str:
    """Sentences joined as their language does: with a space, or with none after a Japanese 。."""
    joined = parts[0]
    for part in parts[1:]:
        joined += part if joined.endswith("。") else f" {part}"
    return joined


def intro(made_with: str, lang: str = "en") -> str:
    """What a download is and what it needs, in ``lang``; ``made_with`` names the machine of the build."""
    return DOWNLOADS[lang]["intro"].format(made_with=made_with)


def defined_names(code: str) -> list[str]:
    """The module-level names a block defines, in order: what a "From earlier pages" block provides."""
    found = []
    for node in ast.parse(code).body:
        if not isinstance(node, ast.Import | ast.ImportFrom):
            found += [name for name in sorted(_top_level_names(node)) if name not in found]
    return found


def forget() -> None:
    """Drop what was read from the modules' sources, after they changed (``mkdocs serve``)."""
    _bindings.cache_clear()
    _sections.cache_clear()


