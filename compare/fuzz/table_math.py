"""Fuzzed math ops: elementwise, unary, logical, reductions and min/max. Per op: how its
arguments are drawn and where they must lie."""

from __future__ import annotations

import math

import torch

from .specs import (
    RENDERERS,
    SPECS,
    Drawn,
    Params,
    Pool,
    Spec,
    above,
    away,
    below,
    broadcastable,
    constant,
    kwargs,
    renders,
    spec,
)

# ---- unary math: T.op(x) or x.op() ----

_UNARY_DOMAIN = {
    "exp": lambda t: below(t, 5.0),
    "expm1": lambda t: below(t, 5.0),
    "log": lambda t: above(t, 0.05),
    "log1p": lambda t: above(t, -0.9),
    "log2": lambda t: above(t, 0.05),
    "sqrt": lambda t: above(t, 0.05),
    "rsqrt": lambda t: above(t, 0.05),
    "reciprocal": lambda t: away(t, 0.0, 0.1),
    "sin": None,
    "cos": None,
    "tan": lambda t: t.numel() == 0 or bool((t.abs() < 1.3).all()),
    "tanh": None,
    "sigmoid": None,
    "erf": None,
    "abs": lambda t: away(t, 0.0),
    "sign": lambda t: away(t, 0.0),
    "relu": lambda t: away(t, 0.0),
    "floor": lambda t: away(t, torch.round(t), 0.01),
    "ceil": lambda t: away(t, torch.round(t), 0.01),
    "round": lambda t: away(t, torch.floor(t) + 0.5, 0.01),
}


def _unary(name: str, check) -> None:
    def draw(pool: Pool) -> Drawn:
        v = pool.pick(None if check is None else (lambda v: check(v.t)))
        return None if v is None else ((v.name,), {"method": pool.chance(0.4)})

    def render(args: list[str], p: Params) -> str:
        return f"{args[0]}.{name}()" if p.get("method") else f"T.{name}({args[0]})"

    RENDERERS[name] = render
    SPECS[name] = Spec(
        name, name, draw, render, None if check is None else lambda ts, p: check(ts[0])
    )


for _name, _check in _UNARY_DOMAIN.items():
    _unary(_name, _check)


# ---- binary arithmetic, with a tensor or a Python scalar on either side ----

_SYMBOL = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**"}


def _binary_domain(name: str):
    def domain(ts: list[torch.Tensor], p: Params) -> bool:
        a = ts[0]
        b = ts[1] if len(ts) > 1 else torch.tensor(p["const"], dtype=torch.float64)
        if p.get("rev"):
            a, b = b, a
        if name == "div":
            return away(b, 0.0, 0.1)
        if name == "pow":
            if len(ts) == 1 and not p.get("rev") and float(p["const"]).is_integer():
                return True  # x ** 2, x ** 3: any base
            return above(a, 0.05) and below(b, 3.0)
        if name in ("maximum", "minimum"):
            return len(ts) == 2 and (ts[0] is ts[1] or away(ts[0], ts[1]))
        return True

    return domain


def _binary(name: str) -> None:
    def draw(pool: Pool) -> Drawn:
        a = pool.pick()
        if a is None:
            return None
        scalar_ok = name not in ("maximum", "minimum")
        if scalar_ok and pool.chance(0.35):
            options = (2.0, 3.0, 0.5, 1.5) if name == "pow" else (0.5, 1.5, 2.0, -0.7, 3.0)
            rev = name != "pow" and pool.chance(0.3)
            return (a.name,), {"const": pool.choice(options), "rev": rev}
        b = pool.pick(lambda b: broadcastable(a, b))
        if b is None:
            return None
        style = pool.choice(("op", "fn", "method") if name in _SYMBOL else ("fn", "method"))
        return (a.name, b.name), {"style": style}

    def render(args: list[str], p: Params) -> str:
        if len(args) == 1:
            a, b = args[0], repr(p["const"])
            if p.get("rev"):
                a, b = b, a
            if name in _SYMBOL:
                return f"({a} {_SYMBOL[name]} {b})"
            return f"T.{name}({a}, {b})"
        a, b = args
        if p.get("style") == "op":
            return f"({a} {_SYMBOL[name]} {b})"
        if p.get("style") == "method":
            return f"{a}.{name}({b})"
        return f"T.{name}({a}, {b})"

    RENDERERS[name] = render
    SPECS[name] = Spec(name, name, draw, render, _binary_domain(name))


