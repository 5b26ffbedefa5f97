"""3.3 Self-attention without trainable weights, on "Your journey starts with one step"."""

# The 3.3 page shows sentence.py's section itself, between the two sections below.
from snippets.sentence import inputs, tokens

# isort: split

# --8<-- [start:imports]
import torch  # all the code on this site needs

# --8<-- [end:imports]

# --8<-- [start:setup]
query = inputs[1]  # the embedding of "journey" is our query
# --8<-- [end:setup]

# --8<-- [start:dot_product]
# multiply, add up
by_hand = sum(a * b for a, b in zip(inputs[0], query, strict=True))
print("by hand:  ", by_hand)
print("torch.dot:", torch.dot(inputs[0], query))
# --8<-- [end:dot_product]

# --8<-- [start:scores_journey]
attn_scores_2 = torch.empty(len(tokens))
for i, x_i in enumerate(inputs):
    # ω_2i: how well token i matches "journey"
    attn_scores_2[i] = torch.dot(x_i, query)
print("attention scores for 'journey':", attn_scores_2, sep="\n")
# --8<-- [end:scores_journey]

# --8<-- [start:normalise_by_sum]
weights_by_sum = attn_scores_2 / attn_scores_2.sum()
print("divided by the sum:", weights_by_sum)
print("which sums to:     ", weights_by_sum.sum())
# --8<-- [end:normalise_by_sum]

# --8<-- [start:softmax_naive]
def softmax_naive(x):
    return torch.exp(x) / torch.exp(x).sum(dim=0)


weights_naive = softmax_naive(attn_scores_2)
print("naive softmax:", weights_naive)
print("which sums to:", weights_naive.sum())
# --8<-- [end:softmax_naive]

# --8<-- [start:softmax_torch]
attn_weights_2 = torch.softmax(attn_scores_2, dim=0)
print("torch.softmax:", attn_weights_2)
print("which sums to:", attn_weights_2.sum())
# --8<-- [end:softmax_torch]

# --8<-- [start:context_journey]
context_vec_2 = torch.zeros(query.shape)
for i, x_i in enumerate(inputs):
    # each token's embedding, weighted
    context_vec_2 += attn_weights_2[i] * x_i
print("context vector for 'journey':", context_vec_2)
# --8<-- [end:context_journey]

# --8<-- [start:all_scores]
attn_scores_loop = torch.empty(len(tokens), len(tokens))
for i, x_i in enumerate(inputs):
    for j, x_j in enumerate(inputs):
        attn_scores_loop[i, j] = torch.dot(x_i, x_j)

# the same 36 dot products as one matrix product
attn_scores = inputs @ inputs.T
print(attn_scores)
# allclose, not equal: a matrix product may add the three products in
# another order, and round the last bit differently (some CPUs do)
print("same as the double loop:",
      torch.allclose(attn_scores, attn_scores_loop))
# --8<-- [end:all_scores]

# --8<-- [start:all_weights]
# normalise each row: one row per query
attn_weights = torch.softmax(attn_scores, dim=-1)
print(attn_weights)
print("row sums:", attn_weights.sum(dim=-1))
# --8<-- [end:all_weights]

# --8<-- [start:all_context]
all_context_vecs = attn_weights @ inputs
print(all_context_vecs)
# --8<-- [end:all_context]

# --8<-- [start:row_2_check]
print("row 2 of the matrix:  ", all_context_vecs[1])
print("the single-query one: ", context_vec_2)
print("equal within float precision:",
      torch.allclose(all_context_vecs[1], context_vec_2))
# --8<-- [end:row_2_check]
