"""Time and memory of five implementations of the same causal multi-head attention, on the CPU.

Run ``python -m snippets.benchmark`` for GPT-2-small width (d_in = d_out = 768, 12 heads, batch 8)
at 128 to 2048 tokens, or ``--smoke`` for a seconds-long run that only proves the code works. All five
modules get the chapter MultiHeadAttention's weights (``copy_weights``), so they compute the same
function, and the run checks that they do.

For each sequence length and implementation it reports:

- the median time of a forward call (``torch.no_grad()``, eval mode) and of a forward plus backward
  call (train mode; dropout is 0 throughout), each also as a multiple of the fastest at that length;
- the peak memory of one such call (see ``peak_memory``).

The first call of each module at each length is a warm-up: it is the one whose memory is measured
and whose result is checked, and it is not timed. Timed calls then go round all five modules in turn
(a rotating order), so a burst of load from other programs slows them all alike. Rounds stop after
``--repeats``, or earlier when another round would take this length past ``--budget`` seconds; at
least one round always runs, so the slowest lengths may have a single timing.
"""

import argparse
import functools
import json
import os
import platform
import statistics
import sys
import time
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import torch

from snippets.attention import MultiHeadAttention
from snippets.efficient_attention import (
    FusedQKVAttention,
    SDPAttention,
    TorchMultiheadAttention,
    WrapperWithProjection,
    same_as,
)
from snippets.machine import describe, facts

# Name in the table -> class. The chapter's wrapper has no out_proj; WrapperWithProjection adds one,
# so that all five compute the same function and the timings compare like with like.
IMPLEMENTATIONS = {
    "MultiHeadAttentionWrapper*": WrapperWithProjection,
    "MultiHeadAttention": MultiHeadAttention,
    "FusedQKVAttention": FusedQKVAttention,
    "SDPAttention": SDPAttention,
    "nn.MultiheadAttention": TorchMultiheadAttention,
}
REFERENCE = "MultiHeadAttention"


@dataclass(frozen=True)
class Settings:
    d_model: int = 768  # d_in = d_out
    num_heads: int = 12
    batch: int = 8
    lengths: tuple = (128, 256, 512, 1024, 2048)
    repeats: int = 5
    budget_s: float = 20.0  # timing budget per length and mode; see the module docstring
    threads: int = torch.get_num_threads()  # PyTorch's default: one per core
    seed: int = 123


FULL = Settings()
# One thread: tiny matrices gain nothing from a second one, and on a busy build machine waiting for a
# second core to come free can make the smoke run several times slower.
SMOKE = Settings(d_model=64, num_heads=4, batch=2, lengths=(16, 32), repeats=1, threads=1)


# --8<-- [start:measure]
def forward(module, x, grad_output):  # grad_output unused: both calls take the same arguments
    """Inference: no autograd graph is built, so nothing is kept for a backward pass."""
    with torch.no_grad():
        return module(x)


def forward_backward(module, x, grad_output):
    """One training step's worth of attention: forward, then gradients for the weights and input."""
    module(x).backward(grad_output)
    return x.grad


def clear_gradients(module, x):
    """Free the last call's gradients, so each call allocates its own (and is measured doing so)."""
    module.zero_grad(set_to_none=True)
    x.grad = None


MODES = {"forward": (forward, False), "forward+backward": (forward_backward, True)}  # call, train mode


def seconds(call):
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def peak_memory(call):
    """Run call() once; return (peak bytes, its result).

    The peak is the most memory that PyTorch's CPU allocator had handed out at any moment during
    the call, beyond what was already in use when it started: the tensors the call creates
    (intermediates, the saved activations autograd keeps for backward, gradients, the output) and
    kernels' scratch buffers. PyTorch's profiler with profile_memory=True records every allocation
    and free with its size; their running sum is the memory in use, and its maximum is the peak. A
    stored (batch, heads, T, T) attention matrix makes it grow with T squared. It does not count
    memory allocated outside PyTorch's allocator, nor what the process had before the call.
    """
    os.environ.setdefault("KINETO_LOG_LEVEL", "6")  # keep the profiler's start/stop lines off stderr
    # torch.autograd.profiler rather than torch.profiler, whose first use imports the compiler (seconds).
    with torch.autograd.profiler.profile(profile_memory=True, use_kineto=True) as prof:
        result = call()
    events = [e for e in prof.kineto_results.events() if e.name() == "[memory]"]
    in_use = peak = 0
    for event in sorted(events, key=lambda e: e.start_ns()):
        in_use += event.nbytes()  # negative for a free
        peak = max(peak, in_use)
    return peak, result
