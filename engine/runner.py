"""Run a walk-through module section by section and keep what each section printed.

A module marks the code a page shows with ``# --8<-- [start:NAME]`` and ``# --8<-- [end:NAME]``.
The site build and the tests both go through :func:`run`, so the code on a page, the output under it
and the values the tests check come from one execution. :class:`Runs` keeps every walk-through's run
for a process, and runs again only what edited code affects.
"""

import ast
import builtins
import contextlib
import hashlib
import importlib.util
import io
import re
import signal
import sys
import textwrap
import threading
from dataclasses import dataclass, field
from pathlib import Path

from engine.catalog import WALKTHROUGHS

_MARKER = re.compile(r"^\s*# --8<-- \[(start|end):(\w+)\]\s*$")


SECTION_TIMEOUT = 60  # seconds; the slowest section (the dark-room training) takes a few


class WalkthroughError(Exception):
    """A walk-through cannot be run or shown; the message says where and why."""


class SectionError(WalkthroughError, ValueError):
    """A module's section markers are malformed, or a requested section does not exist."""


class SectionTimeout(WalkthroughError, RuntimeError):
    """A section ran longer than its time limit."""


class SectionFailed(WalkthroughError, RuntimeError):
    """A section raised: the message names the module, the section and the line."""


@dataclass(frozen=True)
class Chunk:
    """A run of consecutive source lines, inside one named section or outside all of them."""

    section: str | None
    first_line: int  # 1-based line number in the module file
    code: str


@dataclass
class Walkthrough:
    """The result of running one module: each section's code and output, and its final globals."""

    name: str
    code: dict[str, str] = field(default_factory=dict)
    output: dict[str, str] = field(default_factory=dict)
    namespace: dict = field(default_factory=dict)

    @property
    def transcript(self) -> str:
        """Everything the module printed, in order: what ``python -m snippets.NAME`` prints."""
        return "".join(self.output.values())


def module_path(name: str) -> Path:
    """The source file of ``snippets.<name>``, with a clear error for an unknown name."""
    spec = importlib.util.find_spec(f"snippets.{name}")
    if spec is None or spec.origin is None:
        raise SectionError(f"there is no module snippets.{name}")
    return Path(spec.origin)


def summary(name: str) -> str:
    """The first line of a module's docstring: what the walk-through is about."""
    return module_path(name).read_text(encoding="utf-8").split('"""')[1].strip().splitlines()[0]


def split_chunks(source: str, filename: str = "<source>") -> list[Chunk]:
    """Cut a module into chunks at its section markers (markers themselves are dropped)."""
    chunks: list[Chunk] = []
    current: str | None = None
    seen: set[str] = set()
    lines: list[str] = []
    first = 1

    def flush(next_first: int) -> None:
        nonlocal lines, first
        if any(line.strip() for line in lines):
            chunks.append(Chunk(current, first, "".join(lines)))
        lines, first = [], next_first

    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        marker = _MARKER.match(line)
        if not marker:
            lines.append(line)
            continue
        kind, name = marker.groups()
        if kind == "start":
            if current is not None:
                raise SectionError(f"{filename}:{number}: section {name!r} starts inside {current!r}")
            if name in seen:
                raise SectionError(f"{filename}:{number}: section {name!r} is defined twice")
            flush(number + 1)
            current = name
            seen.add(name)
        else:
            if current != name:
                raise SectionError(f"{filename}:{number}: end of {name!r} does not close {current!r}")
            flush(number + 1)
            current = None
    if current is not None:
        raise SectionError(f"{filename}: section {current!r} is never closed")
    flush(0)
    return chunks


def sections(name: str) -> dict[str, str]:
    """The code of every section of ``snippets.<name>``, dedented, without running anything."""
    path = module_path(name)
    return {
        chunk.section: textwrap.dedent(chunk.code).strip("\n")
        for chunk in split_chunks(path.read_text(encoding="utf-8"), str(path))
        if chunk.section is not None
    }


