"""Fuzzed catalogue ops (issue 13's families) that reduce or contract: diagonals and triangles,
statistics, matrix products, einsum/tensordot/kron, distances and normalisation, more losses.

Templates as in table_catalogue.py (see template.py); arguments kept `distinct` or `away` from
the kinks (medians, norms at 0, margins) so that float64 finite differences can judge.
"""

from __future__ import annotations

import torch

from .specs import (
    RENDERERS,
    SPECS,
    Params,
    Pool,
    Spec,
    Value,
    above,
    away,
    below,
    broadcastable,
)
from .template import F, nd, nonempty, on, op, same_shape

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
