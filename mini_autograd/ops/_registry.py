"""The op table: every public op registers here once, which places it under torch's names.

`@register()` makes a function `mini_autograd.<name>` and (with `method=True`) `Tensor.<name>`;
`functional=True` also puts it in `mini_autograd.nn.functional`. `method` may instead be the
function to bind when torch's method takes its arguments in another order (`x.where(cond, y)`),
and `prop=True` makes it a Tensor property (`x.T`). The README's list of supported ops is
generated from this table (`python -m mini_autograd.ops`).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .._tensor import Tensor

F = TypeVar("F", bound=Callable[..., object])


@dataclass
class OpInfo:
    """Where one op lives: torch.X (`top`), Tensor.X (`method`/`prop`), F.X (`functional`)."""

    name: str
    fn: Callable[..., object]
    family: str
    top: bool
    method: bool
    functional: bool
    aliases: tuple[str, ...] = field(default=())
    dunders: tuple[str, ...] = field(default=())
    prop: bool = False


OPS: dict[str, OpInfo] = {}


# numpy's spellings that torch's argument parser also accepts: x.sum(axis=0, keepdims=True)
_NUMPY_NAMES = {"axis": "dim", "keepdims": "keepdim"}


def _numpy_names(fn: F) -> F:
    """fn, accepting axis= for dim= and keepdims= for keepdim= where it takes those."""
    params = inspect.signature(fn).parameters
    if "dim" not in params and "keepdim" not in params:
        return fn

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if kwargs and ("axis" in kwargs or "keepdims" in kwargs):
            for alias, name in _NUMPY_NAMES.items():
                if alias in kwargs:
                    if name in kwargs:
                        raise TypeError(f"{fn.__name__}() got both '{alias}' and '{name}'")
                    kwargs[name] = kwargs.pop(alias)
        return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def register(
    name: str | None = None,
    *,
    top: bool = True,
    method: bool | Callable[..., object] = True,
    functional: bool = False,
    aliases: tuple[str, ...] = (),
    dunders: tuple[str, ...] = (),
    prop: bool = False,
) -> Callable[[F], F]:
    """Declare a public op: where torch has it (torch.X, Tensor.X, F.X) and its operator dunders."""

    def deco(raw: F) -> F:
        op_name = name or raw.__name__.rstrip("_")
        # users get axis=/keepdims= too; the ops calling each other inside keep the raw function
        fn = _numpy_names(raw)
        if op_name in OPS:
            raise RuntimeError(f"op {op_name!r} registered twice")
        family = fn.__module__.rsplit(".", 1)[-1]
        bound = fn if method is True else _numpy_names(method) if callable(method) else method
        OPS[op_name] = OpInfo(
            op_name, fn, family, top, bool(method) or prop, functional, aliases, dunders, prop
        )
        if prop:
            setattr(Tensor, op_name, property(fn, doc=fn.__doc__))
        elif method:
            for n in (op_name, *aliases):
                setattr(Tensor, n, bound)
        for d in dunders:
            setattr(Tensor, d, raw)
        return raw

    return deco


def top_level() -> dict[str, Callable[..., object]]:
    """The ops that live at `mini_autograd.<name>` (and their aliases)."""
    out: dict[str, Callable[..., object]] = {}
    for info in OPS.values():
        if info.top:
            out[info.name] = info.fn
            for a in info.aliases:
                out[a] = info.fn
    return out


def functional() -> dict[str, Callable[..., object]]:
    """The ops that live at `mini_autograd.nn.functional.<name>`."""
    return {info.name: info.fn for info in OPS.values() if info.functional}
