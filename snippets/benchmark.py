"""Time and memory of five implementations of the same causal multi-head attention, on the CPU.

Run ``python -m snippets.benchmark`` for GPT-2-small width (d_in = d_out = 768, 12 heads, batch 8)
at 128 to 2048 tokens, or ``--smoke`` for a seconds-long run that only proves the code works. All five
modules get the chapter MultiHeadAttention's weights (``copy_weights``), so they compute the same
function, and the run checks that they do.

For each sequence length and implementation it reports:

- the median time of a forward call (``torch.no_grad()``, eval mode), of a forward plus backward call
  (train mode, dropout 0), and of a forward plus backward call with the book's dropout of 0.1, each also
  as a multiple of the fastest at that length;
- the peak memory of one such call (see ``peak_memory``).

It also measures the machine's matrix-multiply rate (``matmul_rate``), so that the fastest
implementation's achieved floating-point rate (``attention_flops``) can be set against it.

The first call of each module at each length is a warm-up: it is the one whose memory is measured
and whose result is checked, and it is not timed. Timed calls then go round all five modules in turn
(a rotating order), so a burst of load from other programs slows them all alike. Rounds stop after
``--repeats``, or earlier when another round would take this length past ``--budget`` seconds; at
least one round always runs, so the slowest lengths may have a single timing.
"""

import argparse
import contextlib
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


# Mode -> (call, train mode, dropout). With dropout the outputs are random, so they are not compared.
MODES = {
    "forward": (forward, False, 0.0),
    "forward+backward": (forward_backward, True, 0.0),
    "forward+backward, dropout 0.1": (forward_backward, True, 0.1),
}


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
    call, train, dropout = MODES[mode]
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
        difference = (outputs[name] - outputs[REFERENCE]).abs().max().item()
        results[name]["max_abs_diff"] = None if dropout else difference

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


@contextlib.contextmanager
def threads(count):
    """PyTorch's thread count set to ``count`` inside the block, and put back after it."""
    before = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def run(settings, report=print):
    """Measure every implementation at every length; return a list of flat records."""
    with threads(settings.threads):
        return measure_all(settings, report)


def measure_all(settings, report):
    torch.manual_seed(settings.seed)
    d, heads = settings.d_model, settings.num_heads
    module_sets = {}
    for dropout in sorted({dropout for _, _, dropout in MODES.values()}):
        reference = MultiHeadAttention(d, d, max(settings.lengths), dropout, heads)
        if module_sets:  # the same weights for every dropout
            reference.load_state_dict(module_sets[0.0][REFERENCE].state_dict())
        module_sets[dropout] = {
            name: reference if kind is MultiHeadAttention else same_as(reference, kind)
            for name, kind in IMPLEMENTATIONS.items()
        }
    records = []
    report(table_header())
    for num_tokens in settings.lengths:
        x = torch.randn(settings.batch, num_tokens, d)
        by_mode = {mode: run_mode(module_sets[dropout], x, mode, settings) for mode, (_, _, dropout) in MODES.items()}
        for name, kind in IMPLEMENTATIONS.items():
            for mode, results in by_mode.items():
                records.append(
                    {"num_tokens": num_tokens, "implementation": name, "class": kind.__name__, "mode": mode}
                    | results[name]
                )
        report(table_rows(num_tokens, by_mode))
    return records


COLUMNS = {"forward": "forward", "forward+backward": "fwd+bwd", "forward+backward, dropout 0.1": "dropout 0.1"}


def table_header():
    modes = "".join(f"{COLUMNS[mode] + ' ms':>15} {'x best':>6} {'MiB':>7}" for mode in MODES)
    return f"{'tokens':>6}  {'implementation':<27}{modes} {'timings':>8}"


def table_rows(num_tokens, by_mode):
    lines = []
    for name in IMPLEMENTATIONS:
        cells = "".join(
            f"{r['median_s'] * 1e3:>15.1f} {r['ratio_to_fastest']:>6.2f} {r['peak_bytes'] / 2**20:>7.1f}"
            for r in (by_mode[mode][name] for mode in MODES)
        )
        counts = "/".join(str(len(by_mode[mode][name]["times_s"])) for mode in MODES)
        lines.append(f"{num_tokens:>6}  {name:<27}{cells} {counts:>8}")
    worst = {mode: max(r["max_abs_diff"] for r in by_mode[mode].values()) for mode in ("forward", "forward+backward")}
    lines.append(
        f"{'':>6}  all agree with {REFERENCE}: outputs to {worst['forward']:.1e}, "
        f"input gradients to {worst['forward+backward']:.1e} (with dropout, outputs are random)"
    )
    return "\n".join(lines)


MATMUL_SIZE = 2048  # of the square matrices whose product measures the machine's rate


