"""Questions readers ask: dropout's 1/(1 - p) scaling, rows that stop summing to 1, machine-dependent patterns.

Every line printed here is the same on any machine: only dropout's exact pattern of zeros depends on
the hardware, so the checks look at rules and at averages over many draws, never at one pattern.
"""

# Reused from other modules. A page shows their definitions in its "From earlier pages" block.
from snippets.attention import SelfAttention_v2, causal_mask
from snippets.sentence import inputs

# isort: split

# --8<-- [start:scaling]
import torch

torch.manual_seed(123)
dropout = torch.nn.Dropout(p=0.1)  # the rate GPT models in the book train with
out = dropout(torch.ones(100_000))
print("values after Dropout(0.1):", out.unique())
print(f"1 / (1 - p) = {1 / (1 - 0.1):.4f}, while 1 / p = {1 / 0.1:.0f}")
print(f"mean of the output: {out.mean():.2f} (the input's mean is 1)")
# --8<-- [end:scaling]

# --8<-- [start:rows_after_dropout]
torch.manual_seed(789)
sa_v2 = SelfAttention_v2(d_in=3, d_out=2).requires_grad_(False)
scores = sa_v2.W_query(inputs) @ sa_v2.W_key(inputs).T
masked = scores.masked_fill(causal_mask(6), -torch.inf)
weights = torch.softmax(masked / 2**0.5, dim=-1)  # the causal weights of section 3.5

torch.manual_seed(123)
draws = torch.nn.Dropout(0.5)(weights.expand(50_000, 6, 6))  # 50,000 dropout patterns
row_sums = draws.sum(dim=-1)
zero_or_doubled = (draws == 0) | (draws == 2 * weights)
print("every entry is 0 or twice its weight:", zero_or_doubled.all().item())
print("first row (only 'Your' itself) sums to one of:", row_sums[:, 0].unique())
print(f"average row sum over all draws: {row_sums.mean():.1f}")
# --8<-- [end:rows_after_dropout]

# --8<-- [start:all_zero_rows]
empty_rows = (draws == 0).all(dim=-1)  # (draws, rows): True where a row lost everything
some_row_empty = empty_rows.any(dim=-1).float().mean()
row_lengths = torch.arange(1, 7)  # row k has k weights that can survive
theory = 1 - torch.prod(1 - 0.5**row_lengths)  # chance that at least one row is emptied
print(f"draws with an all-zero row: {some_row_empty:.1f} (theory: {theory:.3f})")
print("measurement within 0.01 of theory:", abs(some_row_empty - theory).item() < 0.01)
# --8<-- [end:all_zero_rows]

# --8<-- [start:eval_identity]
dropout = torch.nn.Dropout(0.5)
dropout.eval()
print("eval(): output equals input:", torch.equal(dropout(weights), weights))
dropout.train()
print("train(): output equals input:", torch.equal(dropout(weights), weights))
# --8<-- [end:eval_identity]

# --8<-- [start:your_machine]
torch.manual_seed(123)
print("torch.rand(3) after manual_seed(123):", torch.rand(3))  # the same everywhere

# --8<-- [end:your_machine]
