"""The Performance page's charts, tables and numbers come from the recorded run and from code, and its
claims hold for them: every chart line, table cell and named fact is the recorded file's, the
floating-point count is PyTorch's own, and the GPT-2-scale memory is what autograd keeps."""

import copy
import dataclasses
import json
import re
from datetime import datetime

import pytest
import torch
from editions import PREFIXES
from site_tools import REPO, page_soup
from torch.utils.flop_counter import FlopCounterMode

from snippets.attention import MultiHeadAttention
from snippets.benchmark import IMPLEMENTATIONS, MODES, achieved, attention_flops, load_recorded, recorded_facts
from snippets.experiments.score_memory import (
    GPT2_SMALL,
    attention_matrix_bytes,
    bytes_saved_for_backward,
    kv_cache_bytes,
)

RECORDED = load_recorded()


def recorded(implementation, num_tokens, mode):
    (row,) = [r for r in RECORDED["results"]
              if (r["implementation"], r["num_tokens"], r["mode"]) == (implementation, num_tokens, mode)]
    return row


def facts_from_the_file(raw):
    """What each of ``recorded_facts``'s names should be, worked out here from the file's JSON alone."""
    settings, lengths = raw["settings"], raw["settings"]["lengths"]
    batch, d_model, longest = settings["batch"], settings["d_model"], max(lengths)

    def row(implementation, mode, num_tokens=longest):
        (found,) = [r for r in raw["results"]
                    if (r["implementation"], r["mode"], r["num_tokens"]) == (implementation, mode, num_tokens)]
        return found

    def mib(implementation, mode, num_tokens=longest):
        return row(implementation, mode, num_tokens)["peak_bytes"] / 2**20

    train, dropout = "forward+backward", "forward+backward, dropout 0.1"
    fastest = min((r for r in raw["results"] if (r["mode"], r["num_tokens"]) == ("forward", longest)),
                  key=lambda r: r["median_s"])
    # Projections of every token, then the scores and weighted sums of the lower triangle with its diagonal.
    flop = 8 * batch * longest * d_model**2 + 2 * batch * d_model * longest * (longest + 1)
    return {
        "d_model": d_model,
        "num_heads": settings["num_heads"],
        "batch": batch,
        "min_tokens": min(lengths),
        "max_tokens": longest,
        "threads": raw["threads"],
        "machine": {key: raw[key] for key in ("torch_version", "system", "architecture", "cpu_vendor")},
        "date": datetime.fromisoformat(raw["date"]).date().isoformat(),
        "minutes_taken": raw["seconds_taken"] / 60,
        "load_before": raw["load_average_1min"]["before"],
        "load_after": raw["load_average_1min"]["after"],
        "mha_forward_mib_at_min_tokens": mib("MultiHeadAttention", "forward", min(lengths)),
        "mha_forward_mib": mib("MultiHeadAttention", "forward"),
        "sdp_forward_mib": mib("SDPAttention", "forward"),
        "sdp_train_mib": mib("SDPAttention", train),
        "sdp_train_dropout_mib": mib("SDPAttention", dropout),
        "mha_train_dropout_mib": mib("MultiHeadAttention", dropout),
        "sdp_train_s": row("SDPAttention", train)["median_s"],
        "mha_train_s": row("MultiHeadAttention", train)["median_s"],
        "sdp_train_dropout_s": row("SDPAttention", dropout)["median_s"],
        "mha_train_dropout_s": row("MultiHeadAttention", dropout)["median_s"],
        "sdp_worst_dropout_ratio": max(row("SDPAttention", dropout, n)["ratio_to_fastest"] for n in lengths),
        "attention_gflop": flop / 1e9,
        "matmul_size": raw["matmul_size"],
        "matmul_gflops": raw["matmul_flops_per_s"] / 1e9,
        "fastest_forward": fastest["implementation"],
        "fastest_forward_gflops": flop / fastest["median_s"] / 1e9,
        "fastest_forward_percent_of_matmul": 100 * flop / fastest["median_s"] / raw["matmul_flops_per_s"],
    }


def another_run(raw):
    """The recorded run changed in every number a fact reads: its shortest and longest lengths dropped,
    every time, ratio and peak changed by a different amount per row, SDPAttention's forward calls made
    the slowest, and a new stamp."""
    changed = copy.deepcopy(raw)
    kept = sorted(raw["settings"]["lengths"])[1:-1]
    changed["settings"] |= {"lengths": kept, "batch": 3, "d_model": 96, "num_heads": 6}
    changed["results"] = [r for r in changed["results"] if r["num_tokens"] in kept]
    for index, r in enumerate(changed["results"]):
        r["median_s"] *= 1 + index / 50
        r["ratio_to_fastest"] *= 1 + index / 70
        r["peak_bytes"] += index * 2**20
        if (r["implementation"], r["mode"]) == ("SDPAttention", "forward"):
            r["median_s"] *= 10  # so that another implementation is the fastest
    changed |= {"threads": 7, "date": "2031-05-17T23:59:00+00:00", "seconds_taken": 61.0, "matmul_size": 512,
                "matmul_flops_per_s": 1.5e11, "load_average_1min": {"before": 3.25, "after": 0.5},
                "torch_version": "9.9.9", "cpu_vendor": "AuthenticAMD"}
    return changed