def matmul_rate(size=MATMUL_SIZE, repeats=5):
    """The machine's floating-point rate on one float32 matrix product of two size x size matrices, the
    best of ``repeats`` (operations per second; a product is 2 * size**3 of them)."""
    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b  # warm-up
    return 2 * size**3 / min(seconds(partial(torch.matmul, a, b)) for _ in range(repeats))


# --8<-- [start:flops]
def attention_flops(batch, num_tokens, d_model):
    """The floating-point operations one causal attention call needs (a
    multiply and an add count as two): four d_model x d_model projections of
    every token (queries, keys, values, out_proj), then the scores and the
    weighted sums for the keys each query may see, the lower triangle of the
    T x T matrix with its diagonal."""
    projections = 4 * 2 * batch * num_tokens * d_model**2
    attention = 2 * 2 * batch * d_model * num_tokens * (num_tokens + 1) / 2
    return projections + attention
# --8<-- [end:flops]


def summary(settings, records, seconds_taken, load_before, matmul_flops_per_s):
    """Everything needed to read, trust and reproduce the numbers."""
    return {
        **facts(),  # engine.words.machine_sentence(lang, recorded) names them in a sentence, in each edition's language
        "python": platform.python_version(),
        "threads": settings.threads,  # torch.get_num_threads() during the run
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": asdict(settings) | {"lengths": list(settings.lengths), "dtype": "float32"},
        "modes": {mode: {"train": train, "dropout": dropout} for mode, (_, train, dropout) in MODES.items()},
        "matmul_size": MATMUL_SIZE,
        "matmul_flops_per_s": matmul_flops_per_s,  # matmul_rate(), with the run's threads
        "timing": "median of perf_counter timings after one warm-up call; ratio_to_fastest per length and mode",
        "memory": "peak bytes held by PyTorch's CPU allocator during one call, above the start (torch.profiler)",
        "seconds_taken": round(seconds_taken, 1),
        # Runnable processes averaged over 1 minute: above the thread count, other programs competed.
        "load_average_1min": {"before": load_before, "after": os.getloadavg()[0]},
        "results": records,
    }


RECORDED = Path(__file__).resolve().parent.parent / "docs" / "data" / "benchmark-cpu.json"


