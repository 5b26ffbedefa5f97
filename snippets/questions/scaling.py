"""Questions readers ask: why the scores are divided by √d_k, measured on random queries and keys."""

# Reused from other modules. A page shows their definitions in its "From earlier pages" block.
from snippets.attention import MultiHeadAttention

# isort: split

# --8<-- [start:measure]
import torch


def mean_largest_weight(scores):
    """Softmax each row of scores, then average the largest weight of every row."""
    return torch.softmax(scores, dim=-1).max(dim=-1).values.mean().item()


generator = torch.Generator().manual_seed(123)
num_queries, num_keys = 256, 8
d_ks, std_unscaled, std_scaled, peak_unscaled, peak_scaled = [], [], [], [], []
print("                 score std        mean largest weight")
print("  d_k   √d_k   unscaled  scaled    unscaled  scaled")
for d_k in (1, 4, 16, 64, 256, 1024):
    q = torch.randn(num_queries, 1, d_k, generator=generator)  # mean 0, variance 1
    k = torch.randn(num_queries, num_keys, d_k, generator=generator)
    scores = (q * k).sum(dim=-1)  # one dot product per query and key
    scaled = scores / d_k**0.5
    d_ks.append(d_k)
    std_unscaled.append(scores.std().item())
    std_scaled.append(scaled.std().item())
    peak_unscaled.append(mean_largest_weight(scores))
    peak_scaled.append(mean_largest_weight(scaled))
    print(f"{d_k:5} {d_k**0.5:6.1f} {std_unscaled[-1]:10.2f} {std_scaled[-1]:7.2f}"
          f" {peak_unscaled[-1]:11.2f} {peak_scaled[-1]:7.2f}")
# --8<-- [end:measure]

# --8<-- [start:head_dim]
gpt2_sized = MultiHeadAttention(d_in=768, d_out=768, context_length=8, dropout=0.0,
                                num_heads=12)
d_out, num_heads, head_dim = gpt2_sized.d_out, gpt2_sized.num_heads, gpt2_sized.head_dim
print("d_out:", d_out, " heads:", num_heads, " head_dim:", head_dim)
print("scores are divided by √head_dim =", head_dim**0.5)
print(f"dividing by √d_out = {d_out**0.5:.1f} instead would make them"
      f" {(d_out / head_dim) ** 0.5:.2f}× too small")
# --8<-- [end:head_dim]