@pytest.mark.parametrize("which", ["the recorded run", "another run"])
def test_every_recorded_fact_is_the_number_the_recorded_file_holds(which, tmp_path):
    """On the recorded file, and on a changed copy of it, so that no fact can be a number typed in."""
    path = REPO / "docs" / "data" / "benchmark-cpu.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    if which == "another run":
        recorded_run, raw, path = facts_from_the_file(raw), another_run(raw), tmp_path / "another-run.json"
        path.write_text(json.dumps(raw), encoding="utf-8")
        same = [name for name, value in facts_from_the_file(raw).items() if value == recorded_run[name]]
        assert not same, f"another_run leaves these facts as they were, so it cannot catch them typed in: {same}"
    expected, facts = facts_from_the_file(raw), dataclasses.asdict(recorded_facts(path))
    assert facts.keys() == expected.keys(), "a fact with no check here, or a check of no fact"
    wrong = {name: (facts[name], value) for name, value in expected.items()
             if facts[name] != (pytest.approx(value, rel=1e-12) if isinstance(value, float) else value)}
    assert not wrong, f"{which}: fact -> (recorded_facts, the file's): {wrong}"


def test_no_performance_page_computes_its_numbers_from_the_recorded_file_itself():
    """Pages name facts (``recorded_facts().max_tokens``); the expressions behind them live in benchmark."""
    pages = sorted((REPO / "docs").glob("performance*.md"))
    assert [page.name for page in pages] == ["performance.ja.md", "performance.ko.md", "performance.md"]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "recorded_facts()." in text, page.name
        for call in ("load_recorded(", "recorded_value(", "achieved(", "attention_flops("):
            assert call not in text, f"{page.name} computes {call}...) instead of naming a fact"


@pytest.mark.parametrize("edition", PREFIXES)
def test_every_chart_line_on_the_performance_page_is_the_recorded_runs(built_site, edition):
    charts = page_soup(built_site / edition / "performance" / "index.html").select("article svg.figure-chart")
    assert len(charts) == 4, "a chart of each mode's time, and one of memory"
    for chart in charts:
        lines = chart.select("polyline[data-values]")
        assert len(lines) == len(IMPLEMENTATIONS)
        drawn = [[tuple(map(float, pair.split(":"))) for pair in line["data-values"].split()] for line in lines]
        # Which mode and quantity a chart shows is in its source: recorded_series("MODE", "QUANTITY").
        mode, quantity = re.search(r'recorded_series\("([^"]+)"(?:, "(\w+)")?', chart.find_parent("figure")
                                   ["data-source"]).groups()
        for name, points in zip(IMPLEMENTATIONS, drawn, strict=True):
            for num_tokens, value in points:
                row = recorded(name, int(num_tokens), mode)
                expected = row["peak_bytes"] / 2**20 if quantity == "MiB" else row["median_s"] * 1e3
                assert value == pytest.approx(expected, rel=1e-5), (edition, name, num_tokens, mode)


@pytest.mark.parametrize("edition", PREFIXES)
def test_every_table_cell_on_the_performance_page_is_the_recorded_runs(built_site, edition):
    tables = page_soup(built_site / edition / "performance" / "index.html").select("article table")
    assert len(tables) == len(MODES)
    for table, mode in zip(tables, MODES, strict=True):
        rows = [[cell.get_text() for cell in row.select("td")] for row in table.select("tbody tr")]
        assert len(rows) == len(IMPLEMENTATIONS) * len(RECORDED["settings"]["lengths"])
        for num_tokens, name, ms, ratio, mib in rows:
            row = recorded(name, int(num_tokens), mode)
            assert float(ms) == pytest.approx(row["median_s"] * 1e3, abs=0.05)
            assert float(ratio) == pytest.approx(row["ratio_to_fastest"], abs=0.005)
            assert float(mib) == pytest.approx(row["peak_bytes"] / 2**20, abs=0.05)


def test_the_floating_point_count_is_pytorchs_own_for_the_half_of_the_scores_a_causal_kernel_computes():
    """PyTorch's FlopCounterMode counts what the chapter's class computes: every projection and the whole
    T x T matrix. ``attention_flops`` counts the projections the same, and the scores and weighted sums
    only for the keys each query may see, T(T+1)/2 of the T**2."""
    batch, num_tokens, d_model = 2, 16, 64
    module = MultiHeadAttention(d_model, d_model, num_tokens, 0.0, num_heads=4).eval()
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        module(torch.randn(batch, num_tokens, d_model))
    whole_matrix = counter.get_total_flops()
    skipped = 2 * 2 * batch * d_model * num_tokens * (num_tokens - 1) / 2  # the T(T-1)/2 masked entries
    assert attention_flops(batch, num_tokens, d_model) == whole_matrix - skipped


