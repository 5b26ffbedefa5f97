"""The performance page's tables from the recorded run, in each edition's words."""

from engine.words import PERFORMANCE_TABLE
from snippets.benchmark import QUANTITIES, RECORDED, load_recorded


def recorded_markdown(mode, lang="en", path=RECORDED):
    """The recorded run in ``mode`` as a Markdown table, its headings in ``lang``."""
    words = PERFORMANCE_TABLE[lang]
    lines = ["| " + " | ".join(words) + " |", "| ---: | --- | ---: | ---: | ---: |"]
    for r in load_recorded(path)["results"]:
        if r["mode"] == mode:
            ms, ratio, mib = (QUANTITIES[quantity](r) for quantity in ("ms", "ratio", "MiB"))
            lines.append(f"| {r['num_tokens']} | `{r['implementation']}` | {ms:.1f} | {ratio:.2f} | {mib:.1f} |")
    return "\n".join(lines)
