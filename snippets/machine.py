"""Facts about the machine running the code, for the notes on results that depend on it.

Dropout's pattern of zeros depends on the random number generator that draws it, not only on the seed.
The book's printed patterns come from PyTorch's own CPU generator, the one ``torch.rand`` uses; a GPU
draws from a generator of its own, and a PyTorch build may draw CPU dropout another way. So whether this
machine prints the book's patterns is checked on a draw, not guessed from the hardware.
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
    """True when dropout here keeps exactly the entries that PyTorch's own CPU generator picks, as in the
    book's run: with ``manual_seed(123)``, the entries where ``torch.rand`` (in double precision, as
    ``bernoulli_`` draws) falls below the keep probability."""
    with torch.random.fork_rng():
        torch.manual_seed(123)
        kept = torch.nn.functional.dropout(torch.ones(6, 6), p=0.5, training=True) != 0
        torch.manual_seed(123)
        return torch.equal(kept, torch.rand(6, 6, dtype=torch.float64) < 0.5)


def facts():
    """What produces this machine's numbers, as a run records it: PyTorch, the system, the CPU."""
    return {
        "torch_version": torch.__version__,
        "system": platform.system(),
        "architecture": platform.machine(),
        "cpu_vendor": cpu_vendor(),
    }


def describe(recorded=None):
    """One line naming what produced a run's numbers: this machine's, or those of a recorded run (a
    mapping with the keys of ``facts()``)."""
    f = recorded or facts()
    return f"PyTorch {f['torch_version']} on {f['system']} {f['architecture']} ({f['cpu_vendor']} CPU)"
