"""`python -m snippets` lists the runnable examples; `python -m snippets NAME` runs one."""

import ast
import pkgutil
import runpy
import sys
from pathlib import Path

PACKAGE = Path(__file__).parent
ROLES = ("chapter", "questions", "experiments", "exercises")  # the folders of walk-throughs, in reading order


def examples():
    """Every walk-through, as ``folder.module``, with the first line of its docstring: folder by folder,
    each in the order of those lines, so that the chapter's come as 3.3, 3.4, 3.5, 3.6."""
    found = {}
    for role in ROLES:
        summaries = {}
        for module in pkgutil.iter_modules([str(PACKAGE / role)]):
            source = (PACKAGE / role / f"{module.name}.py").read_text(encoding="utf-8")
            summaries[f"{role}.{module.name}"] = ast.get_docstring(ast.parse(source)).splitlines()[0]
        found |= dict(sorted(summaries.items(), key=lambda item: item[1]))
    return found


def listing():
    """The runnable examples, one per line, with what each is about."""
    lines = ["Runnable examples (python -m snippets NAME, or python -m snippets.NAME):"]
    lines += [f"  {name:<28} {summary}" for name, summary in examples().items()]
    return "\n".join(lines)


def main(argv):
    if not argv:
        print(listing())
        return 0
    if len(argv) > 1 or argv[0] not in examples():
        choices = ", ".join(examples())
        print(f"unknown example {' '.join(argv)!r}; choose one of: {choices}", file=sys.stderr)
        return 2
    runpy.run_module(f"snippets.{argv[0]}", run_name="__main__", alter_sys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
