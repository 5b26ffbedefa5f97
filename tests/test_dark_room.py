"""Training without the mask: copying, a collapsed loss, gradients that do not vanish, bad generation."""

import math

import pytest
import torch
import torch.nn.functional as F
from editions import PREFIXES
from site_tools import page_soup

from snippets.attention import causal_mask


@pytest.fixture(scope="module")
def ns(walkthroughs):
    """The final globals of snippets.experiments.dark_room, from the test session's one run of it."""
    return walkthroughs["experiments.dark_room"].namespace


def final(ns, name, field):
    return ns["history"][name][field][-1]


def at_steps(ns, name, field, steps):
    h = ns["history"][name]
    return [value for step, value in zip(h["step"], h[field], strict=True) if step in steps]


def test_history_holds_equal_length_lists_of_plain_python_numbers(ns):
    fields = {"step", "train_loss", "grad_norm", "next_token_attention", "generation_loss"}
    assert set(ns["history"]) == {"masked", "unmasked"}
    for name, h in ns["history"].items():
        assert set(h) == fields, f"{name}: fields {sorted(h)}"
        assert len({len(values) for values in h.values()}) == 1, f"{name}: lists of different lengths"
        assert all(type(step) is int for step in h["step"])
        floats = [v for field in fields - {"step"} for v in h[field]]
        assert all(type(v) is float for v in floats), f"{name}: not all plain floats"
    assert ns["history"]["masked"]["step"] == ns["history"]["unmasked"]["step"]
    assert isinstance(ns["uniform_loss"], float) and isinstance(ns["best_loss"], float)
    assert (ns["vocab_size"], ns["context_length"]) == (16, 16)


def test_both_models_start_with_identical_weights_and_differ_only_in_the_mask(ns):
    first, second = ns["initial_weights"]["masked"], ns["initial_weights"]["unmasked"]
    assert first.keys() == second.keys()
    differ = [key for key in first if not torch.equal(first[key], second[key])]
    assert differ == ["blocks.0.attn.mask"], f"tensors that differ at the start: {differ}"
    T = ns["context_length"]
    assert torch.equal(first["blocks.0.attn.mask"], causal_mask(T)), "the masked model lost its causal mask"
    assert not second["blocks.0.attn.mask"].any(), "the unmasked model still hides something"


def test_best_loss_matches_a_monte_carlo_estimate_from_sampled_sequences(ns):
    """Average -log P(target | context) under the true chain, over fresh sequences, estimates the optimum."""
    P, pi = ns["P"], ns["pi"]
    x, y = ns["sample"](20_000, torch.Generator().manual_seed(12345))
    p_first = pi[x[:, 0], y[:, 0]] / pi.sum(dim=1)[x[:, 0]]  # P(x1 | x0)
    p_later = P[x[:, :-1], x[:, 1:], y[:, 1:]]  # P(x[t+1] | x[t-1], x[t]) for t >= 1
    estimate = -torch.cat([p_first[:, None], p_later], dim=1).log().mean().item()
    assert estimate == pytest.approx(ns["best_loss"], abs=0.01), (
        f"Monte Carlo {estimate:.4f} vs exact best loss {ns['best_loss']:.4f}"
    )


def test_the_stationary_pair_distribution_is_a_fixed_point_of_the_chain(ns):
    pi, P = ns["pi"], ns["P"]
    torch.testing.assert_close(torch.einsum("ab,abc->bc", pi, P), pi, atol=1e-12, rtol=0)
    assert ns["best_loss"] < ns["uniform_loss"] - 1, "the chain is too flat to be worth learning"


def test_unmasked_training_loss_collapses_below_half_the_masked_one(ns):
    masked, unmasked = final(ns, "masked", "train_loss"), final(ns, "unmasked", "train_loss")
    assert unmasked < 0.5 * masked, f"unmasked {unmasked:.3f} vs masked {masked:.3f}"


def test_unmasked_model_attends_to_the_next_token_and_the_masked_one_never_can(ns):
    share = final(ns, "unmasked", "next_token_attention")
    assert share > 0.5, f"unmasked model puts only {share:.3f} of its attention on position t+1"
    leak = max(ns["history"]["masked"]["next_token_attention"])
    assert leak < 1e-6, f"the masked model put {leak} of its attention on the future"


