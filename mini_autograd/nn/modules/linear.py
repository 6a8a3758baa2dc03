"""`Linear` (y = x W^T + b, torch's default initialisation) and `Identity`."""

from __future__ import annotations

import math
from typing import Any

from ... import _creation
from ..._dtype import dtype as DType
from ..._tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module


class Identity(Module):
    """Returns its input unchanged (any constructor arguments are ignored)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input


class Linear(Module):
    """y = x W^T + b with W of shape (out_features, in_features).

    W and b start as U(-1/sqrt(in_features), 1/sqrt(in_features)), as torch's
    (kaiming_uniform_ with a=sqrt(5) for W).
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        device: Any = None,
        dtype: DType | None = None,
    ) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(_creation.empty(out_features, in_features, dtype=dtype))
        if bias:
            self.bias = Parameter(_creation.empty(out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw the weights again with the default initialisation."""
        # a = sqrt(5) makes kaiming_uniform_ U(-1/sqrt(fan_in), 1/sqrt(fan_in))
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class LazyLinear(Linear):
    """A Linear whose in_features is read off its first input (DeZero's `Linear(out_size)`).

    Until then the weight is an empty Parameter (in_features=0); the first forward gives it
    shape (out_features, in_features), draws torch's initialisation and turns the module into
    a plain Linear. The Parameter objects stay the same, so an optimizer made before still works.
    """

    cls_to_become = Linear

    def __init__(
        self, out_features: int, bias: bool = True, device: Any = None, dtype: DType | None = None
    ) -> None:
        Module.__init__(self)
        self.in_features, self.out_features, self._lazy_dtype = 0, out_features, dtype
        self.weight = Parameter(_creation.empty(0, dtype=dtype))
        if bias:
            self.bias = Parameter(_creation.empty(0, dtype=dtype))
        else:
            self.register_parameter("bias", None)

    def reset_parameters(self) -> None:
        if self.in_features:
            super().reset_parameters()

    def initialize_parameters(self, input: Tensor) -> None:
        """Shape and initialise the parameters for inputs like `input`."""
        self.in_features = input.shape[-1]
        dtype = self._lazy_dtype
        self.weight.data = _creation.empty(self.out_features, self.in_features, dtype=dtype)
        if self.bias is not None:
            self.bias.data = _creation.empty(self.out_features, dtype=dtype)
        self.reset_parameters()
        del self._lazy_dtype
        self.__class__ = self.cls_to_become

    def forward(self, input: Tensor) -> Tensor:
        self.initialize_parameters(input)
        return F.linear(input, self.weight, self.bias)
