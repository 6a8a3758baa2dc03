"""Fuzzed nn.functional ops: activations and softmax, layer_norm, regression and classification
losses."""

from __future__ import annotations

import torch

from .specs import RENDERERS, SPECS, Drawn, Params, Pool, Spec, Value, above, away, below, kwargs

F = "T.nn.functional"


def _simple(key: str, render, draw, domain=None, torch_name: str | None = None) -> None:
    RENDERERS[key] = render
    SPECS[key] = Spec(key, torch_name or key, draw, render, domain)


def _one(pool: Pool, params, pred=None) -> Drawn:
    v = pool.pick(pred)
    return None if v is None else ((v.name,), params(v) if callable(params) else params)


# ---- activations ----

_ACTIVATIONS = {
    "leaky_relu": (lambda pool: {"negative_slope": pool.choice((0.01, 0.2))}, True),
    "elu": (lambda pool: {"alpha": pool.choice((1.0, 0.5))}, True),
    "gelu": (lambda pool: {"approximate": pool.choice(("none", "tanh"))}, False),
    "silu": (lambda pool: {}, False),
    "softplus": (
        lambda pool: {"beta": pool.choice((1.0, 2.0)), "threshold": pool.choice((20.0, 1.0))},
        False,
    ),
}


def _activation(name: str, params, kinked: bool) -> None:
    keys = ("negative_slope", "alpha", "approximate", "beta", "threshold")

    def domain(ts: list[torch.Tensor], p: Params) -> bool:
        t = ts[0]
        if name == "softplus":  # softplus switches to x at beta * x > threshold
            return away(t * p["beta"], p["threshold"], 0.01)
        return not kinked or away(t, 0.0)

    _simple(
        name,
        lambda a, p: f"{F}.{name}({a[0]}{kwargs(p, *keys)})",
        lambda pool: _one(pool, params(pool)),
        domain,
    )


for _name, (_params, _kinked) in _ACTIVATIONS.items():
    _activation(_name, _params, _kinked)


def _softmax(name: str) -> None:
    def draw(pool: Pool) -> Drawn:
        v = pool.pick()
        if v is None:
            return None
        return (v.name,), {
            "dim": pool.dim(v) if v.ndim else 0,
            "style": pool.choice(("F", "T", "method")),
        }

    def render(a: list[str], p: Params) -> str:
        if p["style"] == "method":
            return f"{a[0]}.{name}({p['dim']})"
        where = F if p["style"] == "F" else "T"
        return f"{where}.{name}({a[0]}, dim={p['dim']})"

    _simple(name, render, draw)


for _name in ("softmax", "log_softmax"):
    _softmax(_name)

_simple(
    "dropout",
    lambda a, p: f"{F}.dropout({a[0]}, p={p['p']!r}, training={p['training']!r})",
    lambda pool: _one(
        pool,
        lambda v: (
            {"p": 0.0, "training": True} if pool.chance(0.3) else {"p": 0.5, "training": False}
        ),
    ),
)


# ---- layer_norm ----


def _draw_layer_norm(pool: Pool) -> Drawn:
    v = pool.pick(lambda v: v.ndim >= 1)
    if v is None:
        return None
    k = pool.integer(1, min(v.ndim, 2))
    shape = v.shape[v.ndim - k :]
    args = [v.name]
    if pool.chance(0.5):
        w = pool.pick(lambda w: w.shape == shape)
        if w is not None:
            args.append(w.name)
            b = pool.pick(lambda b: b.shape == shape) if pool.chance(0.5) else None
            if b is not None:
                args.append(b.name)
    return tuple(args), {"shape": shape, "eps": pool.choice((1e-5, 0.1))}


def _render_layer_norm(a: list[str], p: Params) -> str:
    extra = "".join(f", {n}={x}" for n, x in zip(("weight", "bias"), a[1:], strict=False))
    return f"{F}.layer_norm({a[0]}, {p['shape']!r}{extra}, eps={p['eps']!r})"


def _layer_norm_domain(ts: list[torch.Tensor], p: Params) -> bool:
    t, k = ts[0], len(p["shape"])
    if t.numel() == 0:
        return True
    dims = tuple(range(t.dim() - k, t.dim()))
    return bool((t.var(dim=dims, correction=0) > 1e-3).all()) if t[..., 0].numel() else True


_simple("layer_norm", _render_layer_norm, _draw_layer_norm, _layer_norm_domain)


# ---- losses ----

