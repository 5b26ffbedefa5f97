"""Questions readers ask: the causal mask, -inf against 0, tril against triu, and what the mask is for."""

# Reused from other modules. A page shows their definitions in its "From earlier pages" block.
from snippets.attention import (
    CausalAttention,
    MultiHeadAttention,
    SelfAttention_v2,
    causal_mask,
)
from snippets.sentence import inputs, tokens

# isort: split

# --8<-- [start:answer_in_the_input]
import copy

import torch


def without_mask(module):
    """A copy of an attention module with the same weights and nothing hidden."""
    unmasked = copy.deepcopy(module)
    unmasked.mask.fill_(False)
    return unmasked


torch.manual_seed(123)
masked = CausalAttention(d_in=3, d_out=2, context_length=6, dropout=0.0)
masked.requires_grad_(False)
text = inputs.unsqueeze(0)  # "Your journey starts with one step", a batch of one
other_ending = text.clone()
other_ending[0, 5] = inputs[0]  # "Your journey starts with one Your"

print("how far each position's output moves when only the last token changes:")
for name, module in (("with the mask", masked), ("without it", without_mask(masked))):
    moved = (module(other_ending) - module(text)).abs().amax(dim=-1)[0]
    print(f"  {name:<14}", moved)
# --8<-- [end:answer_in_the_input]

# --8<-- [start:mask_versus_dropout]
torch.manual_seed(123)
noisy = CausalAttention(d_in=3, d_out=2, context_length=6, dropout=0.5)
noisy.requires_grad_(False)
for mode in ("train", "eval"):
    getattr(noisy, mode)()
    torch.manual_seed(1)
    first = noisy(text)
    torch.manual_seed(2)
    second = noisy(text)
    torch.manual_seed(2)  # the same dropout pattern again, for the other ending
    changed_ending = noisy(other_ending)
    print(f"{mode}(): dropout changes the output from run to run:",
          not torch.equal(first, second))
    print(f"{mode}(): the mask keeps positions 1-5 blind to token 6:",
          torch.equal(second[:, :5], changed_ending[:, :5]))
# --8<-- [end:mask_versus_dropout]

# --8<-- [start:chapter_scores]
torch.manual_seed(789)
sa_v2 = SelfAttention_v2(d_in=3, d_out=2).requires_grad_(False)  # where 3.5 starts
queries, keys = sa_v2.W_query(inputs), sa_v2.W_key(inputs)
scores = queries @ keys.T / keys.shape[-1] ** 0.5  # scaled, as the softmax sees them
future = causal_mask(len(tokens))  # True above the diagonal: the positions to hide
# --8<-- [end:chapter_scores]

# --8<-- [start:three_ways]
minus_inf = torch.softmax(scores.masked_fill(future, -torch.inf), dim=-1)
renormalised = torch.softmax(scores, dim=-1).masked_fill(future, 0.0)
renormalised = renormalised / renormalised.sum(dim=-1, keepdim=True)
zero_filled = torch.softmax(scores.masked_fill(future, 0.0), dim=-1)

print("-inf before softmax equals renormalising after it:",
      torch.allclose(minus_inf, renormalised))
print("weight each query puts on tokens after it:")
print("  filled with -inf:", (minus_inf * future).sum(dim=-1))
print("  filled with 0:   ", (zero_filled * future).sum(dim=-1))
# --8<-- [end:three_ways]

# --8<-- [start:tril_triu]
keep = torch.tril(torch.ones(4, 4))  # 1 = may look: multiply the weights by it
hide = torch.triu(torch.ones(4, 4), diagonal=1)  # 1 = hidden: give it to masked_fill
print("tril(ones): 1 = keep", keep, sep="\n")
print("triu(ones, diagonal=1): 1 = hide", hide, sep="\n")
print("each is the other flipped:", torch.equal(keep, 1 - hide))
# --8<-- [end:tril_triu]

# --8<-- [start:diagonal_zero]
hide_self_too = torch.triu(torch.ones(6, 6, dtype=torch.bool))  # diagonal=0
weights = torch.softmax(scores.masked_fill(hide_self_too, -torch.inf), dim=-1)
print("first query's weights:", weights[0])
# --8<-- [end:diagonal_zero]

# --8<-- [start:append_a_token]
torch.manual_seed(123)
layer_1 = MultiHeadAttention(d_in=3, d_out=4, context_length=6, dropout=0.0, num_heads=2)
layer_2 = MultiHeadAttention(d_in=4, d_out=4, context_length=6, dropout=0.0, num_heads=2)
layer_1.requires_grad_(False)
layer_2.requires_grad_(False)
prompt = inputs[:5].unsqueeze(0)  # "Your journey starts with one"
longer = inputs.unsqueeze(0)  # ... with "step" appended

unmasked_layer_1 = without_mask(layer_1)
for name, first_layer in (("with the mask", layer_1), ("without it", unmasked_layer_1)):
    cached = layer_2.W_key(first_layer(prompt))  # layer 2's keys, as a cache keeps them
    recomputed = layer_2.W_key(first_layer(longer))[:, :5]  # the same five, after "step"
    change = (recomputed - cached).abs().max()
    print(f"{name:<14} cached keys still valid: {torch.allclose(cached, recomputed)},"
          f" largest change {change:.4f} (the keys reach {cached.abs().max():.4f})")
# --8<-- [end:append_a_token]

# --8<-- [start:who_influences_whom]
influence = torch.zeros(6, 6, dtype=torch.long)  # row: output, column: input
baseline = masked(text)
for j in range(6):
    nudged = text.clone()
    nudged[0, j] += 1.0  # change input token j only
    influence[:, j] = (masked(nudged) - baseline).abs().amax(dim=-1)[0] > 0
print("1 where changing input j (column) changes output i (row):")
print(influence)
# --8<-- [end:who_influences_whom]
