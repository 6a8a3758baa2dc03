"""Fuzz specs from one `str.format` template: `op(key, template, ...)` registers an op with the
values it accepts, the params it draws and where its arguments must lie, plus the small
predicates and domains the catalogue's tables (table_catalogue.py, table_reduce.py,
table_vision.py) share.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from .specs import (
    MARGIN,
    RENDERERS,
    SPECS,
    Drawn,
    Params,
    Pool,
    Spec,
    Value,
    broadcastable,
)

F = "T.nn.functional"

Pred = Callable[[Value], bool]
Draw = Callable[[Pool, Value], Params | None]
Domain = Callable[[list[torch.Tensor], Params], bool]


def op(
    key: str,
    template: str,
    *,
    arity: int = 1,
    pred: Pred | None = None,
    params: Draw | None = None,
    domain: Domain | None = None,
    pair: Callable[[Value, Value], bool] | None = None,
    torch_name: str | None = None,
) -> None:
    """Register op `key`: `template` rendered with a, b, c (the arguments) and the params."""
    names = ("a", "b", "c")

    def render(args: list[str], p: Params) -> str:
        return template.format(**dict(zip(names, args, strict=False)), **p)

    def draw(pool: Pool) -> Drawn:
        a = pool.pick(pred)
        if a is None:
            return None
        args = [a]
        for _ in range(arity - 1):
            fits = pair or broadcastable
            b = pool.pick(lambda v, fits=fits: fits(a, v))
            if b is None:
                return None
            args.append(b)
        drawn = params(pool, a) if params is not None else {}
        if drawn is None:
            return None
        return tuple(v.name for v in args), drawn

    RENDERERS[key] = render
    SPECS[key] = Spec(key, torch_name or key, draw, render, domain)


def on(check: Callable[[torch.Tensor], bool]) -> Domain:
    """A domain on the first argument alone."""
    return lambda ts, p: check(ts[0])


def distinct(t: torch.Tensor, dim: int | None = None) -> bool:
    """No two elements (along `dim`, or anywhere) closer than MARGIN: no ties, no kinks."""
    if t.numel() < 2:
        return True
    s = t.flatten().sort().values if dim is None or t.dim() == 0 else t.sort(dim=dim).values
    d = s.diff() if dim is None or t.dim() == 0 else s.diff(dim=dim)
    return d.numel() == 0 or bool((d > MARGIN).all())


def dim_of(pool: Pool, v: Value) -> Params:
    return {"dim": pool.dim(v) if v.ndim else 0}


def same_shape(a: Value, b: Value) -> bool:
    return a.shape == b.shape


nd = lambda k: lambda v: v.ndim >= k  # noqa: E731 - a tiny predicate factory
nonempty = lambda k: lambda v: v.ndim >= k and 0 not in v.shape  # noqa: E731