def test_unmasked_loss_is_near_zero_except_at_the_last_position_whose_target_is_not_an_input(ns):
    losses = ns["per_position"]["unmasked"]
    assert losses[:-1].max() < 0.05, f"copyable positions: {losses[:-1].tolist()}"
    assert losses[-1] > 2.0, f"last position: {losses[-1]:.3f}"


def test_gradients_are_larger_without_the_mask_while_the_shortcut_is_learned(ns):
    """Against 'loss near 0, so gradients near 0': at steps 20-40 the unmasked loss is collapsing fastest."""
    steps = (20, 30, 40)
    masked = sum(at_steps(ns, "masked", "grad_norm", steps)) / len(steps)
    unmasked = sum(at_steps(ns, "unmasked", "grad_norm", steps)) / len(steps)
    loss_then = at_steps(ns, "unmasked", "train_loss", steps)
    assert loss_then[0] > 1.0 > 0.5 > loss_then[-1], f"the collapse moved: unmasked losses {loss_then}"
    assert unmasked > 1.2 * masked, f"mean grad norm at 20-40: unmasked {unmasked:.3f}, masked {masked:.3f}"
    assert ns["shortcut"] == pytest.approx({"masked": masked, "unmasked": unmasked})


def test_unmasked_gradient_does_not_vanish_after_the_shortcut_is_learned(ns):
    """The copying model is no zero-gradient dead end: the last position still pulls, so training goes on."""
    g = final(ns, "unmasked", "grad_norm")
    g0 = ns["history"]["unmasked"]["grad_norm"][0]
    assert g > 0.05 and g > 0.1 * g0, f"final grad norm {g:.4f} (first {g0:.4f})"


def test_unmasked_model_generates_worse_than_uniform_guessing(ns):
    loss, uniform = final(ns, "unmasked", "generation_loss"), ns["uniform_loss"]
    assert loss > uniform + 1, f"generation loss {loss:.3f} vs uniform {uniform:.3f}"


def test_unmasked_generation_loss_climbs_while_it_learns_to_copy_and_more_training_does_not_bring_it_down(ns):
    losses = ns["history"]["unmasked"]["generation_loss"]
    peak = losses.index(max(losses))
    assert max(losses) > 2 * losses[0], f"no climb: {losses}"
    assert min(losses[peak:]) > 0.9 * max(losses), f"it came back down after its peak: {losses}"


def test_masked_model_generates_better_than_uniform_and_approaches_the_best_possible(ns):
    loss, uniform, best = final(ns, "masked", "generation_loss"), ns["uniform_loss"], ns["best_loss"]
    assert loss < uniform - 0.5, f"generation loss {loss:.3f} vs uniform {uniform:.3f}"
    assert loss < best + 0.5, f"generation loss {loss:.3f} vs best possible {best:.3f}"


def test_no_model_ever_beats_the_best_possible_loss(ns):
    """A sanity check: 64 held-out sequences give some noise, so allow 0.1 nats."""
    for name, h in ns["history"].items():
        lowest = min(h["generation_loss"])
        assert lowest > ns["best_loss"] - 0.1, f"{name}: {lowest:.3f} below the optimum {ns['best_loss']:.3f}"


def test_with_the_mask_one_pass_gives_the_generation_loss_and_without_it_does_not(ns):
    x, y, generation_loss = ns["eval_x"], ns["eval_y"], ns["generation_loss"]
    with torch.no_grad():
        one_pass = {name: F.cross_entropy(model(x).flatten(0, 1), y.flatten()).item()
                    for name, model in ns["models"].items()}
        prefixes = {name: generation_loss(model, x, y) for name, model in ns["models"].items()}
    assert one_pass["masked"] == pytest.approx(prefixes["masked"], abs=1e-5)
    assert prefixes["unmasked"] - one_pass["unmasked"] > 1, f"unmasked: {one_pass} vs {prefixes}"
    assert prefixes["masked"] == pytest.approx(final(ns, "masked", "generation_loss"), abs=1e-6)


