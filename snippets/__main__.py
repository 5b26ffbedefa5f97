"""`python -m snippets` lists the runnable examples; `python -m snippets NAME` runs one."""

import runpy
import sys

from snippets.runner import WALKTHROUGHS, summary


def listing():
    """The runnable examples, one per line, with what each is about."""
    lines = ["Runnable examples (python -m snippets NAME, or python -m snippets.NAME):"]
    lines += [f"  {name:<22} {summary(name)}" for name in WALKTHROUGHS]
    return "\n".join(lines)


def main(argv):
    if not argv:
        print(listing())
        return 0
    if len(argv) > 1 or argv[0] not in WALKTHROUGHS:
        choices = ", ".join(WALKTHROUGHS)
        print(f"unknown example {' '.join(argv)!r}; choose one of: {choices}", file=sys.stderr)
        return 2
    runpy.run_module(f"snippets.{argv[0]}", run_name="__main__", alter_sys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
