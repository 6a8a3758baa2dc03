"""`Optimizer`: parameter groups, per-parameter state, zero_grad and (load_)state_dict as torch's.

Subclasses implement `step` as torch documents each algorithm, updating the numpy arrays behind
the parameters in place (one vectorised update per parameter, no graph recorded).
"""

from __future__ import annotations

import copy
import functools
import itertools
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from typing import Any

import numpy as np

from .. import _dtype, _version
from .._creation import tensor, zeros_like
from .._grad_mode import enable_grad
from .._tensor import Tensor
from .._warn_once import user_stacklevel
from ..nn.utils import zero_grads

ParamsT = Iterable[Tensor] | Iterable[dict[str, Any]] | Iterable[tuple[str, Tensor]]


_global_pre_hooks: dict[int, Callable] = {}
_global_post_hooks: dict[int, Callable] = {}
_hook_ids = itertools.count()


class _RemovableHandle:
    """Returned by the register_*_hook methods: remove() unregisters the hook."""

    def __init__(self, hooks: dict[int, Callable]) -> None:
        self._hooks, self.id = hooks, next(_hook_ids)

    def remove(self) -> None:
        self._hooks.pop(self.id, None)


def _add_hook(hooks: dict[int, Callable], hook: Callable) -> _RemovableHandle:
    handle = _RemovableHandle(hooks)
    hooks[handle.id] = hook
    return handle


def register_optimizer_step_pre_hook(hook: Callable) -> _RemovableHandle:
    """hook(optimizer, args, kwargs) before every optimizer's step; it may return new
    (args, kwargs)."""
    return _add_hook(_global_pre_hooks, hook)


def register_optimizer_step_post_hook(hook: Callable) -> _RemovableHandle:
    """hook(optimizer, args, kwargs) after every optimizer's step."""
    return _add_hook(_global_post_hooks, hook)


