"""The book's printed outputs, and a comparison of printed text that allows for rounding.

``tests/expected/NAME.txt`` holds, per section of ``snippets.NAME``, the text that section must
print. The tensors in it are the values printed in the book's own chapter-3 notebook (same seeds,
same order of random draws); the lines this site adds around them (labels, shapes, checks) were
read off a reviewed run. Regenerating the files from the code would defeat their purpose, so the
``--write`` mode below is for adding a new section only, followed by checking it against the book.

    python tests/expected_outputs.py --write NAME
"""

import re
import sys
from pathlib import Path

EXPECTED_DIR = Path(__file__).parent / "expected"
TOLERANCE = 1e-4  # printed values have four decimals; allow one unit of rounding in the last place

_NUMBER = re.compile(r"-?(?:\d+\.\d*|\.\d+|\d+)(?:e[+-]?\d+)?|-?inf|nan")


def load(name: str) -> dict[str, str]:
    """Section name -> expected printed text, from ``tests/expected/NAME.txt``."""
    expected: dict[str, str] = {}
    section = None
    for line in (EXPECTED_DIR / f"{name}.txt").read_text(encoding="utf-8").splitlines(keepends=True):
        if line.startswith("## "):
            section = line[3:].strip()
            expected[section] = ""
        elif section is not None:
            expected[section] += line
    return expected


def dump(outputs: dict[str, str]) -> str:
    return "".join(f"## {section}\n{text}" for section, text in outputs.items() if text)


def _shape(text: str) -> tuple[str, list[str]]:
    """The text with every number replaced by '#', whitespace collapsed; and the numbers."""
    numbers = _NUMBER.findall(text)
    skeleton = " ".join(_NUMBER.sub("#", text).split())
    return skeleton, numbers


def differences(expected: str, actual: str, tolerance: float = TOLERANCE) -> list[str]:
    """Readable reasons why ``actual`` does not print the same values as ``expected``; empty if it does."""
    expected_skeleton, expected_numbers = _shape(expected)
    actual_skeleton, actual_numbers = _shape(actual)
    if expected_skeleton != actual_skeleton or len(expected_numbers) != len(actual_numbers):
        return [
            "the printed text differs beyond its numbers:",
            "  expected: " + expected.rstrip().replace("\n", "\n            "),
            "  actual:   " + actual.rstrip().replace("\n", "\n            "),
        ]
    problems = []
    for index, (want, got) in enumerate(zip(expected_numbers, actual_numbers, strict=True)):
        if want == got:
            continue
        try:
            close = abs(float(want) - float(got)) <= tolerance
        except ValueError:
            close = False
        if not close:
            problems.append(f"number {index + 1}: expected {want}, got {got}")
    if problems:
        problems.append("actual output:\n" + actual.rstrip())
    return problems


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "--write":
        sys.exit(__doc__)
    from engine import runner

    walkthrough = runner.run(sys.argv[2])
    (EXPECTED_DIR / f"{sys.argv[2]}.txt").write_text(dump(walkthrough.output), encoding="utf-8")