@contextlib.contextmanager
def time_limit(seconds: float, what: str):
    """Stop a hung section with a clear message (Unix main thread only; elsewhere no limit)."""
    if not hasattr(signal, "SIGALRM") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise SectionTimeout(f"{what} did not finish within {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _imported_modules(node: ast.AST, package: Path) -> list[str]:
    """The snippets modules an import statement names: ``from snippets.chapter import x`` names
    ``chapter.x``, ``from snippets.attention import X`` names ``attention``."""
    if isinstance(node, ast.Import):
        return [alias.name.removeprefix("snippets.") for alias in node.names if alias.name.startswith("snippets.")]
    if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("snippets"):
        return []
    base = node.module.removeprefix("snippets").removeprefix(".")
    if base and not (package / base.replace(".", "/")).is_dir():
        return [base]
    return [f"{base}.{alias.name}".lstrip(".") for alias in node.names]


def dependencies(name: str) -> set[str]:
    """The snippets modules whose source ``snippets.<name>``'s behaviour depends on: itself, and every
    snippets module it imports, directly or through another one. A rebuild reruns a walk-through only
    when one of these files has changed."""
    package = _package()
    found, pending = set(), [name]
    while pending:
        current = pending.pop()
        path = package / f"{current.replace('.', '/')}.py"
        if current in found or not path.exists():
            continue
        found.add(current)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            pending += _imported_modules(node, package)
    return found


def _failing_line(error: BaseException, path: Path) -> int | None:
    """The line of ``path`` that the traceback of ``error`` last passed through."""
    line, trace = None, error.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename == str(path):
            line = trace.tb_lineno
        trace = trace.tb_next
    return line


def run(name: str, section_timeout: float = SECTION_TIMEOUT) -> Walkthrough:
    """Execute ``snippets.<name>`` top to bottom, capturing the output of each section.

    Code outside sections runs too, but must print nothing: every printed line belongs to a
    section a page can show. A section that runs longer than ``section_timeout`` seconds is stopped.
    """
    path = module_path(name)
    result = Walkthrough(name)
    namespace = {"__name__": "__main__", "__file__": str(path), "__builtins__": builtins}
    for chunk in split_chunks(path.read_text(encoding="utf-8"), str(path)):
        # Pad with newlines so tracebacks point at the real line of the module file.
        compiled = compile("\n" * (chunk.first_line - 1) + chunk.code, str(path), "exec")
        buffer = io.StringIO()
        what = f"snippets.{name}, section {chunk.section or '(outside sections)'} at {path.name}:{chunk.first_line},"
        try:
            with contextlib.redirect_stdout(buffer), time_limit(section_timeout, what):
                exec(compiled, namespace)
        except (SectionTimeout, SectionError):
            raise
        except Exception as error:
            line = _failing_line(error, path) or chunk.first_line
            raise SectionFailed(
                f"snippets.{name}, section {chunk.section or '(outside sections)'}, line {line} "
                f"({path.name}:{line}) raised {error!r}"
            ) from error
        printed = buffer.getvalue()
        if chunk.section is None:
            if printed:
                raise SectionError(f"{path}:{chunk.first_line}: code outside any section printed {printed!r}")
            continue
        result.code[chunk.section] = textwrap.dedent(chunk.code).strip("\n")
        result.output[chunk.section] = printed
    result.namespace = namespace
    return result


def _package() -> Path:
    return Path(importlib.util.find_spec("snippets").submodule_search_locations[0])


def source_hashes() -> dict[str, str]:
    """Module name (``chapter.simple_attention``) -> hash of its source, for every file of ``snippets``."""
    package = _package()
    return {
        ".".join(path.relative_to(package).with_suffix("").parts): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(package.rglob("*.py"))
    }


class Runs:
    """Every walk-through's run, kept for the life of a process (a build, or `mkdocs serve`).

    :meth:`refresh` runs everything the first time. After a snippet edit it forgets the edited modules
    and every module that imports them, and runs again only the walk-throughs that depend on them; a
    prose edit runs nothing.
    """

    def __init__(self, names: tuple[str, ...] = WALKTHROUGHS):
        self.names = names
        self.walkthroughs: dict[str, Walkthrough] = {}
        self.sources: dict[str, str] = {}  # module -> hash of the source that produced the runs
        self._dependencies: dict[str, set[str]] = {}

    def refresh(self) -> set[str]:
        """Run the walk-throughs whose code changed since the last refresh; returns their names."""
        from engine import standalone

        sources = source_hashes()
        changed = {name for name in sources.keys() | self.sources.keys() if sources.get(name) != self.sources.get(name)}
        if not changed:
            return set()
        if not self.sources or any(name.endswith("__init__") for name in changed):
            stale = set(sources)
        else:
            stale = {name for name in sources if self.dependencies(name) & changed}
        for name in stale:
            sys.modules.pop(f"snippets.{name}", None)
            parent, _, leaf = f"snippets.{name}".rpartition(".")
            package = sys.modules.get(parent)
            if package is not None and leaf in vars(package):  # else `from snippets.x import leaf` finds the old one
                delattr(package, leaf)
        standalone.forget()
        self.sources, self._dependencies = {}, {}
        rerun = {name for name in self.names if name in stale or name not in self.walkthroughs}
        for name in self.names:
            if name in rerun:
                self.walkthroughs[name] = run(name)
        self.sources = sources
        return rerun

    def dependencies(self, name: str) -> set[str]:
        """:func:`dependencies`, remembered until the next change."""
        if name not in self._dependencies:
            self._dependencies[name] = dependencies(name)
        return self._dependencies[name]

    def digest(self, modules) -> str:
        """A hash of the sources that the runs of ``modules`` depend on: it changes when their output can."""
        found = set().union(*(self.dependencies(name) for name in modules)) if modules else set()
        digest = hashlib.sha256()
        for name in sorted(found):
            digest.update(f"{name}:{self.sources.get(name, '')}\0".encode())
        return digest.hexdigest()

    def outputs(self) -> dict[str, dict[str, str]]:
        """Each walk-through's printed output, section by section."""
        return {name: walkthrough.output for name, walkthrough in self.walkthroughs.items()}

    def namespaces(self) -> dict[str, dict]:
        """Each walk-through's final globals, by name."""
        return {name: walkthrough.namespace for name, walkthrough in self.walkthroughs.items()}
