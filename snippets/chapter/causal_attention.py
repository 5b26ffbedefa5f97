"""3.5 Causal attention: hiding later tokens, dropout on the weights, and the CausalAttention class."""

# Reused from other modules. A page shows their definitions in its "From earlier pages" block.
from snippets.attention import CausalAttention, SelfAttention_v2, causal_mask
from snippets.sentence import inputs

# isort: split

# --8<-- [start:weights_from_v2]
import torch

d_in, d_out = 3, 2
torch.manual_seed(789)
sa_v2 = SelfAttention_v2(d_in, d_out)  # the weights section 3.4 ended with

queries = sa_v2.W_query(inputs)
keys = sa_v2.W_key(inputs)
attn_scores = queries @ keys.T
attn_weights = torch.softmax(attn_scores / keys.shape[-1] ** 0.5, dim=-1)
print(attn_weights)
# --8<-- [end:weights_from_v2]

# --8<-- [start:tril_mask]
num_tokens = attn_scores.shape[0]
# 1 = may look, 0 = hidden
mask_simple = torch.tril(torch.ones(num_tokens, num_tokens))
print(mask_simple)
# --8<-- [end:tril_mask]

# --8<-- [start:mask_after_softmax]
masked_simple = attn_weights * mask_simple
print(masked_simple)
print("row sums:", masked_simple.sum(dim=-1))
# --8<-- [end:mask_after_softmax]

# --8<-- [start:renormalise]
masked_simple_norm = masked_simple / masked_simple.sum(dim=-1, keepdim=True)
print(masked_simple_norm)
# --8<-- [end:renormalise]

# --8<-- [start:mask_before_softmax]
future = causal_mask(num_tokens)  # True above the diagonal
masked_scores = attn_scores.masked_fill(future, -torch.inf)
print(masked_scores)
# --8<-- [end:mask_before_softmax]

# --8<-- [start:causal_weights]
causal_weights = torch.softmax(
    masked_scores / keys.shape[-1] ** 0.5, dim=-1
)
print(causal_weights)
print("same as renormalising:",
      torch.allclose(causal_weights, masked_simple_norm))
# --8<-- [end:causal_weights]

# --8<-- [start:dropout_ones]
torch.manual_seed(123)
# drop half, scale the survivors by 1 / (1 - 0.5) = 2
dropout = torch.nn.Dropout(0.5)
dropout_pattern = dropout(torch.ones(6, 6))
print(dropout_pattern)
# --8<-- [end:dropout_ones]

# --8<-- [start:dropout_weights]
torch.manual_seed(123)
dropped_weights = dropout(causal_weights)
print(dropped_weights)
# --8<-- [end:dropout_weights]

# --8<-- [start:batch]
batch = torch.stack((inputs, inputs), dim=0)  # two copies of the sentence
print("batch.shape:", batch.shape)  # (batch, num_tokens, d_in)
# --8<-- [end:batch]

# --8<-- [start:causal_attention_run]
torch.manual_seed(123)
context_length = batch.shape[1]
ca = CausalAttention(d_in, d_out, context_length, dropout=0.0)
context_vecs = ca(batch)
print(context_vecs)
print("context_vecs.shape:", context_vecs.shape)
# --8<-- [end:causal_attention_run]
