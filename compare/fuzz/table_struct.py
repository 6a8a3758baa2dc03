"""Fuzzed structural ops: shape ops, joins and splits, conversions and matrix products."""

from __future__ import annotations

import math

import torch

from .specs import RENDERERS, SPECS, Drawn, Params, Pool, Spec, Value, renders, spec


def _simple(key: str, torch_name: str, render, draw, domain=None, named_by=None) -> None:
    RENDERERS[key] = render
    SPECS[key] = Spec(key, torch_name, draw, render, domain, named_by)


# ---- shape ops ----


def _factor(pool: Pool, n: int) -> tuple[int, ...]:
    """A random shape with n elements and 1-3 dims (one of them -1 sometimes)."""
    if n == 0:
        return pool.choice(((0,), (0, pool.integer(1, 3)), (pool.integer(1, 3), 0)))
    dims, rest = [], n
    for _ in range(pool.integer(0, 2)):
        divisors = [d for d in range(1, rest + 1) if rest % d == 0]
        d = pool.choice(divisors)
        dims.append(d)
        rest //= d
    dims.append(rest)
    order = [int(i) for i in pool.rng.permutation(len(dims))]
    dims = [dims[i] for i in order]
    if pool.chance(0.3):
        dims[pool.integer(0, len(dims) - 1)] = -1
    return tuple(dims)


@renders("reshape")
def _render_reshape(args: list[str], p: Params) -> str:
    how = "view" if p.get("view") else "reshape"
    return (
        f"{args[0]}.{how}{p['shape']!r}"
        if len(p["shape"]) > 1
        else f"{args[0]}.{how}({p['shape'][0]!r})"
    )


@spec("reshape")
def _draw_reshape(pool: Pool) -> Drawn:
    v = pool.pick()
    if v is None:
        return None
    return (v.name,), {"shape": _factor(pool, v.t.numel()), "view": pool.chance(0.3)}


_simple(
    "flatten",
    "flatten",
    lambda a, p: f"T.flatten({a[0]}, {p['start']}, {p['end']})",
    lambda pool: (lambda v: None if v is None else ((v.name,), _span(pool, v)))(pool.pick()),
)


def _span(pool: Pool, v: Value) -> Params:
    n = max(v.ndim, 1)
    start = pool.integer(0, n - 1)
    return {"start": start, "end": pool.integer(start, n - 1) - (n if pool.chance(0.3) else 0)}


def _draw_squeeze(pool: Pool) -> Drawn:
    v = pool.pick()
    if v is None:
        return None
    ones = [d for d, s in enumerate(v.shape) if s == 1]
    if ones and pool.chance(0.7):
        return (v.name,), {"dim": pool.choice(ones)}
    return (v.name,), {}


_simple(
    "squeeze",
    "squeeze",
    lambda a, p: f"{a[0]}.squeeze({p['dim']})" if "dim" in p else f"{a[0]}.squeeze()",
    _draw_squeeze,
)
_simple(
    "unsqueeze",
    "unsqueeze",
    lambda a, p: f"T.unsqueeze({a[0]}, {p['dim']})",
    lambda pool: (
        lambda v: None if v is None else ((v.name,), {"dim": pool.integer(-v.ndim - 1, v.ndim)})
    )(pool.pick()),
)


def _draw_transpose(pool: Pool) -> Drawn:
    v = pool.pick(lambda v: v.ndim >= 2)
    if v is None:
        return None
    d0, d1 = (int(d) for d in pool.rng.choice(v.ndim, size=2, replace=False))
    return (v.name,), {"dims": (d0, d1), "method": pool.chance(0.5)}


_simple(
    "transpose",
    "transpose",
    lambda a, p: (
        f"{a[0]}.transpose{p['dims']!r}"
        if p.get("method")
        else f"T.transpose({a[0]}, {p['dims'][0]}, {p['dims'][1]})"
    ),
    _draw_transpose,
)


def _draw_permute(pool: Pool) -> Drawn:
    v = pool.pick(lambda v: v.ndim >= 2)
    if v is None:
        return None
    return (v.name,), {"dims": tuple(int(d) for d in pool.rng.permutation(v.ndim))}


