"""Module.load_state_dict: match the keys, check the shapes, copy (or assign) the values."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from ..._grad_mode import no_grad
from ..._tensor import Size, Tensor
from ..parameter import Parameter

if TYPE_CHECKING:
    from .module import Module


class IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What load_state_dict could not match (both empty when every key matched)."""

    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


def load_state_dict(
    root: Module, state_dict: Mapping[str, Any], strict: bool, assign: bool
) -> IncompatibleKeys:
    """Load every module's own entries; with strict, missing or unexpected keys raise, as
    shape mismatches always do, all reported in one RuntimeError with torch's wording."""
    if not isinstance(state_dict, Mapping):
        raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
    missing: list[str] = []
    errors: list[str] = []
    for prefix, module in root.named_modules(remove_duplicate=False):
        _load_own(module, state_dict, prefix + "." if prefix else "", assign, missing, errors)
    expected = set(root.state_dict())
    unexpected = [k for k in state_dict if k not in expected]
    if strict:
        if unexpected:
            keys = ", ".join(f'"{k}"' for k in unexpected)
            errors.insert(0, f"Unexpected key(s) in state_dict: {keys}. ")
        if missing:
            keys = ", ".join(f'"{k}"' for k in missing)
            errors.insert(0, f"Missing key(s) in state_dict: {keys}. ")
    if errors:
        raise RuntimeError(
            f"Error(s) in loading state_dict for {type(root).__name__}:\n\t" + "\n\t".join(errors)
        )
    return IncompatibleKeys(missing, unexpected)


def _load_own(
    module: Module,
    state_dict: Mapping[str, Any],
    prefix: str,
    assign: bool,
    missing: list[str],
    errors: list[str],
) -> None:
    """Load one module's own parameters and persistent buffers (not its children's)."""
    persistent = {
        k: v for k, v in module._buffers.items() if k not in module._non_persistent_buffers_set
    }
    for name, target in {**module._parameters, **persistent}.items():
        if target is None:
            continue
        key = prefix + name
        if key not in state_dict:
            missing.append(key)
            continue
        value = state_dict[key]
        if isinstance(value, Tensor):
            array = value._data
        elif isinstance(value, np.ndarray) or hasattr(value, "__array__"):
            array = np.asarray(value)  # a numpy array, or another framework's tensor
        else:
            errors.append(
                f'While copying the parameter named "{key}", expected a Tensor or a '
                f"numpy array from checkpoint but received {type(value)}"
            )
            continue
        if target.ndim == 0 and array.shape == (1,):
            array = array.reshape(())
        if array.shape != target._data.shape:
            errors.append(
                f"size mismatch for {key}: copying a param with shape "
                f"{Size(array.shape)!r} from checkpoint, the shape in current model "
                f"is {target.shape!r}."
            )
            continue
        if assign:
            new = Tensor(np.array(array))
            if isinstance(target, Parameter):
                new = Parameter(new, requires_grad=target.requires_grad)
            setattr(module, name, new)
        else:
            with no_grad():
                target.copy_(array)
