"""`python -m snippets` lists the runnable examples; `python -m snippets NAME` runs one."""

import runpy
import sys

from snippets.runner import WALKTHROUGHS, module_path


def summary(name):
    """The first line of a walk-through's docstring."""
    source = module_path(name).read_text(encoding="utf-8")
    return source.split('"""')[1].strip().splitlines()[0]


def main(argv):
    if not argv:
        print("Runnable examples (python -m snippets NAME, or python -m snippets.NAME):")
        for name in WALKTHROUGHS:
            print(f"  {name:<22} {summary(name)}")
        return 0
    if len(argv) > 1 or argv[0] not in WALKTHROUGHS:
        choices = ", ".join(WALKTHROUGHS)
        print(f"unknown example {' '.join(argv)!r}; choose one of: {choices}", file=sys.stderr)
        return 2
    runpy.run_module(f"snippets.{argv[0]}", run_name="__main__", alter_sys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