def test_the_recorded_run_has_the_matrix_multiply_rate_and_the_fastest_stays_below_it():
    result = achieved()
    assert RECORDED["matmul_flops_per_s"] > 1e9
    assert result["implementation"] == "SDPAttention" and 0.05 < result["fraction"] < 1


def test_autograd_keeps_three_float32_matrices_with_dropout_and_one_without():
    """The page: with dropout, the weights after softmax, dropout's mask and the weights after dropout,
    which the product with the values keeps as a (batch * heads, T, T) view; without, the weights alone,
    kept by softmax and by the product both."""
    kept = {}

    def keep(tensor):
        if tensor.dim() >= 3 and tensor.shape[-2:] == (20, 20):  # not the causal mask, one (T, T) for all
            kept[dropout].append((tensor.dim(), str(tensor.dtype), tensor.untyped_storage().data_ptr()))
        return tensor

    for dropout in (0.1, 0.0):
        kept[dropout] = []
        layer = MultiHeadAttention(48, 48, 64, dropout=dropout, num_heads=3).train()
        with torch.autograd.graph.saved_tensors_hooks(keep, lambda tensor: tensor):
            layer(torch.randn(3, 20, 48))
    with_dropout, without = kept[0.1], kept[0.0]
    assert sorted(dims for dims, _, _ in with_dropout) == [3, 4, 4] and len({m for *_, m in with_dropout}) == 3
    assert {dtype for _, dtype, _ in with_dropout + without} == {"torch.float32"}
    assert sorted(dims for dims, _, _ in without) == [3, 4] and len({m for *_, m in without}) == 1


def test_autograd_keeps_twelve_bytes_per_score_entry_with_dropout_and_four_without():
    """score_memory measures it; at another shape, the formula gives exactly what autograd keeps."""
    for dropout, per_entry in ((0.1, 12), (0.0, 4)):
        torch.manual_seed(0)
        layer = MultiHeadAttention(48, 48, 64, dropout=dropout, num_heads=3).train()
        x = torch.randn(3, 20, 48)
        config = {**GPT2_SMALL, "n_heads": 3}
        assert bytes_saved_for_backward(layer, x) == attention_matrix_bytes(20, per_entry, batch=3, config=config)


def test_the_kv_cache_is_every_layers_keys_and_values():
    """What the book's KV cache keeps (its bonus material for chapter 4): per layer, keys and values of
    shape (batch, heads, T, head_dim), in float32."""
    batch, num_tokens, heads = 2, 1024, GPT2_SMALL["n_heads"]
    head_dim = GPT2_SMALL["emb_dim"] // heads
    one_layer = 2 * torch.empty(batch, heads, num_tokens, head_dim).nbytes
    assert kv_cache_bytes(num_tokens) == GPT2_SMALL["n_layers"] * one_layer


def test_gpt2_scale_memory_grows_with_the_square_of_the_context_and_the_kv_cache_with_the_context(walkthroughs):
    namespace = walkthroughs["experiments.score_memory"].namespace
    per_entry = namespace["per_entry"]
    assert per_entry == 12
    assert attention_matrix_bytes(2048, per_entry) == 4 * attention_matrix_bytes(1024, per_entry)
    assert kv_cache_bytes(2048) == 2 * kv_cache_bytes(1024)


def test_with_dropout_sdp_attention_keeps_the_score_matrix_and_its_lead_shrinks_but_it_is_never_far_behind():
    """Performance, "Training with the book's dropout", for the recorded run at its longest length."""
    from snippets.benchmark import recorded_value

    dropout, plain = "forward+backward, dropout 0.1", "forward+backward"
    assert recorded_value("SDPAttention", dropout, "MiB") > 0.9 * recorded_value("MultiHeadAttention", dropout, "MiB")
    assert recorded_value("SDPAttention", dropout, "MiB") > 5 * recorded_value("SDPAttention", plain, "MiB")
    lead = {mode: recorded_value("MultiHeadAttention", mode, "ms") / recorded_value("SDPAttention", mode, "ms")
            for mode in (dropout, plain)}
    assert 1 < lead[dropout] < lead[plain], lead
    worst = max(recorded_value("SDPAttention", dropout, "ratio", n) for n in RECORDED["settings"]["lengths"])
    assert worst < 1.5, "the page calls it never far behind"


def test_the_scale_section_names_gpt2_small_as_score_memory_defines_it(built_site):
    """The prose's sizes of GPT-2 small and the book's batch are those the table is computed with."""
    from snippets.experiments.score_memory import BATCH

    heading = page_soup(built_site / "performance" / "index.html").find(id="the-scale-the-book-builds")
    text = " ".join(" ".join(p.get_text().split()) for p in heading.find_next_siblings("p"))
    assert f"{GPT2_SMALL['n_layers']} layers of {GPT2_SMALL['n_heads']} heads" in text
    assert f"a context of {GPT2_SMALL['context_length']:,} tokens" in text and f"a batch of {BATCH}," in text
