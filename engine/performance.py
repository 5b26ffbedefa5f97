"""The performance page's tables from the recorded run, in each edition's words."""

from snippets.benchmark import QUANTITIES, RECORDED, load_recorded

TABLE_WORDS = {  # the column headings
    "en": ("tokens", "implementation", "median ms", "× fastest", "peak MiB"),
    "ja": ("トークン数", "実装", "中央値（ms）", "最速の何倍か", "ピーク（MiB）"),
    "ko": ("토큰 수", "구현", "중앙값(ms)", "가장 빠른 것의 몇 배", "최대 메모리(MiB)"),
}


def recorded_markdown(mode, lang="en", path=RECORDED):
    """The recorded run in ``mode`` as a Markdown table, its headings in ``lang``."""
    words = TABLE_WORDS[lang]
    lines = ["| " + " | ".join(words) + " |", "| ---: | --- | ---: | ---: | ---: |"]
    for r in load_recorded(path)["results"]:
        if r["mode"] == mode:
            ms, ratio, mib = (QUANTITIES[quantity](r) for quantity in ("ms", "ratio", "MiB"))
            lines.append(f"| {r['num_tokens']} | `{r['implementation']}` | {ms:.1f} | {ratio:.2f} | {mib:.1f} |")
    return "\n".join(lines)
