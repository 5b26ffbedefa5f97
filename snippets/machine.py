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


def describe():
    """One line naming what produced this run's numbers."""
    return f"PyTorch {torch.__version__} on {platform.system()} {platform.machine()} ({cpu_vendor()} CPU)"