_simple("permute", "permute", lambda a, p: f"{a[0]}.permute{p['dims']!r}", _draw_permute)
_simple(
    "t",
    "t",
    lambda a, p: f"{a[0]}.t()",
    lambda pool: (lambda v: None if v is None else ((v.name,), {}))(
        pool.pick(lambda v: v.ndim <= 2)
    ),
)
_simple(
    "mT",
    "mT",
    lambda a, p: f"{a[0]}.mT",
    lambda pool: (lambda v: None if v is None else ((v.name,), {}))(
        pool.pick(lambda v: v.ndim >= 2)
    ),
)


def _draw_expand(pool: Pool) -> Drawn:
    v = pool.pick()
    if v is None:
        return None
    sizes = [pool.choice((2, 3)) if s == 1 and pool.chance(0.6) else -1 for s in v.shape]
    lead = [pool.choice((1, 2, 3))] if pool.chance(0.4) or not sizes else []
    shape = tuple(lead + sizes)
    if pool.chance(0.5):
        shape = tuple(lead + [s if s != -1 else v.shape[i] for i, s in enumerate(sizes)])
        return (v.name,), {"shape": shape, "broadcast": True}
    return (v.name,), {"shape": shape}


_simple(
    "expand",
    "expand",
    lambda a, p: (
        f"T.broadcast_to({a[0]}, {p['shape']!r})"
        if p.get("broadcast")
        else f"{a[0]}.expand{p['shape']!r}"
        if len(p["shape"]) > 1
        else f"{a[0]}.expand({p['shape'][0]})"
    ),
    _draw_expand,
)


def _draw_sum_to_size(pool: Pool) -> Drawn:
    v = pool.pick(lambda v: v.ndim >= 1)
    if v is None:
        return None
    keep = v.ndim - pool.integer(0, v.ndim - 1)
    shape = tuple(s if pool.chance(0.5) else 1 for s in v.shape[v.ndim - keep :])
    return (v.name,), {"shape": shape}


_simple(
    "sum_to_size",
    "sum_to_size",
    lambda a, p: (
        f"{a[0]}.sum_to_size{p['shape']!r}"
        if len(p["shape"]) > 1
        else f"{a[0]}.sum_to_size({p['shape'][0]})"
    ),
    _draw_sum_to_size,
)


def _expands_to(shape: tuple[int, ...], target: tuple[int, ...]) -> bool:
    if len(shape) > len(target):
        return False
    return all(x == y or x == 1 for x, y in zip(shape[::-1], target[::-1], strict=False))


def _draw_expand_as(pool: Pool) -> Drawn:
    v = pool.pick()
    w = v and pool.pick(lambda w: w is not v and _expands_to(v.shape, w.shape))
    return None if w is None else ((v.name, w.name), {})


_simple("expand_as", "expand_as", lambda a, p: f"{a[0]}.expand_as({a[1]})", _draw_expand_as)


# ---- join and split ----


def _draw_join(pool: Pool, stack: bool) -> Drawn:
    a = pool.pick(lambda v: v.ndim >= (0 if stack else 1))
    if a is None:
        return None
    d = pool.integer(0, a.ndim) if stack else pool.dim(a)

    def fits(b: Value) -> bool:
        if b.ndim != a.ndim:
            return False
        return all(
            x == y or (not stack and i == d % a.ndim)
            for i, (x, y) in enumerate(zip(a.shape, b.shape, strict=False))
        )

    b = pool.pick(fits)
    others = [b.name] if b is not None else [a.name]
    if pool.chance(0.3):
        others.append(a.name)
    return (a.name, *others), {"dim": d}


_simple(
    "cat",
    "cat",
    lambda a, p: f"T.cat([{', '.join(a)}], dim={p['dim']})",
    lambda pool: _draw_join(pool, False),
)
_simple(
    "stack",
    "stack",
    lambda a, p: f"T.stack([{', '.join(a)}], dim={p['dim']})",
    lambda pool: _draw_join(pool, True),
)


