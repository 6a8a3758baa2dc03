"""Fuzzed catalogue ops (issue 13's families), pointwise and layout: trigonometry, arithmetic,
more activations, scans, sorting and order statistics, layout (the reductions and contractions
are in table_reduce.py).

Each op is one template (`str.format` over the argument names `a`, `b`, `c` and the drawn params,
see template.py) with the values it accepts, the params it draws and where its arguments must lie.
Ops whose gradient has kinks (sorting, |x|) keep their arguments `distinct` or `away` from the
kinks, so that float64 finite differences can judge a disagreement.
"""

from __future__ import annotations

import torch

from .specs import (
    Params,
    Pool,
    Value,
    above,
    away,
    below,
)
from .template import Domain, F, dim_of, distinct, nd, nonempty, on, op, same_shape

# ---- trigonometry and friends ----

for _name, _check in {
    "sinh": lambda t: below(t.abs(), 3.0),
    "cosh": lambda t: below(t.abs(), 3.0),
    "asinh": None,
    "atan": None,
    "asin": lambda t: below(t.abs(), 0.9),
    "acos": lambda t: below(t.abs(), 0.9),
    "atanh": lambda t: below(t.abs(), 0.9),
    "exp2": lambda t: below(t, 5.0),
    "log10": lambda t: above(t, 0.05),
    "sinc": None,
    "deg2rad": None,
    "rad2deg": None,
}.items():
    op(_name, f"T.{_name}({{a}})", domain=None if _check is None else on(_check))
op("acosh", "T.acosh({a} * {a} + 1.1)")

# ---- arithmetic ----

op(
    "atan2",
    "T.atan2({a}, {b})",
    arity=2,
    domain=lambda ts, p: above(ts[0].abs() + ts[1].abs(), 0.1),
)
op("hypot", "T.hypot({a}, {b})", arity=2, domain=lambda ts, p: above(ts[0] ** 2 + ts[1] ** 2, 0.01))
op("logaddexp", "T.logaddexp({a}, {b})", arity=2)
op("logaddexp2", "T.logaddexp2({a}, {b})", arity=2)
op("xlogy", "T.xlogy({a}, {b})", arity=2, domain=lambda ts, p: above(ts[1], 0.05))
op(
    "copysign",
    "T.copysign({a}, {b})",
    arity=2,
    domain=lambda ts, p: away(ts[0], 0.0) and away(ts[1], 0.0),
)
op(
    "lerp",
    "T.lerp({a}, {b}, {w!r})",
    arity=2,
    params=lambda pool, v: {"w": pool.choice((0.25, 0.5, 1.5))},
)
op(
    "addcmul",
    "T.addcmul({a}, {b}, {c}, value={value!r})",
    arity=3,
    params=lambda pool, v: {"value": pool.choice((1.0, -0.5, 2.0))},
)
op(
    "addcdiv",
    "T.addcdiv({a}, {b}, {c}, value={value!r})",
    arity=3,
    params=lambda pool, v: {"value": pool.choice((1.0, -0.5))},
    domain=lambda ts, p: away(ts[2], 0.0, 0.2),
)


def _not_near_multiple(ts: list[torch.Tensor], p: Params) -> bool:
    q = ts[0] / p["d"]
    return away(q, torch.round(q), 0.01)


for _name in ("remainder", "fmod"):
    op(
        _name,
        f"T.{_name}({{a}}, {{d!r}})",
        params=lambda pool, v: {"d": pool.choice((0.7, -0.6, 1.5))},
        domain=_not_near_multiple,
    )
op(
    "frac",
    "T.frac({a})",
    domain=on(lambda t: away(t, torch.round(t), 0.01)),
)
op("trunc", "T.trunc({a})", domain=on(lambda t: away(t, torch.round(t), 0.01)))
op(
    "float_power",
    "T.float_power({a}, {e!r})",
    params=lambda pool, v: {"e": pool.choice((2, 3, 2.0))},
)
for _name in ("clamp_min", "clamp_max"):
    op(
        _name,
        f"T.{_name}({{a}}, {{bound!r}})",
        params=lambda pool, v: {"bound": pool.choice((0.0, 0.3, -0.5))},
        domain=lambda ts, p: away(ts[0], p["bound"]),
    )

# ---- more activations ----

_kinks: dict[str, tuple[str, tuple[float, ...]]] = {
    "hardtanh": ("", (-1.0, 1.0)),
    "relu6": ("", (0.0, 6.0)),
    "hardswish": ("", (-3.0, 3.0)),
    "hardsigmoid": ("", (-3.0, 3.0)),
    "selu": ("", (0.0,)),
    "celu": (", alpha=0.5", (0.0,)),
    "softsign": ("", (0.0,)),
    "hardshrink": (", lambd=0.5", (-0.5, 0.5)),
    "softshrink": (", lambd=0.3", (-0.3, 0.3)),
    "threshold": (", 0.2, -1.0", (0.2,)),
    "rrelu": (", training=False", (0.0,)),
    "mish": ("", ()),
    "logsigmoid": ("", ()),
    "tanhshrink": ("", ()),
}


def _away_all(points: tuple[float, ...]) -> Domain:
    return on(lambda t: all(away(t, x) for x in points))


for _name, (_extra, _points) in _kinks.items():
    op(_name, f"{F}.{_name}({{a}}{_extra})", domain=_away_all(_points))
op("softmin", F + ".softmin({a}, dim={dim})", params=dim_of)