def test_recomputed_attention_weights_are_the_ones_multihead_attention_uses(ns):
    for name, model in ns["models"].items():
        attn, x = model.blocks[0].attn, ns["eval_x"][:4]
        with torch.no_grad():
            h = model.blocks[0].norm1(model.embed(x))
            weights = ns["attention_weights"](model, x)
            context = (weights @ attn.split_heads(attn.W_value(h))).transpose(1, 2).flatten(2)
            torch.testing.assert_close(attn.out_proj(context), attn(h), msg=f"{name}: weights differ")


def test_hand_written_adam_matches_torch_optim_adam(ns):
    torch.manual_seed(0)
    ours, theirs = torch.nn.Linear(4, 3), torch.nn.Linear(4, 3)
    theirs.load_state_dict(ours.state_dict())
    optimizers = [ns["Adam"](ours.parameters(), lr=1e-2), torch.optim.Adam(theirs.parameters(), lr=1e-2)]
    x = torch.randn(8, 4)
    for _ in range(5):
        for model, optimizer in zip((ours, theirs), optimizers, strict=True):
            model.zero_grad()
            model(x).pow(2).sum().backward()
            optimizer.step()
    for a, b in zip(ours.parameters(), theirs.parameters(), strict=True):
        torch.testing.assert_close(a, b, atol=1e-6, rtol=0)


def test_every_step_trains_on_a_batch_no_other_step_sees(ns):
    """Not overfitting: one fresh batch per step, and the held-out batch is not among them."""
    train_x, batch_size, num_steps = ns["train_x"], ns["batch_size"], ns["num_steps"]
    assert len(train_x) == (num_steps + 1) * batch_size
    training = {tuple(row) for row in train_x.tolist()}
    seen = [row for row in ns["eval_x"].tolist() if tuple(row) in training]
    assert not seen, f"held-out sequences that were trained on: {seen}"
    assert math.isclose(ns["uniform_loss"], math.log(ns["vocab_size"]))


def test_the_module_leaves_the_thread_count_as_it_found_it(ns):
    assert torch.get_num_threads() == ns["threads_before"]


def test_unmasked_training_loss_ends_below_what_any_honest_predictor_can_reach(ns):
    """The page says the collapsed loss is only possible by reading the answer."""
    assert final(ns, "unmasked", "train_loss") < ns["best_loss"] - 0.5


def test_unmasked_generation_loss_gets_worse_as_training_goes_on(ns):
    """The page says it grows more confident in a rule that no longer applies."""
    losses = ns["history"]["unmasked"]["generation_loss"]
    steps = ns["history"]["unmasked"]["step"]
    at_40 = losses[steps.index(40)]
    message = f"generation loss at step 0, step 40 and the end: {losses[0]}, {at_40}, {losses[-1]}"
    assert losses[-1] > at_40 + 0.5 > losses[0] + 0.5, message


# Why it works: where the trained heads look. Margins: the run (on this machine) gives the masked model's
# chosen head 0.97 of its attention on t-1 and the unmasked model's 0.98 on t+1, against 0.16 and 0.07
# before training; 0.8 leaves room for another CPU's rounding and fails for untrained or swapped models.
LOOKS_THERE = 0.8


def test_the_masked_models_chosen_head_fetches_the_previous_token_and_almost_nothing_else(ns):
    shares, head = ns["shares"]["masked"], ns["job"]["masked"]
    assert shares[-1][head] > LOOKS_THERE, f"head {head} puts {shares[-1][head]:.3f} on t-1"
    assert shares[1].max() < 1e-6, "the masked model put attention on the future"
    rows = ns["maps"]["masked"].argmax(dim=1).tolist()
    assert rows[1:] == list(range(len(rows) - 1)), f"the strongest key of each query t >= 1 is not t-1: {rows}"
    itself = ns["maps"]["masked"].diagonal()
    assert itself[1:].max() < 0.05, f"the page says its share on t is position 0's, which sees only itself: {itself}"


def test_the_unmasked_models_chosen_head_looks_at_the_answer_and_so_does_its_other_head(ns):
    shares, head = ns["shares"]["unmasked"], ns["job"]["unmasked"]
    assert shares[1][head] > LOOKS_THERE, f"head {head} puts {shares[1][head]:.3f} on t+1"
    assert shares[1][1 - head] > 0.5, f"the other head puts {shares[1][1 - head]:.3f} on t+1"
    rows = ns["maps"]["unmasked"].argmax(dim=1).tolist()
    assert rows[:-1] == list(range(1, len(rows))), f"the strongest key of each query t < T-1 is not t+1: {rows}"


