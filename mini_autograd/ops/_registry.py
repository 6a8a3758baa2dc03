"""The op table: every public op registers here once, which places it under torch's names.

`@register()` makes a function `mini_autograd.<name>` and (with `method=True`) `Tensor.<name>`;
`functional=True` also puts it in `mini_autograd.nn.functional`. The README's list of supported ops
is generated from this table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from .._tensor import Tensor

F = TypeVar("F", bound=Callable[..., object])


@dataclass
class OpInfo:
    name: str
    fn: Callable[..., object]
    family: str
    top: bool
    method: bool
    functional: bool
    aliases: tuple[str, ...] = field(default=())


OPS: dict[str, OpInfo] = {}


def register(
    name: str | None = None,
    *,
    top: bool = True,
    method: bool = True,
    functional: bool = False,
    aliases: tuple[str, ...] = (),
    dunders: tuple[str, ...] = (),
) -> Callable[[F], F]:
    """Declare a public op: where torch has it (torch.X, Tensor.X, F.X) and its operator dunders."""

    def deco(fn: F) -> F:
        op_name = name or fn.__name__.rstrip("_")
        family = fn.__module__.rsplit(".", 1)[-1]
        OPS[op_name] = OpInfo(op_name, fn, family, top, method, functional, aliases)
        if method:
            for n in (op_name, *aliases):
                setattr(Tensor, n, fn)
        for d in dunders:
            setattr(Tensor, d, fn)
        return fn

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
