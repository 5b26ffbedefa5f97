"""The words the engine adds to pages, in each edition's language ("en", "ja", "ko")."""

from snippets import machine

# How dropout draws on this machine, as the end of a sentence that begins "…, where dropout", in each
# edition's language: (as for the book, unlike the book).
VERDICTS = {
    "en": (
        "draws from PyTorch's own generator, as for the book, and prints the book's patterns",
        "does not draw as PyTorch's own generator does, so these patterns differ from the book's",
    ),
    "ja": (
        "原書と同じくPyTorch自身の乱数生成器から乱数を引くので、原書と同じパターンになります",
        "PyTorch自身の乱数生成器とは違う引き方をするため、パターンは原書と異なります",
    ),
    "ko": (
        "원서와 같이 PyTorch 자체의 난수 생성기에서 난수를 뽑으므로 원서와 같은 패턴이 나옵니다",
        "PyTorch 자체의 난수 생성기와 다른 방식으로 난수를 뽑으므로 패턴이 원서와 다릅니다",
    ),
}


def dropout_verdict(lang="en"):
    """Whether dropout here draws as the book's run did, in words, in ``lang`` ("en", "ja" or "ko")."""
    as_for_the_book, unlike_the_book = VERDICTS[lang]
    return as_for_the_book if machine.dropout_matches_book() else unlike_the_book


def machine_sentence(lang="en", recorded=None):
    """One line naming what produced a run's numbers, in ``lang``: this machine's, or those of a recorded
    run (a mapping with the keys of ``snippets.machine.facts()``)."""
    f = recorded or machine.facts()
    if lang == "ja":
        return f"PyTorch {f['torch_version']}（{f['system']} {f['architecture']}、{f['cpu_vendor']}のCPU）"
    if lang == "ko":
        return f"PyTorch {f['torch_version']}({f['system']} {f['architecture']}, {f['cpu_vendor']} CPU)"
    return machine.describe(f)
