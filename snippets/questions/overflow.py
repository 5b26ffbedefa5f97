"""Questions readers ask: from which score 3.3's naive softmax overflows, and why torch.softmax does not."""

# Reused from other modules. A page shows their definitions in its "From earlier pages" block.
from snippets.sentence import inputs

# isort: split

# --8<-- [start:threshold]
import math

import torch

largest = torch.finfo(torch.float32).max  # the largest a float32 can hold
limit = math.log(largest)  # exp(x) is larger than that once x passes this
below, above = math.floor(limit), math.ceil(limit)
print("largest float32:", largest)
print("its logarithm:  ", limit)
print(f"exp({below}):", torch.exp(torch.tensor(below, dtype=torch.float32)))
print(f"exp({above}):", torch.exp(torch.tensor(above, dtype=torch.float32)))
# --8<-- [end:threshold]

# --8<-- [start:large_scores]
longer = inputs * 10  # the six embeddings, each 10 times longer
# "journey" as the query again: every score 100 times larger
big_scores = longer @ longer[1]
# wrap long tensors to fit this page (the default is 80 characters)
torch.set_printoptions(linewidth=76)
print("scores:", big_scores, sep="\n")
print("naive softmax:",
      torch.exp(big_scores) / torch.exp(big_scores).sum(), sep="\n")
print("torch.softmax:", torch.softmax(big_scores, dim=0), sep="\n")
# --8<-- [end:large_scores]

# --8<-- [start:shift]
# the largest score becomes 0, every other one negative
shifted = big_scores - big_scores.max()
stable = torch.exp(shifted) / torch.exp(shifted).sum()
print("scores - max:", shifted, sep="\n")
print("naive, after the shift:", stable, sep="\n")
print("same as torch.softmax:",
      torch.allclose(stable, torch.softmax(big_scores, dim=0)))
torch.set_printoptions(linewidth=80)  # the default again
# --8<-- [end:shift]