def test_before_training_no_head_looks_anywhere_in_particular(ns):
    """The page says the untrained heads spread their attention over what they can see."""
    for name, shares in ns["shares_before"].items():
        strongest = max(s.max().item() for s in shares.values())
        assert strongest < 0.3, f"{name}: an untrained head puts {strongest:.3f} on one offset"


def test_the_head_that_does_the_job_is_the_one_whose_silencing_costs_the_most(ns):
    """Both models have two heads, so the page's "the other head" is head 1 - job."""
    for name, losses in ns["silenced"].items():
        assert len(losses) == 2, f"{name}: the page is written for two heads, not {len(losses)}"
        assert losses[ns["job"][name]] == max(losses) > ns["held_out"][name], f"{name}: {losses}"
    masked, full = ns["silenced"]["masked"], ns["held_out"]["masked"]
    job = ns["job"]["masked"]
    assert masked[1 - job] - full < 0.25 * (masked[job] - full), f"the other head is not the minor one: {masked}"


def test_silencing_a_head_zeroes_its_slice_of_the_context_and_nothing_else(ns):
    """held_out_loss recomputed by hand: the block with one head's context vectors set to 0."""
    x, y = ns["eval_x"], ns["eval_y"]
    for name, model in ns["models"].items():
        block, attn = model.blocks[0], model.blocks[0].attn
        with torch.no_grad():
            h = model.embed(x)
            values = attn.split_heads(attn.W_value(block.norm1(h)))
            for head in range(attn.num_heads):
                context = ns["attention_weights"](model, x) @ values
                context[:, head] = 0
                h1 = h + attn.out_proj(context.transpose(1, 2).flatten(2))
                logits = model.out_head(model.final_norm(h1 + block.mlp(block.norm2(h1))))
                expected = F.cross_entropy(logits.flatten(0, 1), y.flatten()).item()
                assert ns["silenced"][name][head] == pytest.approx(expected, abs=1e-5), f"{name} head {head}"
    assert ns["held_out"]["masked"] == pytest.approx(ns["one_pass"], abs=1e-6), "silencing nothing changed the loss"


def test_offset_shares_agree_with_the_recorded_attention_to_the_next_position(ns):
    for name, shares in ns["shares"].items():
        assert shares[1].mean().item() == pytest.approx(final(ns, name, "next_token_attention"), abs=1e-6), name


def test_the_maps_are_the_chosen_heads_weights_averaged_over_the_held_out_batch(ns):
    for name, model in ns["models"].items():
        with torch.no_grad():
            weights = ns["attention_weights"](model, ns["eval_x"])[:, ns["job"][name]]
        torch.testing.assert_close(ns["maps"][name], weights.mean(dim=0), msg=name)
        torch.testing.assert_close(ns["maps"][name].sum(dim=1), torch.ones(ns["context_length"]), msg=name)


@pytest.mark.parametrize("edition", PREFIXES)
def test_each_edition_draws_the_two_learned_maps_from_the_run(built_site, ns, edition):
    """Each figure is a corner of the run's map: its labels are positions from 0, its cells the weights."""
    soup = page_soup(built_site / f"{edition}dark-room" / "index.html")
    for name in ("masked", "unmasked"):
        found = soup.select(f'figure.diagram[data-source*=\'maps["{name}"]\'] svg.figure-heatmap')
        assert len(found) == 1, f"{edition}dark-room: {len(found)} maps of the {name} model"
        labels = found[0].select("text.label")
        cols = [int(label.get_text()) for label in labels if label.has_attr("transform")]
        rows = [int(label.get_text()) for label in labels if not label.has_attr("transform")]
        assert rows == list(range(len(rows))) and cols == list(range(len(cols))), f"labels {rows}, {cols}"
        assert 1 < len(rows) < len(cols), f"{len(rows)} x {len(cols)}: the crop must show each query's t+1"
        drawn = [float(cell["data-value"]) for cell in found[0].select("rect.cell")]
        expected = ns["maps"][name][: len(rows), : len(cols)].flatten().tolist()
        assert drawn == pytest.approx(expected, abs=1e-4), f"{edition}dark-room: the {name} map is not the run's"