def _with_hooks(step: Callable) -> Callable:
    """Wrap a subclass's step so the global and per-optimizer pre/post hooks run around it."""

    @functools.wraps(step)
    def wrapper(self: Optimizer, *args: Any, **kwargs: Any) -> Any:
        for hook in (*_global_pre_hooks.values(), *self._step_pre_hooks().values()):
            result = hook(self, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(
                        f"{hook} must return None or a tuple of (new_args, new_kwargs), but "
                        f"got {result}."
                    )
                args, kwargs = result
        out = step(self, *args, **kwargs)
        for hook in (*self._step_post_hooks().values(), *_global_post_hooks.values()):
            hook(self, args, kwargs)
        return out

    wrapper._hooked = True  # type: ignore[attr-defined]
    return wrapper


class Optimizer:
    """Base class of the optimizers: holds `param_groups` (dicts of params plus options) and
    `state` (per-parameter buffers, keyed by the parameter)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        step = cls.__dict__.get("step")
        if step is not None and not getattr(step, "_hooked", False):
            cls.step = _with_hooks(step)  # type: ignore[method-assign]

    def _step_pre_hooks(self) -> dict[int, Callable]:
        return self.__dict__.setdefault("_optimizer_step_pre_hooks", {})

    def _step_post_hooks(self) -> dict[int, Callable]:
        return self.__dict__.setdefault("_optimizer_step_post_hooks", {})

    def register_step_pre_hook(self, hook: Callable) -> _RemovableHandle:
        """hook(optimizer, args, kwargs) before this optimizer's step; it may return new
        (args, kwargs)."""
        return _add_hook(self._step_pre_hooks(), hook)

    def register_step_post_hook(self, hook: Callable) -> _RemovableHandle:
        """hook(optimizer, args, kwargs) after this optimizer's step."""
        return _add_hook(self._step_post_hooks(), hook)

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of "
                f"Tensors or dicts, but got {params.type()}"
            )
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own options (the defaults fill the others)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, "
                "but the ordering of tensors in sets will change between runs. Please "
                "use a list instead."
            )
        params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        params = [p[1] if isinstance(p, tuple) else p for p in params]
        param_group["params"] = params
        if names:
            if len(names) != len(params):
                raise ValueError(
                    "all optimizer params should be with/without names. Some param "
                    "names are missing"
                )
            param_group["param_names"] = names
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(
                    "optimizer can only optimize Tensors, but one of the params is "
                    f"{type(p).__name__}"
                )
            if not (p.is_leaf or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            param_group.setdefault(name, default)
        if len({id(p) for p in params}) != len(params):
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; in "
                "future, this will cause an error",
                stacklevel=user_stacklevel(),
            )
        existing = {id(p) for g in self.param_groups for p in g["params"]}
        if existing & {id(p) for p in params}:
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all optimized parameters: to None by default, else to zeros."""
        zero_grads((p for group in self.param_groups for p in group["params"]), set_to_none)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update the parameters once; `closure` re-evaluates the model and returns the loss."""
        raise NotImplementedError

    def _closure_loss(self, closure: Callable[[], Any] | None) -> Any:
        if closure is None:
            return None
        with enable_grad():
            return closure()

    def _params_with_grad(self, group: dict[str, Any]) -> Iterator[tuple[Tensor, np.ndarray]]:
        """The group's parameters that have a gradient, with the gradient's array (negated
        when the group maximizes). Each is about to be updated in place: its version counter is
        bumped, as torch's in-place update does, so a graph that saved it refuses to backward."""
        for p in group["params"]:
            if p.grad is not None:
                _version.bump(p._data)
                grad = p.grad._data
                yield p, -grad if group.get("maximize") else grad

    def _step_counter(self) -> Tensor:
        """A fresh `step` state entry: a 0-d float tensor, as torch's."""
        scalar = np.float64 if _dtype.get_default_dtype() == _dtype.float64 else np.float32
        return tensor(np.array(0.0, dtype=scalar))

    @staticmethod
    def _zeros_like(p: Tensor) -> Tensor:
        return zeros_like(p)

    # --- state_dict ----------------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """{'state': {index: {name: value}}, 'param_groups': [options with 'params': [indices]]}.

        Parameters are numbered in the order of the groups; state tensors are not copied.
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {index[id(p)] if isinstance(p, Tensor) else p: v for p, v in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load options and state saved by state_dict (from this framework or from torch: any
        array-like state value is accepted), casting state to each parameter's dtype."""
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(saved_groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(
            len(g["params"]) != len(s["params"])
            for g, s in zip(self.param_groups, saved_groups, strict=True)
        ):
            raise ValueError(
                "loaded state dict contains a parameter group that doesn't match "
                "the size of optimizer's group"
            )
        id_map = dict(
            zip(
                chain.from_iterable(g["params"] for g in saved_groups),
                chain.from_iterable(g["params"] for g in self.param_groups),
                strict=True,
            )
        )
        state: defaultdict[Any, dict[str, Any]] = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in id_map:
                param = id_map[key]
                state[param] = {k: _cast_state(param, k, v) for k, v in value.items()}
            else:
                state[key] = value
        for group, saved in zip(self.param_groups, saved_groups, strict=True):
            saved["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                saved["param_names"] = group["param_names"]
        self.state = state
        self.param_groups = saved_groups

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without a scheduler's wrapper of step (a local function), as torch's."""
        state = dict(self.__dict__)
        state.pop("step", None)
        state.pop("_opt_called", None)
        return state

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {group[k]}" for k in sorted(group) if k != "params"]
        return "\n".join(lines) + "\n)"


def _cast_state(param: Tensor, key: str, value: Any) -> Any:
    """One saved state value as the optimizer will hold it: tensors in the parameter's dtype,
    except 'step', which keeps its own. A tensor needing no cast is kept itself, not copied, as
    torch (an optimizer loaded from another's state_dict shares its buffers until it is saved
    and loaded again); arrays and foreign tensors become tensors of their own."""
    if value is None or isinstance(value, int | float | bool | str):
        return value
    if isinstance(value, Tensor) and (
        key == "step" or value._data.dtype.kind != "f" or value._data.dtype == param._data.dtype
    ):
        return value
    array = value._data if isinstance(value, Tensor) else np.asarray(value)
    if key != "step" and array.dtype.kind == "f":
        array = array.astype(param._data.dtype)
    return tensor(np.array(array))


def lerp_(start: np.ndarray, end: np.ndarray, weight: float) -> None:
    """start += weight * (end - start), in place, in torch.lerp's two-sided form (exact at both
    ends)."""
    if weight < 0.5:
        start += weight * (end - start)
    else:
        start[...] = end - (end - start) * (1 - weight)