_REDUCTIONS = ("mean", "sum", "none")


def _pair(pool: Pool, pred_a=None, pred_b=None) -> tuple[Value, Value] | None:
    a = pool.pick(pred_a)
    b = a and pool.pick(lambda b: b.shape == a.shape and (pred_b is None or pred_b(b)))
    return None if b is None else (a, b)


def _regression(name: str, extra) -> None:
    def draw(pool: Pool) -> Drawn:
        pair = _pair(pool)
        if pair is None:
            return None
        params = {"reduction": pool.choice(_REDUCTIONS), "detach": pool.chance(0.5), **extra(pool)}
        return (pair[0].name, pair[1].name), params

    def render(a: list[str], p: Params) -> str:
        target = f"{a[1]}.detach()" if p.get("detach") else a[1]
        return f"{F}.{name}({a[0]}, {target}{kwargs(p, 'reduction', 'beta', 'delta')})"

    def domain(ts: list[torch.Tensor], p: Params) -> bool:
        d = (ts[0] - ts[1]).abs()
        if ts[0] is ts[1]:
            return True
        kink = p.get("beta", p.get("delta"))
        return (name == "mse_loss" or away(d, 0.0)) and (kink is None or away(d, kink))

    _simple(name, render, draw, domain)


_regression("mse_loss", lambda pool: {})
_regression("l1_loss", lambda pool: {})
_regression("smooth_l1_loss", lambda pool: {"beta": pool.choice((1.0, 0.5))})
_regression("huber_loss", lambda pool: {"delta": pool.choice((1.0, 0.5))})


def _probabilities(v: Value) -> bool:
    return above(v.t, 0.02) and below(v.t, 0.98)


def _draw_bce(pool: Pool) -> Drawn:
    pair = _pair(pool, _probabilities, _probabilities)
    if pair is None:
        return None
    params = {"reduction": pool.choice(_REDUCTIONS), "detach": pool.chance(0.5)}
    return (pair[0].name, pair[1].name), params


def _render_bce(a: list[str], p: Params) -> str:
    target = f"{a[1]}.detach()" if p.get("detach", True) else a[1]
    return f"{F}.binary_cross_entropy({a[0]}, {target}{kwargs(p, 'reduction')})"


_simple(
    "binary_cross_entropy",
    _render_bce,
    _draw_bce,
    lambda ts, p: all(above(t, 0.02) and below(t, 0.98) for t in ts),
)


def _draw_bce_logits(pool: Pool) -> Drawn:
    pair = _pair(pool, None, _probabilities)
    if pair is None:
        return None
    return (pair[0].name, pair[1].name), {"reduction": pool.choice(_REDUCTIONS)}


_simple(
    "binary_cross_entropy_with_logits",
    lambda a, p: (
        f"{F}.binary_cross_entropy_with_logits({a[0]}, {a[1]}.detach(){kwargs(p, 'reduction')})"
    ),
    _draw_bce_logits,
)


def _draw_class_loss(pool: Pool, name: str) -> Drawn:
    v = pool.pick(lambda v: v.ndim in (1, 2) and v.shape[-1] > 0)
    if v is None:
        return None
    classes = v.shape[-1]
    n = v.shape[0] if v.ndim == 2 else None
    params: Params = {"reduction": pool.choice(_REDUCTIONS)}
    if name == "cross_entropy" and pool.chance(0.3):
        params["label_smoothing"] = 0.1
    if name == "cross_entropy" and pool.chance(0.3):  # class probabilities as the target
        t = pool.pick(lambda t: t.shape == v.shape and _probabilities(t))
        if t is not None:
            return (v.name, t.name), params
    count = 1 if n is None else n
    target = [pool.integer(0, classes - 1) for _ in range(count)]
    if count > 1 and pool.chance(0.2):
        params["ignore_index"] = target[0]
    params["target"] = target[0] if n is None else target
    return (v.name,), params


def _render_class_loss(name: str):
    def render(a: list[str], p: Params) -> str:
        target = f"{a[1]}.detach()" if len(a) > 1 else f"T.tensor({p['target']!r})"
        rest = kwargs(p, "reduction", "ignore_index", "label_smoothing")
        return f"{F}.{name}({a[0]}, {target}{rest})"

    return render


for _name in ("nll_loss", "cross_entropy"):
    _simple(_name, _render_class_loss(_name), lambda pool, _n=_name: _draw_class_loss(pool, _n))
