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
wrapper = MultiHeadAttentionWrapper(
    d_in, d_out=2, context_length=context_length, dropout=0.0, num_heads=2
)
context_vecs = wrapper(batch)
print(context_vecs)
# 2 heads × d_out 2 = width 4
print("context_vecs.shape:", context_vecs.shape)
# --8<-- [end:wrapper_run]

# --8<-- [start:mha_run]
torch.manual_seed(123)
mha = MultiHeadAttention(
    d_in, d_out=2, context_length=context_length, dropout=0.0, num_heads=2
)
context_vecs = mha(batch)
print(context_vecs)
# d_out 2 in total: each head is 1 wide
print("context_vecs.shape:", context_vecs.shape)
# --8<-- [end:mha_run]

# --8<-- [start:wider_run]
torch.manual_seed(123)
wider = MultiHeadAttention(
    d_in, d_out=4, context_length=context_length, dropout=0.0, num_heads=2
)
wider_vecs = wider(batch)
print(wider_vecs)
# d_out 4 in total: each head is 2 wide
print("wider_vecs.shape:", wider_vecs.shape, "head_dim:", wider.head_dim)
# --8<-- [end:wider_run]

# --8<-- [start:split_shapes]
projected = mha.W_query(batch)
print("after W_query:    ", projected.shape)  # (b, num_tokens, d_out)
print("view into heads:  ",
      projected.view(batch_size, context_length, 2, 1).shape)
queries = mha.split_heads(projected)
keys = mha.split_heads(mha.W_key(batch))
# (b, num_heads, num_tokens, head_dim)
print("transpose(1, 2):  ", queries.shape)
# --8<-- [end:split_shapes]

# --8<-- [start:per_head_scores]
# one product, every batch item and head
all_heads = queries @ keys.transpose(2, 3)
print("all heads at once:", all_heads.shape)
for head in range(mha.num_heads):
    # the 3.4 computation for a single head
    one_head = queries[0, head] @ keys[0, head].T
    print(f"head {head} of the first text matches:",
          torch.allclose(all_heads[0, head], one_head))
# --8<-- [end:per_head_scores]

# --8<-- [start:book_heads_product]
# The book's own example, of shape (1, 2, 3, 4):
# (b, num_heads, num_tokens, head_dim)
a = torch.tensor([[[[0.2745, 0.6584, 0.2775, 0.8573],
                    [0.8993, 0.0390, 0.9268, 0.7388],
                    [0.7179, 0.7058, 0.9156, 0.4340]],

                   [[0.0772, 0.3565, 0.1479, 0.5331],
                    [0.4066, 0.2318, 0.4545, 0.9737],
                    [0.4606, 0.5159, 0.4220, 0.5786]]]])

print(a @ a.transpose(2, 3))  # (1, 2, 3, 3): one 3 × 3 matrix per head
# --8<-- [end:book_heads_product]

# --8<-- [start:book_heads_separately]
first_head = a[0, 0, :, :]
first_res = first_head @ first_head.T
print("First head:\n", first_res)

second_head = a[0, 1, :, :]
second_res = second_head @ second_head.T
print("\nSecond head:\n", second_res)
# --8<-- [end:book_heads_separately]
