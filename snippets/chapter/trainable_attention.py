"""3.4 Self-attention with trainable weights: W_query, W_key, W_value and the scaled dot product."""

# Reused from other modules. A page shows their definitions in its "From earlier pages" block.
from snippets.attention import SelfAttention_v1, SelfAttention_v2
from snippets.sentence import inputs

# isort: split

# --8<-- [start:setup]
import torch

x_2 = inputs[1]  # "journey"
d_in = inputs.shape[1]  # 3: the width of each embedding
d_out = 2  # width of each query, key and value; small, to follow by hand
# --8<-- [end:setup]

# --8<-- [start:weights]
torch.manual_seed(123)
W_query = torch.nn.Parameter(torch.rand(d_in, d_out), requires_grad=False)
W_key = torch.nn.Parameter(torch.rand(d_in, d_out), requires_grad=False)
W_value = torch.nn.Parameter(torch.rand(d_in, d_out), requires_grad=False)
print("W_query:", W_query, sep="\n")
# --8<-- [end:weights]

# --8<-- [start:projections_journey]
query_2 = x_2 @ W_query
key_2 = x_2 @ W_key
value_2 = x_2 @ W_value
print("query_2:", query_2)
print("key_2:  ", key_2)
print("value_2:", value_2)
# --8<-- [end:projections_journey]

# --8<-- [start:notation_columns]
W_q = W_query.T  # as papers write it, for column vectors: (d_out, d_in)
print("W_query:", tuple(W_query.shape),
      " W_q = W_query.T:", tuple(W_q.shape))
# a row vector times a matrix, as on this page
print("x_2 @ W_query:", x_2 @ W_query)
# a matrix times a column vector: q = W_q x
print("W_q @ x_2:    ", W_q @ x_2)
X_columns = inputs.T  # all six tokens side by side, one per column
print("all six tokens, as columns and as rows, the same queries:",
      torch.allclose((W_q @ X_columns).T, inputs @ W_query))
# --8<-- [end:notation_columns]

# --8<-- [start:notation_linear]
linear = torch.nn.Linear(d_in, d_out, bias=False)
# (d_out, d_in), like W_q
print("nn.Linear(d_in, d_out).weight.shape:", tuple(linear.weight.shape))
print("linear(x_2) equals linear.weight @ x_2:",
      torch.allclose(linear(x_2), linear.weight @ x_2))
# --8<-- [end:notation_linear]

# --8<-- [start:keys_values]
keys = inputs @ W_key
values = inputs @ W_value
print("keys.shape:  ", keys.shape)
print("values.shape:", values.shape)
# --8<-- [end:keys_values]

# --8<-- [start:score_22]
# ω22: query "journey" against key "journey"
attn_score_22 = query_2.dot(keys[1])
print("ω22:", attn_score_22)
# --8<-- [end:score_22]

# --8<-- [start:scores_journey]
attn_scores_2 = query_2 @ keys.T  # ω21 ... ω26 in one product
print("attention scores for 'journey':", attn_scores_2, sep="\n")
# --8<-- [end:scores_journey]

# --8<-- [start:scaled_weights]
d_k = keys.shape[-1]
attn_weights_2 = torch.softmax(attn_scores_2 / d_k**0.5, dim=-1)
print("√d_k:", d_k**0.5)
print("attention weights for 'journey':", attn_weights_2, sep="\n")
# --8<-- [end:scaled_weights]

# --8<-- [start:context_journey]
context_vec_2 = attn_weights_2 @ values
print("context vector for 'journey':", context_vec_2)
# --8<-- [end:context_journey]

# --8<-- [start:all_weights]
queries = inputs @ W_query
# every query at once
attn_weights = torch.softmax(queries @ keys.T / d_k**0.5, dim=-1)
print(attn_weights)
# --8<-- [end:all_weights]

# --8<-- [start:notation_rows]
# one row per query: each sums to 1
print("row sums:   ", attn_weights.sum(dim=-1))
# one column per key: no rule
print("column sums:", attn_weights.sum(dim=0))

W_k = W_key.T
# one column per token
K_columns, Q_columns = W_k @ X_columns, W_q @ X_columns
# keys down the side, queries across the top
scores_by_column = K_columns.T @ Q_columns
# softmax down each column
weights_by_column = torch.softmax(scores_by_column / d_k**0.5, dim=0)
print("that layout's column sums:", weights_by_column.sum(dim=0), sep="\n")
print("it is this page's matrix, transposed:",
      torch.allclose(weights_by_column, attn_weights.T))
# --8<-- [end:notation_rows]

# --8<-- [start:v1]
torch.manual_seed(123)
sa_v1 = SelfAttention_v1(d_in, d_out)
print(sa_v1(inputs))
# --8<-- [end:v1]

# --8<-- [start:v2]
torch.manual_seed(789)
sa_v2 = SelfAttention_v2(d_in, d_out)
print(sa_v2(inputs))
# --8<-- [end:v2]