def load_recorded(path=RECORDED):
    """The recorded full run: its stamp (machine, versions, date, load) and results. Read again only
    when the file changes: a page asks for dozens of its numbers."""
    path = Path(path)
    return _read_record(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _read_record(path, modified):
    return json.loads(path.read_text(encoding="utf-8"))


# A recorded result's numbers as the page shows them.
QUANTITIES = {
    "s": lambda row: row["median_s"],
    "ms": lambda row: row["median_s"] * 1e3,
    "ratio": lambda row: row["ratio_to_fastest"],
    "MiB": lambda row: row["peak_bytes"] / 2**20,
}


def recorded_value(implementation, mode, quantity, num_tokens=None, path=RECORDED):
    """One number of the recorded run: the median time in seconds ("s") or milliseconds ("ms"), its
    ratio to the fastest ("ratio") or the peak memory in MiB ("MiB") of ``implementation`` in ``mode``,
    at ``num_tokens`` (by default the longest length)."""
    recorded = load_recorded(path)
    num_tokens = num_tokens or max(recorded["settings"]["lengths"])
    (row,) = [r for r in recorded["results"]
              if (r["implementation"], r["num_tokens"], r["mode"]) == (implementation, num_tokens, mode)]
    return QUANTITIES[quantity](row)


def recorded_series(mode, quantity="ms", path=RECORDED):
    """The recorded run as chart lines in ``mode``: implementation -> (lengths, values), the values
    in milliseconds (the median time) or in MiB (the peak memory)."""
    results = load_recorded(path)["results"]
    series = {}
    for name in IMPLEMENTATIONS:
        rows = sorted((r for r in results if (r["implementation"], r["mode"]) == (name, mode)),
                      key=lambda r: r["num_tokens"])
        series[name] = ([r["num_tokens"] for r in rows], [QUANTITIES[quantity](r) for r in rows])
    return series


def achieved(mode="forward", path=RECORDED):
    """How close the fastest implementation, at the recorded run's longest length, comes to the
    machine's limit: its floating-point rate (``attention_flops`` over its median time) as a fraction
    of the matrix-multiply rate measured in the same run."""
    recorded = load_recorded(path)
    longest = max(recorded["settings"]["lengths"])
    rows = [r for r in recorded["results"] if (r["num_tokens"], r["mode"]) == (longest, mode)]
    best = min(rows, key=lambda r: r["median_s"])
    flops = attention_flops(recorded["settings"]["batch"], longest, recorded["settings"]["d_model"])
    rate = flops / best["median_s"]
    return {"implementation": best["implementation"], "num_tokens": longest, "gflops": rate / 1e9,
            "matmul_gflops": recorded["matmul_flops_per_s"] / 1e9, "fraction": rate / recorded["matmul_flops_per_s"]}


@dataclass(frozen=True)
class RecordedFacts:
    """The recorded run's numbers that the Performance page quotes, each by a name. Times and memory
    are of one call at the run's longest length, ``max_tokens``, unless the name says otherwise;
    ``mha`` is the chapter's MultiHeadAttention, ``sdp`` is SDPAttention, ``train`` a forward plus
    backward call, ``train_dropout`` one with the book's dropout of 0.1."""

    # The run: its size, where and when it ran, and how busy the machine was.
    d_model: int  # d_in = d_out
    num_heads: int
    batch: int
    min_tokens: int  # the shortest sequence length
    max_tokens: int  # the longest
    threads: int  # torch threads during the run
    machine: dict  # what produced the numbers, the keys of snippets.machine.facts()
    date: str  # the day it was written, YYYY-MM-DD (UTC)
    minutes_taken: float
    load_before: float  # the one-minute load average when it began
    load_after: float  # and when it ended
    # Peak memory, MiB.
    mha_forward_mib_at_min_tokens: float
    mha_forward_mib: float
    sdp_forward_mib: float
    sdp_train_mib: float
    sdp_train_dropout_mib: float
    mha_train_dropout_mib: float
    # Median time, seconds.
    sdp_train_s: float
    mha_train_s: float
    sdp_train_dropout_s: float
    mha_train_dropout_s: float
    sdp_worst_dropout_ratio: float  # SDPAttention's time with dropout as a multiple of the fastest, at its worst length
    # How close to the machine's limit (``achieved``).
    attention_gflop: float  # billions of floating-point operations in one call (attention_flops)
    matmul_size: int  # of the square matrices whose product measured the machine's rate
    matmul_gflops: float  # that rate, GFLOP/s
    fastest_forward: str  # the implementation with the fastest forward call
    fastest_forward_gflops: float  # its rate, GFLOP/s
    fastest_forward_percent_of_matmul: float  # that rate as a percentage of the matrix-product rate


def recorded_facts(path=RECORDED):
    """The recorded run's ``RecordedFacts``, computed by the helpers the tables and charts use."""
    recorded = load_recorded(path)
    settings, lengths = recorded["settings"], recorded["settings"]["lengths"]
    value = partial(recorded_value, path=path)
    train, dropout = "forward+backward", "forward+backward, dropout 0.1"
    best = achieved(path=path)
    return RecordedFacts(
        d_model=settings["d_model"],
        num_heads=settings["num_heads"],
        batch=settings["batch"],
        min_tokens=min(lengths),
        max_tokens=max(lengths),
        threads=recorded["threads"],
        machine={key: recorded[key] for key in facts()},  # the keys summary() records from facts()
        date=recorded["date"][:10],
        minutes_taken=recorded["seconds_taken"] / 60,
        load_before=recorded["load_average_1min"]["before"],
        load_after=recorded["load_average_1min"]["after"],
        mha_forward_mib_at_min_tokens=value("MultiHeadAttention", "forward", "MiB", min(lengths)),
        mha_forward_mib=value("MultiHeadAttention", "forward", "MiB"),
        sdp_forward_mib=value("SDPAttention", "forward", "MiB"),
        sdp_train_mib=value("SDPAttention", train, "MiB"),
        sdp_train_dropout_mib=value("SDPAttention", dropout, "MiB"),
        mha_train_dropout_mib=value("MultiHeadAttention", dropout, "MiB"),
        sdp_train_s=value("SDPAttention", train, "s"),
        mha_train_s=value("MultiHeadAttention", train, "s"),
        sdp_train_dropout_s=value("SDPAttention", dropout, "s"),
        mha_train_dropout_s=value("MultiHeadAttention", dropout, "s"),
        sdp_worst_dropout_ratio=max(value("SDPAttention", dropout, "ratio", n) for n in lengths),
        attention_gflop=attention_flops(settings["batch"], max(lengths), settings["d_model"]) / 1e9,
        matmul_size=recorded["matmul_size"],
        matmul_gflops=best["matmul_gflops"],
        fastest_forward=best["implementation"],
        fastest_forward_gflops=best["gflops"],
        fastest_forward_percent_of_matmul=best["fraction"] * 100,
    )


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
    with threads(settings.threads):
        rate = matmul_rate()
    print(f"float32 matrix product, {MATMUL_SIZE} x {MATMUL_SIZE}: {rate / 1e9:.1f} GFLOP/s")
    print("* with an out_proj added (WrapperWithProjection), so that all five compute the same function")
    print(f"timings: how many timed calls each median is of, per mode; took {seconds_taken:.0f} s")

    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        record = summary(settings, records, seconds_taken, load_before, rate)
        args.write.write_text(json.dumps(record, indent=2) + "\n")
        print(f"wrote {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
