"""Fuzzed catalogue ops (issue 13's families): trigonometry, arithmetic, more activations, scans,
sorting, layout, diagonals, statistics, products, einsum, distances and more losses.

Each op is one template (`str.format` over the argument names `a`, `b`, `c` and the drawn params)
with the values it accepts, the params it draws and where its arguments must lie. Ops whose
gradient has kinks (sorting, pooling maxima, |x|) keep their arguments `distinct` or `away` from
the kinks, so that float64 finite differences can judge a disagreement.
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
    above,
    away,
    below,
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

# ---- diagonals and triangles ----


def _narrow(pool: Pool, v: Value) -> Params | None:
    d = pool.dim(v)
    n = v.shape[d]
    start = pool.integer(0, n)
    return {"dim": d, "start": start, "length": pool.integer(0, n - start)}


op("narrow", "T.narrow({a}, {dim}, {start}, {length})", pred=nd(1), params=_narrow)
op(
    "select",
    "T.select({a}, {dim}, {index})",
    pred=nonempty(1),
    params=lambda pool, v: (
        lambda d: {"dim": d, "index": pool.integer(-v.shape[d], v.shape[d] - 1)}
    )(pool.dim(v)),
)


def _two_dims(pool: Pool, v: Value) -> Params:
    d1, d2 = (int(d) for d in pool.rng.choice(v.ndim, size=2, replace=False))
    return {"offset": pool.integer(-1, 1), "d1": d1, "d2": d2}


op("diagonal", "T.diagonal({a}, {offset}, {d1}, {d2})", pred=nd(2), params=_two_dims)
op(
    "diag_embed",
    "T.diag_embed({a}, {offset})",
    pred=nd(1),
    params=lambda pool, v: {"offset": pool.integer(-1, 1)},
)
op(
    "diag",
    "T.diag({a}, {offset})",
    pred=lambda v: v.ndim in (1, 2),
    params=lambda pool, v: {"offset": pool.integer(-1, 1)},
)
for _name in ("tril", "triu"):
    op(
        _name,
        f"T.{_name}({{a}}, {{k}})",
        pred=nd(2),
        params=lambda pool, v: {"k": pool.integer(-1, 1)},
    )
op("trace", "T.trace({a})", pred=lambda v: v.ndim == 2)

# ---- statistics ----

op("nansum", "T.nansum({a}, dim={dim})", pred=nd(1), params=lambda pool, v: {"dim": pool.dim(v)})
op("nanmean", "T.nanmean({a}, dim={dim})", pred=nd(1), params=lambda pool, v: {"dim": pool.dim(v)})


def _spread(ts: list[torch.Tensor], p: Params) -> bool:
    t = ts[0]
    return t.numel() == 0 or bool((t.var(dim=p["dim"], correction=0) > 1e-3).all())


for _name, _i in (("var_mean", 0), ("var_mean", 1), ("std_mean", 0), ("std_mean", 1)):
    op(
        f"{_name}{_i}",
        f"T.{_name}({{a}}, dim={{dim}})[{_i}]",
        pred=nonempty(1),
        params=lambda pool, v: {"dim": pool.dim(v)},
        domain=_spread,
        torch_name=_name,
    )


def _rows_spread(ts: list[torch.Tensor], p: Params) -> bool:
    t = ts[0]
    return t.shape[-1] >= 2 and bool((t.var(dim=-1) > 1e-2).all())


op("cov", "T.cov({a})", pred=lambda v: v.ndim == 2 and v.shape[1] >= 2)
op(
    "corrcoef",
    "T.corrcoef({a})",
    pred=lambda v: v.ndim == 2 and v.shape[1] >= 2,
    domain=_rows_spread,
)

# ---- matrix products ----

mat = lambda v: v.ndim == 2 and 0 not in v.shape  # noqa: E731
op(
    "addmm",
    "T.addmm({a} @ {a}.mT, {a}, {a}.mT, beta={beta!r}, alpha={alpha!r})",
    pred=mat,
    params=lambda pool, v: {"beta": pool.choice((1.0, 0.5)), "alpha": pool.choice((1.0, -2.0))},
)
op("addmv", "T.addmv({a}[:, 0], {a}, {a}[0])", pred=mat)
op("mv", "T.mv({a}, {a}[0])", pred=mat)
op("baddbmm", "T.baddbmm({a} @ {a}.mT, {a}, {a}.mT, alpha=0.5)", pred=lambda v: v.ndim == 3)
op("addbmm", "T.addbmm(({a} @ {a}.mT).sum(0), {a}, {a}.mT)", pred=lambda v: v.ndim == 3)
op(
    "matrix_power",
    "T.matrix_power({a}, {n})",
    pred=lambda v: v.ndim >= 2 and v.shape[-1] == v.shape[-2],
    params=lambda pool, v: {"n": pool.integer(0, 3)},
)
op(
    "cross",
    "T.linalg.cross({a}, {b}, dim={dim})",
    arity=2,
    pred=lambda v: 3 in v.shape,
    pair=same_shape,
    params=lambda pool, v: {"dim": pool.choice([d for d, s in enumerate(v.shape) if s == 3])},
    torch_name="cross",
)

# ---- einsum, tensordot, kron ----

_EQUATIONS = {
    1: ("i->", "i->i"),
    2: ("ij->ji", "ij->j", "ij->", "ij,ij->i", "ij,kj->ik", "ij,ij->"),
    3: ("bij->bji", "bij,bkj->bik", "...j->...", "bij->j"),
}


def _einsum(pool: Pool, v: Value) -> Params | None:
    options = _EQUATIONS.get(v.ndim)
    if not options:
        return None
    eq = pool.choice(options)
    return {"eq": eq, "two": "," in eq}


def _render_einsum(args: list[str], p: Params) -> str:
    ops = f"{args[0]}, {args[0]} * 0.5 + 1" if p["two"] else args[0]
    return f"T.einsum({p['eq']!r}, {ops})"


RENDERERS["einsum"] = _render_einsum
SPECS["einsum"] = Spec(
    "einsum",
    "einsum",
    lambda pool: (
        lambda v: (
            None
            if v is None
            else (lambda d: None if d is None else ((v.name,), d))(_einsum(pool, v))
        )
    )(pool.pick(lambda v: 1 <= v.ndim <= 3)),
    _render_einsum,
)
op(
    "tensordot",
    "T.tensordot({a}, {b}, dims=1)",
    arity=2,
    pred=nd(1),
    pair=lambda a, b: b.ndim >= 1 and b.shape[0] == a.shape[-1],
)
op(
    "kron",
    "T.kron({a}, {b})",
    arity=2,
    pred=lambda v: v.t.numel() <= 16,
    pair=lambda a, b: b.t.numel() <= 16,
)

# ---- distances and normalisation ----


def _norm_away(ts: list[torch.Tensor], p: Params) -> bool:
    t = ts[0]
    return t.numel() == 0 or bool((t.norm(dim=p["dim"]) > 0.1).all())


op(
    "normalize",
    F + ".normalize({a}, dim={dim})",
    pred=nd(1),
    params=lambda pool, v: {"dim": pool.dim(v)},
    domain=_norm_away,
)


def _both_away(ts: list[torch.Tensor], p: Params) -> bool:
    a, b = torch.broadcast_tensors(ts[0], ts[1])
    if a.numel() == 0:
        return True
    return bool((a.norm(dim=p["dim"]) > 0.1).all() and (b.norm(dim=p["dim"]) > 0.1).all())


op(
    "cosine_similarity",
    F + ".cosine_similarity({a}, {b}, dim={dim})",
    arity=2,
    pred=nd(1),
    pair=lambda a, b: b.ndim == a.ndim and broadcastable(a, b),
    params=lambda pool, v: {"dim": pool.dim(v)},
    domain=_both_away,
)


def _apart(ts: list[torch.Tensor], p: Params) -> bool:
    a, b = ts[0], ts[1] if len(ts) > 1 else ts[0]
    if a.numel() == 0 or b.numel() == 0:
        return True
    d = torch.cdist(a, b)
    if len(ts) == 1:  # pdist: distinct rows
        d = d + torch.eye(d.shape[0], dtype=d.dtype)
    return bool((d > 0.1).all())


row_mat = lambda v: v.ndim == 2 and v.shape[0] >= 1  # noqa: E731
op("pdist", F + ".pdist({a})", pred=lambda v: v.ndim == 2 and v.shape[0] >= 2, domain=_apart)
op(
    "cdist",
    "T.cdist({a}, {b})",
    arity=2,
    pred=row_mat,
    pair=lambda a, b: b.ndim == 2 and b.shape[1] == a.shape[1],
    domain=_apart,
)
op(
    "pairwise_distance",
    F + ".pairwise_distance({a}, {b})",
    arity=2,
    pred=row_mat,
    pair=same_shape,
    domain=lambda ts, p: ts[0].numel() == 0 or bool(((ts[0] - ts[1]).norm(dim=-1) > 0.1).all()),
)

# ---- more losses ----

op(
    "kl_div",
    F + ".kl_div({a}, {b}, reduction={red!r})",
    arity=2,
    pair=same_shape,
    params=lambda pool, v: {"red": pool.choice(("batchmean", "sum", "none", "mean"))},
    domain=lambda ts, p: above(ts[1], 0.05),
)
op(
    "poisson_nll_loss",
    F + ".poisson_nll_loss({a}, {b})",
    arity=2,
    pair=same_shape,
    domain=lambda ts, p: above(ts[1], 0.0) and below(ts[0], 4.0),
)
op(
    "gaussian_nll_loss",
    F + ".gaussian_nll_loss({a}, {b}, {b} * {b} + 0.5)",
    arity=2,
    pair=same_shape,
)
op(
    "margin_ranking_loss",
    F + ".margin_ranking_loss({a}, {b}, T.ones_like({a}), margin=0.1)",
    arity=2,
    pair=same_shape,
    domain=lambda ts, p: away(ts[1] - ts[0] + 0.1, 0.0),
)
op(
    "hinge_embedding_loss",
    F + ".hinge_embedding_loss({a}, -T.ones_like({a}))",
    domain=on(lambda t: away(t, 1.0)),
)
op("soft_margin_loss", F + ".soft_margin_loss({a}, T.ones_like({a}))")
op(
    "multilabel_soft_margin_loss",
    F + ".multilabel_soft_margin_loss({a}, ({b} > 0.5).double())",
    arity=2,
    pred=lambda v: v.ndim == 2,
    pair=same_shape,
)
op(
    "triplet_margin_loss",
    F + ".triplet_margin_loss({a}, {b}, {c})",
    arity=3,
    pred=lambda v: v.ndim == 2 and 0 not in v.shape,
    pair=same_shape,
    domain=lambda ts, p: bool(
        ((ts[0] - ts[1]).norm(dim=-1) > 0.1).all()
        and ((ts[0] - ts[2]).norm(dim=-1) > 0.1).all()
        and away((ts[0] - ts[1]).norm(dim=-1) - (ts[0] - ts[2]).norm(dim=-1) + 1.0, 0.0)
    ),
)
op(
    "cosine_embedding_loss",
    F + ".cosine_embedding_loss({a}, {b}, T.ones({a}.shape[0]))",
    arity=2,
    pred=lambda v: v.ndim == 2 and 0 not in v.shape,
    pair=same_shape,
    domain=lambda ts, p: bool(
        (ts[0].norm(dim=-1) > 0.1).all() and (ts[1].norm(dim=-1) > 0.1).all()
    ),
)
