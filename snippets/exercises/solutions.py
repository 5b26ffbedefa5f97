"""The chapter's three exercises, solved: 3.1 v1 equals v2, 3.2 a 2-D wrapper output, 3.3 GPT-2 sizes."""

# Reused from other modules. A page shows their definitions in its "From earlier pages" block.
from snippets.attention import (
    MultiHeadAttention,
    MultiHeadAttentionWrapper,
    SelfAttention_v1,
    SelfAttention_v2,
)
from snippets.sentence import inputs

# isort: split

# --8<-- [start:ex31_before]
import torch
from torch import nn

torch.manual_seed(123)
sa_v1 = SelfAttention_v1(d_in=3, d_out=2)
torch.manual_seed(123)
sa_v2 = SelfAttention_v2(d_in=3, d_out=2)
print("v1 W_query:       ", tuple(sa_v1.W_query.shape))  # (d_in, d_out), used as x @ W
print("v2 W_query.weight:", tuple(sa_v2.W_query.weight.shape))  # (d_out, d_in): x @ W.T
print("same output before copying:", torch.allclose(sa_v1(inputs), sa_v2(inputs)))
# --8<-- [end:ex31_before]

# --8<-- [start:ex31_copy]
sa_v1.W_query = nn.Parameter(sa_v2.W_query.weight.T)  # (d_out, d_in) -> (d_in, d_out)
sa_v1.W_key = nn.Parameter(sa_v2.W_key.weight.T)
sa_v1.W_value = nn.Parameter(sa_v2.W_value.weight.T)
print("v1:", sa_v1(inputs), sep="\n")
print("v2:", sa_v2(inputs), sep="\n")
print("same output after copying:", torch.allclose(sa_v1(inputs), sa_v2(inputs)))
# --8<-- [end:ex31_copy]

# --8<-- [start:ex31_no_transpose]
untransposed = SelfAttention_v1(d_in=3, d_out=2)
untransposed.W_query = nn.Parameter(sa_v2.W_query.weight)  # forgot the .T
try:
    untransposed(inputs)
except RuntimeError as error:
    print("without .T:", error)
# --8<-- [end:ex31_no_transpose]

# --8<-- [start:ex32_wrapper]
batch = torch.stack((inputs, inputs))
torch.manual_seed(123)
wrapper = MultiHeadAttentionWrapper(d_in=3, d_out=1, context_length=6, dropout=0.0,
                                    num_heads=2)
context_vecs = wrapper(batch)
print(context_vecs)
print("context_vecs.shape:", context_vecs.shape)  # each of the 2 heads adds d_out=1 column
# --8<-- [end:ex32_wrapper]

# --8<-- [start:ex32_old_softmax]
def old_head(head, x):
    """One head as the chapter's code computed it until March 2024: softmax over dim=1."""
    num_tokens = x.shape[1]
    scores = head.W_query(x) @ head.W_key(x).transpose(1, 2)
    scores = scores.masked_fill(head.mask[:num_tokens, :num_tokens], -torch.inf)
    d_k = head.W_key.out_features
    weights = torch.softmax(scores / d_k**0.5, dim=1)  # dim=1: down the queries
    return weights, weights @ head.W_value(x)


with torch.no_grad():  # nothing is trained here; keeps gradient notes out of the printout
    old = [old_head(head, batch) for head in wrapper.heads]  # the same heads and weights
old_context = torch.cat([context for _, context in old], dim=-1)
old_weights = old[0][0][0]  # the first head's weights for the first text
print("old output, first text:", old_context[0], sep="\n")
print("old weights, sum of each row:   ", old_weights.sum(dim=-1))
print("old weights, sum of each column:", old_weights.sum(dim=0))
# --8<-- [end:ex32_old_softmax]

# --8<-- [start:ex33_count]
mha = MultiHeadAttention(d_in=768, d_out=768, context_length=1024, dropout=0.0,
                         num_heads=12)
counted = sum(p.numel() for p in mha.parameters())
formula = 3 * 768**2 + (768**2 + 768)  # W_query, W_key, W_value; out_proj with its bias
print(f"parameters, counted:       {counted:,}")
print(f"3·768² + 768² + 768:       {formula:,}")
with_bias = MultiHeadAttention(768, 768, 1024, 0.0, 12, qkv_bias=True)
print(f"with qkv_bias=True (GPT-2): {sum(p.numel() for p in with_bias.parameters()):,}")
# --8<-- [end:ex33_count]

# --8<-- [start:ex33_mask]
print("mask:", tuple(mha.mask.shape), f"= {mha.mask.numel():,} entries of", mha.mask.dtype)
print("in state_dict():", "mask" in mha.state_dict())
print("in parameters():", any(p is mha.mask for p in mha.parameters()))
print("parameters:", [name for name, _ in mha.named_parameters()])
# --8<-- [end:ex33_mask]
