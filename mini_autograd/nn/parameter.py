"""`Parameter`: a leaf tensor that a Module registers as one of its parameters."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._creation import empty
from .._tensor import Tensor, _init


class Parameter(Tensor):
    """A Tensor that, assigned as a Module attribute, is added to the module's parameters().

    It shares memory with `data`, is always a leaf, and requires grad by default (even under
    no_grad, as torch's does). Ops on a Parameter return plain Tensors.
    """

    __slots__ = ()

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True) -> None:
        if data is None:
            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter(): data must be a Tensor, got {type(data).__name__}")
        _init(self, data._data, None, 0, False)
        self.requires_grad = requires_grad

    def __deepcopy__(self, memo: dict[int, Any]) -> Parameter:
        if id(self) not in memo:
            memo[id(self)] = Parameter(Tensor(np.array(self._data)), self.requires_grad)
        return memo[id(self)]

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        return (Parameter, (Tensor(np.array(self._data)), self.requires_grad))

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
