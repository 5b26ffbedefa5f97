"""Questions readers ask: what register_buffer does for the mask, and why the mask is sliced."""

# Reused from other modules. A page shows their definitions in its "From earlier pages" block.
from snippets.attention import CausalAttention

# isort: split

# --8<-- [start:what_is_saved]
import torch
from torch import nn

torch.manual_seed(123)
ca = CausalAttention(d_in=3, d_out=2, context_length=6, dropout=0.0)
print("state_dict():      ", list(ca.state_dict()))
print("named_parameters():", [name for name, _ in ca.named_parameters()])
print("named_buffers():   ", [name for name, _ in ca.named_buffers()])
print("mask.requires_grad:", ca.mask.requires_grad)
# --8<-- [end:what_is_saved]

# --8<-- [start:toy_module]
class Mix(nn.Module):
    """A toy module: a weight, a registered buffer, and a plain tensor attribute."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(2, 2)
        self.register_buffer("registered", torch.eye(2))
        self.plain = torch.eye(2)  # nn.Module does not know this one is there

    def forward(self, x):
        return self.linear(x) @ self.registered @ self.plain
# --8<-- [end:toy_module]

# --8<-- [start:what_moves]
toy = Mix().to(torch.float64)  # .to("cuda") would move the same tensors
print("linear.weight:", toy.linear.weight.dtype)
print("registered:   ", toy.registered.dtype)
print("plain:        ", toy.plain.dtype)
try:
    toy(torch.ones(1, 2, dtype=torch.float64))
except RuntimeError as error:
    print("forward:", error)
# --8<-- [end:what_moves]

# --8<-- [start:bool_mask]
ca.to(torch.float64)  # converts floating-point parameters and buffers only
print("CausalAttention's mask after .to(float64):", ca.mask.dtype)
# --8<-- [end:bool_mask]

# --8<-- [start:not_persistent]
toy = Mix()
toy.register_buffer("scratch", torch.zeros(2), persistent=False)
print("buffers:   ", [name for name, _ in toy.named_buffers()])
print("state_dict:", list(toy.state_dict()))
# --8<-- [end:not_persistent]

# --8<-- [start:mask_slice]
ca = CausalAttention(d_in=3, d_out=2, context_length=6, dropout=0.0)
print("the mask is made once, for context_length:", tuple(ca.mask.shape))
print("a batch of 4 tokens uses its top-left corner:", ca.mask[:4, :4], sep="\n")
try:
    ca(torch.rand(1, 7, 3))
except ValueError as error:
    print("7 tokens:", error)
# --8<-- [end:mask_slice]
