"""3.6 Multi-head attention: stacking heads, then splitting one set of weights into heads."""

# Reused from other modules. A page shows their definitions in its "From earlier pages" block.
from snippets.attention import MultiHeadAttention, MultiHeadAttentionWrapper
from snippets.sentence import inputs

# isort: split

# --8<-- [start:batch]
import torch

batch = torch.stack((inputs, inputs), dim=0)
batch_size, context_length, d_in = batch.shape  # 2, 6, 3
# --8<-- [end:batch]

# --8<-- [start:wrapper_run]
torch.manual_seed(123)
wrapper = MultiHeadAttentionWrapper(d_in, d_out=2, context_length=context_length, dropout=0.0, num_heads=2)
context_vecs = wrapper(batch)
print(context_vecs)
print("context_vecs.shape:", context_vecs.shape)  # 2 heads × d_out 2 = width 4
# --8<-- [end:wrapper_run]

# --8<-- [start:mha_run]
torch.manual_seed(123)
mha = MultiHeadAttention(d_in, d_out=2, context_length=context_length, dropout=0.0, num_heads=2)
context_vecs = mha(batch)
print(context_vecs)
print("context_vecs.shape:", context_vecs.shape)  # d_out 2 in total: each head is 1 wide
# --8<-- [end:mha_run]

# --8<-- [start:split_shapes]
projected = mha.W_query(batch)
print("after W_query:    ", projected.shape)  # (b, num_tokens, d_out)
print("view into heads:  ", projected.view(batch_size, context_length, 2, 1).shape)
queries = mha.split_heads(projected)
keys = mha.split_heads(mha.W_key(batch))
print("transpose(1, 2):  ", queries.shape)  # (b, num_heads, num_tokens, head_dim)
# --8<-- [end:split_shapes]

# --8<-- [start:per_head_scores]
all_heads = queries @ keys.transpose(2, 3)  # one product, every batch item and head
print("all heads at once:", all_heads.shape)
for head in range(mha.num_heads):
    one_head = queries[0, head] @ keys[0, head].T  # the 3.4 computation for a single head
    print(f"head {head} of the first text matches:", torch.allclose(all_heads[0, head], one_head))
# --8<-- [end:per_head_scores]