for _name in ("add", "sub", "mul", "div", "pow", "maximum", "minimum"):
    _binary(_name)


@renders("neg")
def _render_neg(args: list[str], p: Params) -> str:
    return f"(-{args[0]})" if p.get("op") else f"T.neg({args[0]})"


@spec("neg")
def _draw_neg(pool: Pool) -> Drawn:
    v = pool.pick()
    return None if v is None else ((v.name,), {"op": pool.chance(0.5)})


@renders("square")
def _render_square(args: list[str], p: Params) -> str:
    return f"T.square({args[0]})"


@spec("square")
def _draw_square(pool: Pool) -> Drawn:
    v = pool.pick()
    return None if v is None else ((v.name,), {})


@renders("clamp")
def _render_clamp(args: list[str], p: Params) -> str:
    return f"T.clamp({args[0]}{kwargs(p, 'min', 'max')})"


def _clamp_domain(ts: list[torch.Tensor], p: Params) -> bool:
    return all(p.get(k) is None or away(ts[0], p[k]) for k in ("min", "max"))


@spec("clamp", domain=_clamp_domain)
def _draw_clamp(pool: Pool) -> Drawn:
    v = pool.pick()
    if v is None:
        return None
    low = pool.choice((None, -0.5, 0.0, 0.2))
    high = pool.choice((None, 0.5, 1.0)) if low is not None else pool.choice((0.5, 1.0))
    return (v.name,), {"min": low, "max": high}


# ---- comparisons and logic: bool values for where, masked_fill and masks ----

_COMPARE = {"gt": ">", "lt": "<", "ge": ">=", "le": "<="}


def _compare(name: str) -> None:
    def draw(pool: Pool) -> Drawn:
        a = pool.pick()
        if a is None:
            return None
        if pool.chance(0.5):
            return (a.name,), {"const": pool.choice((0.0, 0.3, -0.2, 1.0))}
        b = pool.pick(lambda b: b is not a and broadcastable(a, b))
        return None if b is None else ((a.name, b.name), {})

    def render(args: list[str], p: Params) -> str:
        b = args[1] if len(args) > 1 else repr(p["const"])
        return f"({args[0]} {_COMPARE[name]} {b})"

    def domain(ts: list[torch.Tensor], p: Params) -> bool:
        return away(ts[0], ts[1] if len(ts) > 1 else p["const"])

    RENDERERS[name] = render
    SPECS[name] = Spec(name, name, draw, render, domain)


for _name in _COMPARE:
    _compare(_name)


@renders("logical_and")
def _render_and(args: list[str], p: Params) -> str:
    return f"T.logical_and({args[0]}, {args[1]})"


@spec("logical_and")
def _draw_and(pool: Pool) -> Drawn:
    a = pool.pick(kind="bool")
    b = a and pool.pick(lambda b: broadcastable(a, b), kind="bool")
    return None if b is None else ((a.name, b.name), {})


@renders("logical_not")
def _render_not(args: list[str], p: Params) -> str:
    return f"T.logical_not({args[0]})"


@spec("logical_not")
def _draw_not(pool: Pool) -> Drawn:
    a = pool.pick(kind="bool")
    return None if a is None else ((a.name,), {})


@renders("where")
def _render_where(args: list[str], p: Params) -> str:
    return f"T.where({args[0]}, {args[1]}, {args[2]})"


@spec("where")
def _draw_where(pool: Pool) -> Drawn:
    c = pool.pick(kind="bool")
    a = c and pool.pick(lambda a: broadcastable(a, c))
    b = a and pool.pick(lambda b: broadcastable(b, a) and broadcastable(b, c))
    return None if b is None else ((c.name, a.name, b.name), {})


