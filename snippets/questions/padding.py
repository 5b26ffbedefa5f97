"""Questions readers ask: padding masks beside the causal mask, and the NaN rows of a query that sees nothing."""

# Reused from other modules. A page shows their definitions in its "From earlier pages" block.
from snippets.attention import SelfAttention_v2, causal_mask
from snippets.sentence import inputs

# isort: split

# --8<-- [start:padded_batch]
import torch

pad = torch.zeros(3)  # the embedding of a padding token
short = inputs[:4]  # "Your journey starts with"
padded = torch.stack((
    inputs,  # "Your journey starts with one step": no padding
    torch.cat((short, pad.expand(2, 3))),  # right padding: text, then pads
    torch.cat((pad.expand(2, 3), short)),  # left padding: pads, then text
))
is_pad = torch.tensor([[False, False, False, False, False, False],
                       [False, False, False, False, True, True],
                       [True, True, False, False, False, False]])

print("pad positions (1 = padding), one row per text:")
print(is_pad.int())
# --8<-- [end:padded_batch]

# --8<-- [start:two_masks]
# (batch, 1, num_tokens): a text's pad columns, in every row
hide_pads = is_pad[:, None, :]
# (num_tokens, num_tokens): the same triangle for every text
future = causal_mask(6)
# (batch, num_tokens, num_tokens): hidden by either mask
hidden = future | hide_pads
print("both masks, right-padded text (1 = hidden):")
print(hidden[1].int())
print("both masks, left-padded text:")
print(hidden[2].int())
# --8<-- [end:two_masks]

# --8<-- [start:nan_rows]
print("softmax of a row that is all -inf:",
      torch.softmax(torch.full((4,), -torch.inf), dim=0))

torch.manual_seed(789)
# the weights 3.5 started from
sa_v2 = SelfAttention_v2(d_in=3, d_out=2).requires_grad_(False)
queries = sa_v2.W_query(padded)
keys = sa_v2.W_key(padded)
values = sa_v2.W_value(padded)
scores = queries @ keys.transpose(1, 2) / keys.shape[-1] ** 0.5

weights = torch.softmax(scores.masked_fill(hidden, -torch.inf), dim=-1)
print("weights of the left-padded text:")
print(weights[2])
print("rows of NaN, one row per text:")
print(weights.isnan().all(dim=-1))
print("exactly the rows with every position hidden:",
      torch.equal(weights.isnan().all(dim=-1), hidden.all(dim=-1)))

causal_only = torch.softmax(scores.masked_fill(future, -torch.inf), dim=-1)
print("any NaN with the causal mask alone:",
      causal_only.isnan().any().item())
# --8<-- [end:nan_rows]

# --8<-- [start:remedy]
# queries for which every position is hidden
sees_nothing = hidden.all(dim=-1, keepdim=True)
safe_weights = weights.masked_fill(sees_nothing, 0.0)  # attend to nothing
context = safe_weights @ values
print("the left-padded text's first rows, set to 0:")
print(safe_weights[2, :3])
print("every weight finite:", safe_weights.isfinite().all().item())
print("context vectors of its two pads:", context[2, :2], sep="\n")
print("its four tokens get the weights they get without padding:",
      torch.allclose(safe_weights[2, 2:, 2:], safe_weights[0, :4, :4]))
print("and so do the right-padded text's:",
      torch.allclose(safe_weights[1, :4, :4], safe_weights[0, :4, :4]))
# --8<-- [end:remedy]