# --8<-- [end:measure]


def run_mode(modules, x, mode, settings):
    """Warm up, measure memory, check, then time every module in one mode at one length."""
    call, train = MODES[mode]
    x = x.detach().requires_grad_(train)
    grad_output = torch.randn(x.shape[0], x.shape[1], settings.d_model)
    for module in modules.values():
        module.train(train)

    results, outputs = {}, {}
    for name, module in modules.items():  # warm-up, measured for memory
        clear_gradients(module, x)
        peak, outputs[name] = peak_memory(partial(call, module, x, grad_output))
        outputs[name] = outputs[name].detach().clone()  # x.grad is freed before the next call
        results[name] = {"peak_bytes": peak, "times_s": []}
    for name in modules:
        results[name]["max_abs_diff"] = (outputs[name] - outputs[REFERENCE]).abs().max().item()

    names, spent, last_round = list(modules), 0.0, 0.0
    for round_number in range(settings.repeats):
        if round_number > 0 and spent + last_round > settings.budget_s:
            break
        turn = round_number % len(names)
        last_round = 0.0
        for name in names[turn:] + names[:turn]:
            clear_gradients(modules[name], x)
            elapsed = seconds(partial(call, modules[name], x, grad_output))
            results[name]["times_s"].append(elapsed)
            last_round += elapsed
        spent += last_round

    for entry in results.values():
        entry["median_s"] = statistics.median(entry["times_s"])
    fastest = min(entry["median_s"] for entry in results.values())
    for entry in results.values():
        entry["ratio_to_fastest"] = entry["median_s"] / fastest
    return results


def run(settings, report=print):
    """Measure every implementation at every length; return a list of flat records."""
    threads_before = torch.get_num_threads()
    torch.set_num_threads(settings.threads)
    try:
        return measure_all(settings, report)
    finally:
        torch.set_num_threads(threads_before)


def measure_all(settings, report):
    torch.manual_seed(settings.seed)
    d, heads = settings.d_model, settings.num_heads
    reference = MultiHeadAttention(d, d, max(settings.lengths), 0.0, heads)
    modules = {
        name: reference if kind is MultiHeadAttention else same_as(reference, kind)
        for name, kind in IMPLEMENTATIONS.items()
    }
    records = []
    report(table_header())
    for num_tokens in settings.lengths:
        x = torch.randn(settings.batch, num_tokens, d)
        by_mode = {mode: run_mode(modules, x, mode, settings) for mode in MODES}
        for name, kind in IMPLEMENTATIONS.items():
            for mode, results in by_mode.items():
                records.append(
                    {"num_tokens": num_tokens, "implementation": name, "class": kind.__name__, "mode": mode}
                    | results[name]
                )
        report(table_rows(num_tokens, by_mode))
    return records


def table_header():
    return (
        f"{'tokens':>6}  {'implementation':<27}"
        f"{'forward ms':>11} {'x best':>7} {'peak MiB':>9}"
        f"{'fwd+bwd ms':>12} {'x best':>7} {'peak MiB':>9} {'timings':>8}"
    )


def table_rows(num_tokens, by_mode):
    lines = []
    for name in IMPLEMENTATIONS:
        f, b = by_mode["forward"][name], by_mode["forward+backward"][name]
        lines.append(
            f"{num_tokens:>6}  {name:<27}"
            f"{f['median_s'] * 1e3:>11.1f} {f['ratio_to_fastest']:>7.2f} {f['peak_bytes'] / 2**20:>9.1f}"
            f"{b['median_s'] * 1e3:>12.1f} {b['ratio_to_fastest']:>7.2f} {b['peak_bytes'] / 2**20:>9.1f}"
            f" {str(len(f['times_s'])) + '/' + str(len(b['times_s'])):>8}"
        )
    worst = {mode: max(r["max_abs_diff"] for r in results.values()) for mode, results in by_mode.items()}
    lines.append(
        f"{'':>6}  all agree with {REFERENCE}: outputs to {worst['forward']:.1e}, "
        f"input gradients to {worst['forward+backward']:.1e}"
    )
    return "\n".join(lines)


