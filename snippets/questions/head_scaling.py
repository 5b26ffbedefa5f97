"""Questions readers ask: why multi-head attention divides each head's scores by √head_dim, not √d_model."""

# Reused from other modules. A page shows their definitions in its "From earlier pages" block.
from snippets.attention import MultiHeadAttention, causal_mask

# isort: split

# --8<-- [start:two_scales]
import torch


def spread(scores):
    """Scores' variance, mean largest weight, keys in use (e^entropy)."""
    weights = torch.softmax(scores, dim=-1)
    entropy = -(weights * weights.log()).sum(dim=-1)
    return (
        scores.var().item(),
        weights.max(dim=-1).values.mean().item(),
        entropy.exp().mean().item(),
    )


d_model, num_heads = 768, 12  # GPT-2's size
head_dim = d_model // num_heads
num_queries, num_keys = 256, 16
generator = torch.Generator().manual_seed(123)
# mean 0, variance 1
q = torch.randn(num_heads, num_queries, head_dim, generator=generator)
k = torch.randn(num_heads, num_keys, head_dim, generator=generator)
# each head's scores: dot products of head_dim numbers
dots = q @ k.transpose(1, 2)

print(f"{'divided by':<16}{'score variance':>16}"
      f"{'largest weight':>17}{'keys in use':>14}")
measured = {}
for name, width in (("head_dim", head_dim), ("d_model", d_model)):
    measured[name] = spread(dots / width**0.5)
    variance, largest, in_use = measured[name]
    print(f"√{name:<8} = {width**0.5:4.1f}{variance:16.3f}"
          f"{largest:17.3f}{in_use:8.1f} of {num_keys}")
print(f"1 / num_heads = {1 / num_heads:.3f}; "
      f"{num_keys} equal weights would be {1 / num_keys:.4f} each")
# --8<-- [end:two_scales]

# --8<-- [start:chapter_class]
def attend(mha, x, scale):
    """MultiHeadAttention.forward written out, scores divided by `scale`."""
    b, num_tokens, _ = x.shape
    queries, keys, values = (
        mha.split_heads(W(x)) for W in (mha.W_query, mha.W_key, mha.W_value)
    )
    scores = queries @ keys.transpose(2, 3)
    scores = scores.masked_fill(causal_mask(num_tokens), -torch.inf)
    weights = torch.softmax(scores / scale, dim=-1)
    context = (weights @ values).transpose(1, 2)
    context = context.reshape(b, num_tokens, mha.d_out)
    return mha.out_proj(context)


torch.manual_seed(123)
gpt2_heads = MultiHeadAttention(d_in=d_model, d_out=d_model,
                                context_length=num_keys, dropout=0.0,
                                num_heads=num_heads).requires_grad_(False)
x = torch.randn(1, num_keys, d_model)
print("keys.shape[-1] after the split:",
      gpt2_heads.split_heads(gpt2_heads.W_key(x)).shape[-1])
for name, width in (("head_dim", head_dim), ("d_model", d_model)):
    by_hand = attend(gpt2_heads, x, width**0.5)
    print(f"divided by √{name:<8} same as the class:",
          torch.allclose(by_hand, gpt2_heads(x)))
# --8<-- [end:chapter_class]