def _glu_dim(pool: Pool, v: Value) -> Params | None:
    even = [d for d, s in enumerate(v.shape) if s % 2 == 0 and s > 0]
    return None if not even else {"dim": pool.choice(even)}


op("glu", F + ".glu({a}, dim={dim})", pred=nd(1), params=_glu_dim)

# ---- scans ----

for _name in ("cumsum", "cumprod", "logcumsumexp"):
    op(_name, f"T.{_name}({{a}}, dim={{dim}})", params=dim_of)
for _name in ("cummax", "cummin"):
    op(
        _name,
        f"T.{_name}({{a}}, dim={{dim}}).values",
        params=dim_of,
        domain=lambda ts, p: distinct(ts[0], p["dim"]),
    )

# ---- sorting and order statistics ----


def _dim_distinct(ts: list[torch.Tensor], p: Params) -> bool:
    return distinct(ts[0], p.get("dim"))


op(
    "sort",
    "T.sort({a}, dim={dim}, descending={descending!r}).values",
    params=lambda pool, v: {**dim_of(pool, v), "descending": pool.chance(0.5)},
    domain=_dim_distinct,
)
op("msort", "T.msort({a})", pred=nd(1), domain=lambda ts, p: distinct(ts[0], 0))


def _k_of(pool: Pool, v: Value) -> Params | None:
    d = pool.dim(v) if v.ndim else 0
    size = v.shape[d] if v.ndim else 1
    if size == 0:
        return None
    return {"dim": d, "k": pool.integer(1, size), "largest": pool.chance(0.5)}


op(
    "topk",
    "T.topk({a}, {k}, dim={dim}, largest={largest!r}).values",
    params=_k_of,
    domain=_dim_distinct,
)
op(
    "kthvalue",
    "T.kthvalue({a}, {k}, dim={dim}).values",
    params=_k_of,
    domain=_dim_distinct,
)
op(
    "median",
    "T.median({a}, dim={dim}).values",
    params=dim_of,
    pred=nonempty(0),
    domain=_dim_distinct,
)
op(
    "quantile",
    "T.quantile({a}, {q!r}, dim={dim})",
    pred=nonempty(1),
    params=lambda pool, v: {"q": pool.choice((0.25, 0.5, 0.9)), "dim": pool.dim(v)},
    domain=_dim_distinct,
)

# ---- layout ----


def _reps(pool: Pool, v: Value) -> Params:
    return {"reps": tuple(pool.integer(1, 2) for _ in range(max(v.ndim, pool.integer(1, 2))))}


op("repeat", "{a}.repeat{reps!r}", params=_reps)
op("tile", "T.tile({a}, {reps!r})", params=_reps)
op(
    "repeat_interleave",
    "T.repeat_interleave({a}, {n}, dim={dim})",
    pred=nd(1),
    params=lambda pool, v: {"n": pool.integer(1, 3), "dim": pool.dim(v)},
)


def _some_dims(pool: Pool, v: Value) -> Params:
    k = pool.integer(1, v.ndim)
    return {"dims": tuple(int(d) for d in pool.rng.choice(v.ndim, size=k, replace=False))}


op("flip", "T.flip({a}, {dims!r})", pred=nd(1), params=_some_dims)
op("fliplr", "T.fliplr({a})", pred=nd(2))
op("flipud", "T.flipud({a})", pred=nd(1))
op(
    "roll",
    "T.roll({a}, {shift}, {dim})",
    pred=nd(1),
    params=lambda pool, v: {"shift": pool.integer(-3, 3), "dim": pool.dim(v)},
)
op(
    "rot90",
    "T.rot90({a}, {k}, {dims!r})",
    pred=nd(2),
    params=lambda pool, v: {
        "k": pool.integer(-1, 3),
        "dims": tuple(int(d) for d in pool.rng.choice(v.ndim, size=2, replace=False)),
    },
)
op(
    "movedim",
    "T.movedim({a}, {src}, {dst})",
    pred=nd(1),
    params=lambda pool, v: {"src": pool.dim(v), "dst": pool.dim(v)},
)


def _unflatten(pool: Pool, v: Value) -> Params | None:
    d = pool.dim(v)
    n = v.shape[d]
    splits = [k for k in range(1, n + 1) if n % k == 0]
    if n == 0:
        return None
    k = pool.choice(splits)
    return {"dim": d, "sizes": (k, n // k) if pool.chance(0.7) else (-1, k)}


op("unflatten", "T.unflatten({a}, {dim}, {sizes!r})", pred=nd(1), params=_unflatten)
for _name in ("atleast_1d", "atleast_2d", "atleast_3d"):
    op(_name, f"T.{_name}({{a}})")
op("contiguous", "{a}.mT.contiguous()", pred=nd(2))
op("view_as", "{a}.reshape(-1).view_as({b})", arity=2, pair=lambda a, b: a.t.numel() == b.t.numel())
for _name, _need in (("hstack", 1), ("vstack", 0), ("dstack", 0), ("column_stack", 0)):
    op(_name, f"T.{_name}(({{a}}, {{b}}))", arity=2, pred=nd(_need), pair=same_shape)
op(
    "tensor_split",
    "T.tensor_split({a}, {n}, dim={dim})[{i}]",
    pred=nd(1),
    params=lambda pool, v: {"n": pool.integer(1, 3), "dim": pool.dim(v), "i": 0},
)