@renders("masked_fill")
def _render_masked_fill(args: list[str], p: Params) -> str:
    return f"{args[0]}.masked_fill({args[1]}, {p['value']!r})"


@spec("masked_fill")
def _draw_masked_fill(pool: Pool) -> Drawn:
    a = pool.pick()
    m = a and pool.pick(lambda m: broadcastable(a, m), kind="bool")
    return None if m is None else ((a.name, m.name), {"value": constant(pool)})


# ---- reductions ----


def _count(t: torch.Tensor, dim) -> int:
    """How many elements each output element of a reduction over `dim` combines."""
    if dim is None:
        return t.numel()
    dims = (dim,) if isinstance(dim, int) else dim
    return math.prod(t.shape[d] for d in dims) if t.dim() else 1


def _reduction(name: str) -> None:
    def draw(pool: Pool) -> Drawn:
        v = pool.pick()
        if v is None:
            return None
        dim = pool.dims(v)
        if name == "logsumexp" and dim is None:
            dim = pool.dim(v) if v.ndim else 0
        p: Params = {"dim": dim, "keepdim": dim is not None and pool.chance(0.4)}
        if name in ("var", "std") and pool.chance(0.4):
            p["correction"] = 0
        if name == "norm" and pool.chance(0.4):
            p["p"] = pool.choice((1, 3))
        p["method"] = pool.chance(0.4)
        return (v.name,), p

    def render(args: list[str], p: Params) -> str:
        parts = [f"p={p['p']!r}"] if "p" in p else []
        if p.get("dim") is not None:
            parts.append(f"dim={p['dim']!r}")
            if p.get("keepdim"):
                parts.append("keepdim=True")
        if "correction" in p:
            parts.append(f"correction={p['correction']!r}")
        rest = ", ".join(parts)
        if p.get("method"):
            return f"{args[0]}.{name}({rest})"
        return f"T.{name}({args[0]}{', ' if rest else ''}{rest})"

    def domain(ts: list[torch.Tensor], p: Params) -> bool:
        t, n = ts[0], _count(ts[0], p.get("dim"))
        if name in ("var", "std"):
            return n >= 2 and (name == "var" or above(t.var(dim=p.get("dim")), 1e-4))
        if name == "norm":  # |x| has a kink at 0, and the norm at a zero vector
            if t.numel() == 0 or (p.get("p") == 1 and not away(t, 0.0)):
                return False
            norms = t.norm(p=p.get("p", 2), dim=p.get("dim"))
            return above(norms, 1e-3)
        if name == "prod":
            return n <= 8
        return True

    RENDERERS[name] = render
    SPECS[name] = Spec(name, name, draw, render, domain)


for _name in ("sum", "mean", "prod", "var", "std", "logsumexp", "norm"):
    _reduction(_name)


def _minmax(name: str) -> None:
    def draw(pool: Pool) -> Drawn:
        v = pool.pick(lambda v: v.t.numel() > 0)
        if v is None:
            return None
        if name in ("amax", "amin"):
            dim = pool.dims(v)
            return (v.name,), {"dim": dim if dim is not None else (), "keepdim": pool.chance(0.4)}
        if v.ndim == 0 or pool.chance(0.3):
            return (v.name,), {}
        return (v.name,), {
            "dim": pool.dim(v),
            "keepdim": pool.chance(0.4),
            "item": pool.chance(0.5),
        }

    def render(args: list[str], p: Params) -> str:
        if name in ("amax", "amin"):
            return (
                f"T.{name}({args[0]}, dim={p['dim']!r}{', keepdim=True' if p['keepdim'] else ''})"
            )
        if "dim" not in p:
            return f"T.{name}({args[0]})"
        keep = ", keepdim=True" if p["keepdim"] else ""
        pick = "[0]" if p.get("item") else ".values"
        return f"T.{name}({args[0]}, dim={p['dim']!r}{keep}){pick}"

    RENDERERS[name] = render
    SPECS[name] = Spec(name, name, draw, render, None)


for _name in ("max", "min", "amax", "amin"):
    _minmax(_name)