def _draw_split(pool: Pool) -> Drawn:
    v = pool.pick(lambda v: v.ndim >= 1)
    if v is None:
        return None
    d = pool.dim(v)
    size = v.shape[d]
    how = pool.choice(("split", "chunk", "unbind"))
    if how == "unbind":
        return (
            None
            if size == 0
            else ((v.name,), {"how": how, "dim": d, "k": pool.integer(0, size - 1)})
        )
    n = pool.integer(1, max(size, 1))
    pieces = math.ceil(size / n) if size else 1
    return (v.name,), {"how": how, "n": n, "dim": d, "k": pool.integer(0, max(pieces - 1, 0))}


def _render_split(a: list[str], p: Params) -> str:
    if p["how"] == "unbind":
        return f"{a[0]}.unbind({p['dim']})[{p['k']}]"
    if p["how"] == "chunk":
        return f"T.chunk({a[0]}, {p['n']}, dim={p['dim']})[{p['k']}]"
    return f"T.split({a[0]}, {p['n']}, dim={p['dim']})[{p['k']}]"


_simple("split", "split", _render_split, _draw_split, named_by="how")


# ---- conversions ----


def _draw_convert(pool: Pool) -> Drawn:
    v = pool.pick()
    if v is None:
        return None
    how = pool.choice(("clone", "double", "to", "type_as"))
    if how == "type_as":
        w = pool.pick()
        return (v.name, w.name), {"how": how}
    return (v.name,), {"how": how}


def _render_convert(a: list[str], p: Params) -> str:
    how = p["how"]
    if how == "type_as":
        return f"{a[0]}.type_as({a[1]})"
    if how == "to":
        return f"{a[0]}.to(T.float64)"
    if how == "clone":
        return f"T.clone({a[0]})"
    return f"{a[0]}.{how}()"


_simple("convert", "clone", _render_convert, _draw_convert, named_by="how")


# ---- matrix products ----


def _matmul_ok(a: Value, b: Value) -> bool:
    if a.ndim == 0 or b.ndim == 0:
        return False
    try:
        torch.matmul(torch.empty(a.shape), torch.empty(b.shape))
    except RuntimeError:
        return False
    return True


def _draw_matmul(pool: Pool) -> Drawn:
    a = pool.pick(lambda v: v.ndim >= 1)
    if a is None:
        return None
    b = pool.pick(lambda b: _matmul_ok(a, b))
    if b is not None:
        return (a.name, b.name), {"how": pool.choice(("op", "matmul"))}
    if a.ndim >= 2:
        return (a.name, a.name), {"how": "gram"}
    return None


def _render_matmul(a: list[str], p: Params) -> str:
    how = p["how"]
    if how == "gram":
        return f"({a[0]} @ {a[1]}.mT)"
    if how == "op":
        return f"({a[0]} @ {a[1]})"
    return f"T.matmul({a[0]}, {a[1]})"


_simple("matmul", "matmul", _render_matmul, _draw_matmul)


def _draw_named(pool: Pool) -> Drawn:
    name = pool.choice(("mm", "bmm", "dot", "outer"))
    ndim = {"mm": 2, "bmm": 3, "dot": 1, "outer": 1}[name]
    a = pool.pick(lambda v: v.ndim == ndim)
    if a is None:
        return None

    def fits(b: Value) -> bool:
        if b.ndim != ndim:
            return False
        if name == "mm":
            return b.shape[0] == a.shape[1]
        if name == "bmm":
            return b.shape[0] == a.shape[0] and b.shape[1] == a.shape[2]
        return name == "outer" or b.shape == a.shape

    b = pool.pick(fits)
    return None if b is None else ((a.name, b.name), {"name": name})


_simple(
    "products", "mm", lambda a, p: f"T.{p['name']}({a[0]}, {a[1]})", _draw_named, named_by="name"
)


def _draw_linear(pool: Pool) -> Drawn:
    x = pool.pick(lambda v: v.ndim >= 1)
    w = x and pool.pick(lambda w: w.ndim == 2 and w.shape[1] == x.shape[-1])
    if w is None:
        return None
    b = pool.pick(lambda b: b.ndim == 1 and b.shape[0] == w.shape[0]) if pool.chance(0.6) else None
    return (x.name, w.name) + ((b.name,) if b else ()), {}


_simple("linear", "linear", lambda a, p: f"T.nn.functional.linear({', '.join(a)})", _draw_linear)
