"""Fuzzed convolution, pooling, normalisation, padding and resampling, scatter/index ops and
linear algebra on well-conditioned matrices (the catalogue's structured families).

A convolution's weight is cut from another value of the program when one is big enough (so its
gradient is checked too), else it is a constant `linspace`. Matrices for the decompositions are
made well-conditioned in the program itself (`a @ a.mT + 2 I`), so both frameworks see the same.
"""

from __future__ import annotations

import math

import torch

from .specs import RENDERERS, SPECS, Drawn, Params, Pool, Spec, Value, above, away
from .template import distinct, op

F = "T.nn.functional"


def _spatial(v: Value, k: int) -> bool:
    """v is (N, C, *spatial) or (C, *spatial) with k spatial dims, none empty."""
    return v.ndim in (k + 1, k + 2) and 0 not in v.shape


def _spatial_dims(v: Value, k: int) -> tuple[int, ...]:
    return v.shape[-k:]


# ---- convolution: weight from the pool or a constant ----


def _conv(k: int, transposed: bool) -> None:
    name = f"conv{'_transpose' if transposed else ''}{k}d"

    def draw(pool: Pool) -> Drawn:
        v = pool.pick(lambda v: _spatial(v, k))
        if v is None:
            return None
        c = v.shape[-k - 1]
        size = min(_spatial_dims(v, k))
        kernel = pool.integer(1, min(size, 3))
        out = pool.integer(1, 3)
        groups = c if (not transposed and pool.chance(0.2)) else 1
        if transposed:
            wshape = (c, out, *(kernel,) * k)
        else:
            wshape = (out * groups, c // groups, *(kernel,) * k)
        n = math.prod(wshape)
        stride = pool.integer(1, 2)
        p: Params = {
            "shape": wshape,
            "stride": stride,
            "padding": pool.integer(0, 1) if kernel > 1 else 0,
            "groups": groups,
        }
        if transposed:
            p["output_padding"] = pool.integer(0, stride - 1)
        else:
            p["dilation"] = pool.integer(1, 2) if kernel * 2 <= size else 1
        source = pool.pick(lambda w: w.t.numel() >= n and w.ndim >= 1) if pool.chance(0.7) else None
        return ((v.name,) if source is None else (v.name, source.name)), p

    def render(args: list[str], p: Params) -> str:
        n = math.prod(p["shape"])
        w = (
            f"{args[1]}.flatten()[:{n}].reshape{p['shape']!r}"
            if len(args) > 1
            else f"(T.linspace(-1.0, 1.0, {n}, dtype={args[0]}.dtype) + 0.013)"  # no exact 0
            f".reshape{p['shape']!r}"
        )
        extra = (
            f"output_padding={p['output_padding']}" if transposed else f"dilation={p['dilation']}"
        )
        return (
            f"{F}.{name}({args[0]}, {w}, stride={p['stride']}, padding={p['padding']}, "
            f"{extra}, groups={p['groups']})"
        )

    RENDERERS[name] = render
    SPECS[name] = Spec(name, name, draw, render)


for _k in (1, 2):
    _conv(_k, False)
    _conv(_k, True)


# ---- pooling ----


def _window(pool: Pool, v: Value, k: int) -> Params:
    size = min(_spatial_dims(v, k))
    kernel = pool.integer(1, min(size, 3))
    return {
        "kernel": kernel,
        "stride": pool.integer(1, 2),
        "padding": pool.integer(0, kernel // 2),
        "ceil": pool.chance(0.3),
    }


def _distinct_all(ts: list[torch.Tensor], p: Params) -> bool:
    return distinct(ts[0])


for _k in (1, 2):
    op(
        f"max_pool{_k}d",
        f"{F}.max_pool{_k}d({{a}}, {{kernel}}, {{stride}}, {{padding}}, ceil_mode={{ceil!r}})",
        pred=lambda v, k=_k: _spatial(v, k),
        params=lambda pool, v, k=_k: _window(pool, v, k),
        domain=_distinct_all,
    )
    op(
        f"avg_pool{_k}d",
        f"{F}.avg_pool{_k}d({{a}}, {{kernel}}, {{stride}}, {{padding}}, ceil_mode={{ceil!r}}, "
        "count_include_pad={include!r})",
        pred=lambda v, k=_k: _spatial(v, k),
        params=lambda pool, v, k=_k: {**_window(pool, v, k), "include": pool.chance(0.5)},
    )
    op(
        f"adaptive_avg_pool{_k}d",
        f"{F}.adaptive_avg_pool{_k}d({{a}}, {{out}})",
        pred=lambda v, k=_k: _spatial(v, k),
        params=lambda pool, v: {"out": pool.integer(1, 3)},
    )
    op(
        f"adaptive_max_pool{_k}d",
        f"{F}.adaptive_max_pool{_k}d({{a}}, {{out}})",
        pred=lambda v, k=_k: _spatial(v, k),
        params=lambda pool, v: {"out": pool.integer(1, 3)},
        domain=_distinct_all,
    )
op(
    "lp_pool2d",
    F + ".lp_pool2d({a}, 2.0, {kernel})",
    pred=lambda v: _spatial(v, 2),
    params=lambda pool, v: {"kernel": pool.integer(1, min(_spatial_dims(v, 2)))},
    domain=lambda ts, p: above(ts[0].abs(), 0.05),
)

# ---- normalisation ----


def _norm_spread(dims_of) -> object:
    def domain(ts: list[torch.Tensor], p: Params) -> bool:
        t = ts[0]
        dims = dims_of(t, p)
        return t.numel() == 0 or bool((t.var(dim=dims, correction=0) > 1e-2).all())

    return domain


op(
    "batch_norm",
    F + ".batch_norm({a}, None, None, training=True, eps={eps!r})",
    pred=lambda v: v.ndim >= 2 and 0 not in v.shape and math.prod(v.shape) // v.shape[1] > 1,
    params=lambda pool, v: {"eps": pool.choice((1e-5, 0.1))},
    domain=_norm_spread(lambda t, p: tuple(d for d in range(t.dim()) if d != 1)),
)


def _groups(pool: Pool, v: Value) -> Params | None:
    c = v.shape[1]
    return {"g": pool.choice([g for g in range(1, c + 1) if c % g == 0])}


def _group_dims(t: torch.Tensor, p: Params) -> tuple[int, ...]:
    return tuple(range(2, t.dim()))


op(
    "group_norm",
    F + ".group_norm({a}, {g})",
    pred=lambda v: v.ndim >= 3 and 0 not in v.shape and math.prod(v.shape[2:]) > 1,
    params=_groups,
    domain=_norm_spread(_group_dims),
)
op(
    "instance_norm",
    F + ".instance_norm({a})",
    pred=lambda v: v.ndim >= 3 and 0 not in v.shape and math.prod(v.shape[2:]) > 1,
    domain=_norm_spread(_group_dims),
)
op(
    "local_response_norm",
    F + ".local_response_norm({a}, {size})",
    pred=lambda v: v.ndim >= 3 and 0 not in v.shape,
    params=lambda pool, v: {"size": pool.integer(1, 3)},
)

# ---- padding and resampling ----


def _pads(pool: Pool, v: Value) -> Params | None:
    mode = pool.choice(("constant", "reflect", "replicate", "circular"))
    k = 1 if v.ndim == 2 or pool.chance(0.5) else 2
    if v.ndim < k + 1 or (mode != "constant" and v.ndim < k + 1):
        return None
    sizes = v.shape[-k:]
    if 0 in sizes and mode != "constant":
        return None
    most = [s - 1 if mode == "reflect" else s for s in sizes]
    pads = []
    for s in reversed(most):
        pads += [pool.integer(0, min(2, s)), pool.integer(0, min(2, s))]
    return {"pads": tuple(pads), "mode": mode}


op("pad", F + ".pad({a}, {pads!r}, mode={mode!r})", pred=lambda v: v.ndim >= 2, params=_pads)


def _interp(pool: Pool, v: Value) -> Params | None:
    k = v.ndim - 2
    modes = {
        1: ("nearest", "linear", "area"),
        2: ("nearest", "bilinear", "bicubic", "nearest-exact", "area"),
    }
    if k not in modes or 0 in v.shape:
        return None
    mode = pool.choice(modes[k])
    scale = pool.choice((2.0, 1.5, 0.5))
    align = (
        ""
        if mode in ("nearest", "nearest-exact", "area")
        else f", align_corners={pool.chance(0.5)!r}"
    )
    # antialias, but not to one column from a changed height: torch's kernel is wrong there
    one_column = int(v.shape[-1] * scale) == 1 and int(v.shape[-2] * scale) != v.shape[-2]
    if mode in ("bilinear", "bicubic") and not one_column and pool.chance(0.5):
        align += ", antialias=True"
    return {"mode": mode, "scale": scale, "align": align}


op(
    "interpolate",
    F + ".interpolate({a}, scale_factor={scale!r}, mode={mode!r}{align})",
    pred=lambda v: v.ndim in (3, 4),
    params=_interp,
)
op(
    "pixel_shuffle",
    F + ".pixel_shuffle({a}, 2)",
    pred=lambda v: v.ndim >= 3 and v.shape[-3] % 4 == 0,
)
op(
    "pixel_unshuffle",
    F + ".pixel_unshuffle({a}, 2)",
    pred=lambda v: v.ndim >= 3 and v.shape[-1] % 2 == 0 and v.shape[-2] % 2 == 0,
)


def _grid_sample(pool: Pool, v: Value) -> Params | None:
    """The grid is cut from the input's first channels (so its gradient is checked too),
    squashed to [-1.6, 1.6]: some points outside, for the padding modes."""
    k = v.ndim - 2
    if k not in (2, 3) or 0 in v.shape or v.shape[1] < k:
        return None
    mode = pool.choice(("bilinear", "nearest", "bicubic") if k == 2 else ("bilinear", "nearest"))
    perm = (0, *range(2, v.ndim), 1)
    return {
        "k": k,
        "perm": perm,
        "mode": mode,
        "padding": pool.choice(("zeros", "border", "reflection")),
        "align": pool.chance(0.5),
    }


op(
    "grid_sample",
    F + ".grid_sample({a}, 1.6 * T.tanh({a}[:, :{k}].permute{perm!r}), mode={mode!r}, "
    "padding_mode={padding!r}, align_corners={align!r})",
    pred=lambda v: v.ndim in (4, 5),
    params=_grid_sample,
)
op(
    "unfold",
    F + ".unfold({a}, {kernel})",
    pred=lambda v: v.ndim in (3, 4) and 0 not in v.shape,
    params=lambda pool, v: {"kernel": pool.integer(1, min(v.shape[-2:]))},
)

# ---- scatter and index ----


def _index(pool: Pool, size: int, n: int | None = None) -> tuple[int, ...]:
    return tuple(pool.integer(0, size - 1) for _ in range(n or pool.integer(1, 3)))


def _dim_nonempty(pool: Pool, v: Value) -> int | None:
    dims = [d for d, s in enumerate(v.shape) if s > 0]
    return pool.choice(dims) if dims else None


def _index_select(pool: Pool, v: Value) -> Params | None:
    d = _dim_nonempty(pool, v)
    return None if d is None else {"dim": d, "idx": _index(pool, v.shape[d])}


op(
    "index_select",
    "T.index_select({a}, {dim}, T.tensor({idx!r}))",
    pred=lambda v: v.ndim >= 1,
    params=_index_select,
)
op(
    "index_add",
    "T.index_add({a}, {dim}, T.tensor({idx!r}), T.index_select({a}, {dim}, T.tensor({idx!r})) "
    "* 0.5, alpha={alpha!r})",
    pred=lambda v: v.ndim >= 1,
    params=lambda pool, v: (lambda p: p and {**p, "alpha": pool.choice((1.0, -2.0))})(
        _index_select(pool, v)
    ),
)


def _unique_index(pool: Pool, v: Value) -> Params | None:
    d = _dim_nonempty(pool, v)
    if d is None:
        return None
    n = pool.integer(1, v.shape[d])
    return {"dim": d, "idx": tuple(int(i) for i in pool.rng.permutation(v.shape[d])[:n])}


op(
    "index_copy",
    "T.index_copy({a}, {dim}, T.tensor({idx!r}), T.index_select({a}, {dim}, T.tensor({idx!r})) "
    "* 2.0)",
    pred=lambda v: v.ndim >= 1,
    params=_unique_index,
)
op(
    "index_fill",
    "T.index_fill({a}, {dim}, T.tensor({idx!r}), {value!r})",
    pred=lambda v: v.ndim >= 1,
    params=lambda pool, v: (lambda p: p and {**p, "value": pool.choice((0.0, -1.5))})(
        _index_select(pool, v)
    ),
)


def _scatter_index(pool: Pool, v: Value) -> Params | None:
    d = _dim_nonempty(pool, v)
    if d is None or 0 in v.shape:
        return None
    idx = torch.tensor(pool.rng.integers(0, v.shape[d], size=v.shape)).tolist()
    return {"dim": d, "idx": idx}


_REDUCE = ("sum", "mean", "prod", "amax", "amin")
op(
    "scatter_add",
    "T.scatter_add({a}, {dim}, T.tensor({idx!r}), {a} * 0.5 + 0.25)",
    pred=lambda v: v.ndim >= 1,
    params=_scatter_index,
)
op(
    "scatter_reduce",
    "T.scatter_reduce({a}, {dim}, T.tensor({idx!r}), {a} * 0.5 + 0.25, {how!r}, "
    "include_self={self_!r})",
    pred=lambda v: v.ndim >= 1,
    params=lambda pool, v: (
        lambda p: (
            p
            and {
                **p,
                "how": pool.choice(("sum", "mean", "prod", "amax", "amin")),
                "self_": pool.chance(0.5),
            }
        )
    )(_scatter_index(pool, v)),
    domain=lambda ts, p: distinct(torch.cat([ts[0].flatten(), ts[0].flatten() * 0.5 + 0.25])),
)
op(
    "take_along_dim",
    "T.take_along_dim({a}, T.tensor({idx!r}), dim={dim})",
    pred=lambda v: v.ndim >= 1,
    params=_scatter_index,
)
op(
    "take",
    "T.take({a}, T.tensor({idx!r}))",
    pred=lambda v: v.t.numel() > 0,
    params=lambda pool, v: {"idx": _index(pool, v.t.numel())},
)
# the mask compares a with c: a's values kept away from c, as the comparison ops' are (a
# threshold on rounding noise, as cross(x, x) has in torch, would split the frameworks)
op(
    "masked_select",
    "T.masked_select({a}, {a} > {c!r})",
    params=lambda pool, v: {"c": 0.0},
    domain=lambda ts, p: away(ts[0], p["c"]),
)

# ---- linear algebra on well-conditioned matrices ----


def _spd(name: str) -> str:
    return f"({name} @ {name}.mT + 2 * T.eye({name}.shape[-2], dtype={name}.dtype))"


square = lambda v: v.ndim in (2, 3) and v.shape[-2] >= 1 and 0 not in v.shape  # noqa: E731
for _key, _template in {
    "linalg.inv": "T.linalg.inv({spd})",
    "linalg.det": "T.linalg.det({spd})",
    "logdet": "T.logdet({spd})",
    "linalg.cholesky": "T.linalg.cholesky({spd})",
    "linalg.eigvalsh": "T.linalg.eigvalsh({spd})",
    "linalg.solve": "T.linalg.solve({spd}, {a})",
}.items():
    op(
        _key,
        _template.replace("{spd}", _spd("{a}")),
        pred=square,
        domain=(
            (lambda ts, p: distinct(torch.linalg.eigvalsh(ts[0] @ ts[0].mT), -1))
            if _key == "linalg.eigvalsh"
            else None
        ),
    )
op(
    "linalg.slogdet",
    "T.linalg.slogdet(" + _spd("{a}") + ")[1]",
    pred=square,
)
op(
    "linalg.svdvals",
    "T.linalg.svdvals({a})",
    pred=square,
    domain=lambda ts, p: (
        distinct(torch.linalg.svdvals(ts[0]), -1) and above(torch.linalg.svdvals(ts[0]), 0.05)
    ),
)
op(
    "linalg.pinv",
    "T.linalg.pinv({a})",
    pred=square,
    domain=lambda ts, p: above(torch.linalg.svdvals(ts[0]), 0.1),
)
op(
    "linalg.vector_norm",
    "T.linalg.vector_norm({a}, ord={ord!r}, dim={dim})",
    pred=lambda v: v.ndim >= 1,
    params=lambda pool, v: {"ord": pool.choice((2, 1, 3, float("inf"))), "dim": pool.dim(v)},
    domain=lambda ts, p: distinct(ts[0].abs(), p["dim"]) and above(ts[0].abs(), 0.05),
)
op(
    "linalg.matrix_norm",
    "T.linalg.matrix_norm({a}, ord={ord!r})",
    pred=lambda v: v.ndim >= 2 and 0 not in v.shape,
    params=lambda pool, v: {"ord": pool.choice(("fro", "nuc"))},
    domain=lambda ts, p: (
        p["ord"] == "fro"
        or (distinct(torch.linalg.svdvals(ts[0]), -1) and above(torch.linalg.svdvals(ts[0]), 0.05))
    ),
)
