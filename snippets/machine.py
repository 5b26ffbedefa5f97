"""Facts about the machine running the code, for the notes on results that depend on it.

Dropout draws its random numbers through different code on different hardware. On a PyTorch
build with MKL running on an Intel CPU, ``bernoulli_`` uses MKL's random stream; elsewhere
(AMD CPUs, Apple silicon) it uses PyTorch's own generator, which is what produced the book's
printed dropout patterns. GPUs use yet another kernel.
"""

import platform
from pathlib import Path

import torch


def cpu_vendor():
    """The CPU vendor string, such as 'GenuineIntel' or 'AuthenticAMD' (best effort)."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("vendor_id"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def dropout_matches_book():
    """True when CPU dropout here draws from PyTorch's own generator, as the book's run did."""
    return not (torch.backends.mkl.is_available() and "intel" in cpu_vendor().lower())


# How dropout draws on this machine, as the end of a sentence that begins "…, where dropout", in each
# edition's language: (as for the book, unlike the book).
VERDICTS = {
    "en": (
        "draws from PyTorch's own generator, as for the book",
        "draws from MKL's stream, so these patterns differ from the book's",
    ),
    "ja": (
        "本書と同じく、PyTorch自身の乱数生成器から乱数を引きます",
        "MKLの乱数列から乱数を引くため、パターンは本書と異なります",
    ),
}


def dropout_verdict(lang="en"):
    """Whether dropout here draws as the book's run did, in words, in ``lang`` ("en" or "ja")."""
    as_for_the_book, unlike_the_book = VERDICTS[lang]
    return as_for_the_book if dropout_matches_book() else unlike_the_book


def describe(lang="en"):
    """One line naming what produced this run's numbers, in ``lang`` ("en" or "ja")."""
    if lang == "ja":
        return f"PyTorch {torch.__version__}（{platform.system()} {platform.machine()}、{cpu_vendor()} CPU）"
    return f"PyTorch {torch.__version__} on {platform.system()} {platform.machine()} ({cpu_vendor()} CPU)"