def summary(settings, records, seconds_taken, load_before):
    """Everything needed to read, trust and reproduce the numbers."""
    return {
        **facts(),  # machine.describe(lang, recorded) names them in a sentence, in each edition's language
        "python": platform.python_version(),
        "threads": settings.threads,  # torch.get_num_threads() during the run
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": asdict(settings) | {"lengths": list(settings.lengths), "dtype": "float32", "dropout": 0.0},
        "timing": "median of perf_counter timings after one warm-up call; ratio_to_fastest per length and mode",
        "memory": "peak bytes held by PyTorch's CPU allocator during one call, above the start (torch.profiler)",
        "seconds_taken": round(seconds_taken, 1),
        # Runnable processes averaged over 1 minute: above the thread count, other programs competed.
        "load_average_1min": {"before": load_before, "after": os.getloadavg()[0]},
        "results": records,
    }


RECORDED = Path(__file__).resolve().parent.parent / "docs" / "data" / "benchmark-cpu.json"


def load_recorded(path=RECORDED):
    """The recorded full run: its stamp (machine, versions, date, load) and results."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def recorded_peak_mib(implementation, num_tokens, mode="forward", path=RECORDED):
    """Peak memory of one call in the recorded run, in MiB."""
    results = load_recorded(path)["results"]
    (peak,) = [
        r["peak_bytes"]
        for r in results
        if (r["implementation"], r["num_tokens"], r["mode"]) == (implementation, num_tokens, mode)
    ]
    return peak / 2**20


def recorded_table(path=RECORDED):
    """The recorded run as the same table ``python -m snippets.benchmark`` printed."""
    recorded = load_recorded(path)
    lines = [table_header()]
    for num_tokens in recorded["settings"]["lengths"]:
        by_mode = {mode: {} for mode in MODES}
        for record in recorded["results"]:
            if record["num_tokens"] == num_tokens:
                by_mode[record["mode"]][record["implementation"]] = record
        lines.append(table_rows(num_tokens, by_mode))
    return "\n".join(lines)


@functools.cache  # once per process: `mkdocs serve` re-imports this module only when a snippet changes
def smoke_table():
    """Run the small smoke version and return its table: proof, in every build, that the code runs."""
    lines = []
    run(SMOKE, report=lines.append)
    return "\n".join(lines)


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m snippets.benchmark", description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", type=int, nargs="+", help="sequence lengths (default 128 256 512 1024 2048)")
    parser.add_argument("--batch", type=int, help="sequences per batch (default 8)")
    parser.add_argument("--repeats", type=int, help="timed calls per module, at most (default 5)")
    parser.add_argument("--budget", type=float, help="seconds of timing per length and mode (default 20)")
    parser.add_argument("--threads", type=int, help="torch threads (default: one per core; 1 with --smoke)")
    parser.add_argument("--smoke", action="store_true", help="a tiny, seconds-long run that proves the code works")
    parser.add_argument("--write", type=Path, metavar="PATH", help="also write the results as JSON to PATH")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    settings = SMOKE if args.smoke else FULL
    given = {"batch": args.batch, "repeats": args.repeats, "budget_s": args.budget, "threads": args.threads}
    given["lengths"] = tuple(args.lengths) if args.lengths else None
    settings = replace(settings, **{key: value for key, value in given.items() if value is not None})

    print(describe(), f"- {settings.threads} thread{'s' if settings.threads != 1 else ''}")
    print(
        f"causal multi-head attention, d_in = d_out = {settings.d_model}, {settings.num_heads} heads, "
        f"batch {settings.batch}, float32; times are medians, 'x best' is relative to the fastest"
    )
    load_before, start = os.getloadavg()[0], time.perf_counter()
    records = run(settings, report=lambda text: print(text, flush=True))
    seconds_taken = time.perf_counter() - start
    print("* with an out_proj added (WrapperWithProjection), so that all five compute the same function")
    print(f"timings: how many timed calls each median is of (forward/forward+backward); took {seconds_taken:.0f} s")

    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(json.dumps(summary(settings, records, seconds_taken, load_before), indent=2) + "\n")
        print(f"wrote {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
