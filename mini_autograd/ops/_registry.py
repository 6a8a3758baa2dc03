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

from .. import _gcpause, _out
from .._tensor import Tensor

F = TypeVar("F", bound=Callable[..., object])


@dataclass
class OpInfo:
    """Where one op lives: torch.X (`top`), Tensor.X (`method`/`prop`), F.X (`functional`).

    `fn` is torch.X: for the ops of `_out.OUT_OPS` it also takes torch's `out=`.
    """

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


class _Missing:
    """The default of a generated wrapper's parameter that the caller did not pass."""

    def __repr__(self) -> str:
        return "<not given>"


_NOT_GIVEN = _Missing()


def _numpy_names(fn: F, out_op: str | None = None) -> F:
    """fn, accepting axis= for dim= and keepdims= for keepdim= where it takes those.

    With `out_op` (torch.X of an op of `_out.OUT_OPS`) the wrapper also takes torch's out=.

    The wrapper is generated with fn's own parameters (plus keyword-only `axis`/`keepdims`) and
    passes them straight on: no *args/**kwargs packing per call, only an `is` test per alias.
    """
    params = inspect.signature(fn).parameters
    if "dim" not in params and "keepdim" not in params:
        return fn
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params.values()):
        raise TypeError(f"{fn.__name__}: dim-taking ops take no *args/**kwargs")
    ns: dict[str, Any] = {**_out.NAMESPACE, "_fn": fn, "_NO": _NOT_GIVEN}
    head: list[str] = []
    call: list[str] = []
    body: list[str] = []
    required_from_dim = False
    for i, (name, p) in enumerate(params.items()):
        if p.kind is p.KEYWORD_ONLY and "*" not in head:
            head.append("*")
        if name in ("dim", "keepdim"):
            alias = "axis" if name == "dim" else "keepdims"
            required_from_dim |= p.default is p.empty
            body += [
                f"    if {alias} is not _NO:",
                f"        if {name} is not _NO:",
                f"            raise TypeError(\"{fn.__name__}() got both '{alias}' and '{name}'\")",
                f"        {name} = {alias}",
            ]
            if p.default is p.empty:
                body += [f"    elif {name} is _NO:", _missing(fn.__name__, name)]
            else:
                ns[f"_d{i}"] = p.default
                body += [f"    elif {name} is _NO:", f"        {name} = _d{i}"]
            head.append(f"{name}=_NO")
        elif p.default is not p.empty:
            ns[f"_d{i}"] = p.default
            head.append(f"{name}=_d{i}")
        elif required_from_dim:  # after a defaulted dim, a required parameter needs a default
            head.append(f"{name}=_NO")
            body += [f"    if {name} is _NO:", _missing(fn.__name__, name)]
        else:
            head.append(name)
        if p.kind is p.POSITIONAL_ONLY and i + 1 < len(params):
            nxt = list(params.values())[i + 1]
            if nxt.kind is not p.POSITIONAL_ONLY:
                head.append("/")
        call.append(f"{name}={name}" if p.kind is p.KEYWORD_ONLY else name)
    if "*" not in head:
        head.append("*")
    head += ["axis=_NO", "keepdims=_NO"]
    if out_op is not None:
        head.append("out=None")
        body += [
            "    if out is not None:",
            *_out.out_lines(out_op, ", ".join(call), params, " " * 8),
        ]
    source = (
        f"def {fn.__name__}({', '.join(head)}):\n"
        + "\n".join(body)
        + f"\n    return _fn({', '.join(call)})\n"
    )
    exec(source, ns)  # noqa: S102 - a wrapper with fn's own signature, built from it
    wrapper = ns[fn.__name__]
    functools.update_wrapper(wrapper, fn)
    return wrapper  # type: ignore[no-any-return]


def paused_when_deep(fn: F) -> F:
    """fn, with the cyclic collector paused for the whole call when its first argument is deep in
    a graph (see _gcpause): no collection over the young graph starts inside an op.

    Generated with fn's own parameters, passed straight on: the wrapper allocates nothing, so
    no collection starts before the pause either. The hot unary and binary ops pause themselves
    (`register(pauses=True)`) and need no wrapper.
    """
    params = list(inspect.signature(fn, follow_wrapped=False).parameters.values())
    if not params or params[0].kind not in (
        params[0].POSITIONAL_ONLY,
        params[0].POSITIONAL_OR_KEYWORD,
    ):
        return fn
    ns: dict[str, Any] = {
        "_fn": fn,
        "_Tensor": Tensor,
        "_DEEP": _gcpause.DEEP,
        "_isenabled": _gcpause._isenabled,
        "_disable": _gcpause._disable,
        "_enable": _gcpause._enable,
    }
    head, call = _out.signature_parts(params, ns)
    # the first two arguments: matmul(W, h) and where(mask, y, z) have a leaf or mask first
    firsts = [p.name for p in params[:2] if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    deep = " or ".join(
        f"(type({a}) is _Tensor and (up := {a}.grad_fn) is not None and up.generation >= _DEEP)"
        for a in firsts
    )
    args = ", ".join(call)
    source = (
        f"def {fn.__name__}({', '.join(head)}):\n"
        f"    if ({deep}) and _isenabled():\n"
        f"        _disable()\n"
        f"        try:\n"
        f"            return _fn({args})\n"
        f"        finally:\n"
        f"            _enable()\n"
        f"    return _fn({args})\n"
    )
    exec(source, ns)  # noqa: S102 - a wrapper with fn's own signature, built from it
    wrapper = ns[fn.__name__]
    functools.update_wrapper(wrapper, fn)
    return wrapper  # type: ignore[no-any-return]


def _missing(op: str, name: str) -> str:
    return f"        raise TypeError(\"{op}() missing required argument: '{name}'\")"


def register(
    name: str | None = None,
    *,
    top: bool = True,
    method: bool | Callable[..., object] = True,
    functional: bool = False,
    aliases: tuple[str, ...] = (),
    dunders: tuple[str, ...] = (),
    prop: bool = False,
    pauses: bool = False,
) -> Callable[[F], F]:
    """Declare a public op: where torch has it (torch.X, Tensor.X, F.X) and its operator dunders.

    Every public form pauses the collector deep in a graph (`paused_when_deep`), unless the op
    does so itself (`pauses=True`: the hot unary and binary ops, for one call frame less).
    """
    wrap = (lambda f: f) if pauses else paused_when_deep

    def deco(raw: F) -> F:
        op_name = name or raw.__name__.rstrip("_")
        # users get axis=/keepdims= too; the ops calling each other inside keep the raw function
        named = _numpy_names(raw)
        fn = wrap(named)
        if op_name in OPS:
            raise RuntimeError(f"op {op_name!r} registered twice")
        family = fn.__module__.rsplit(".", 1)[-1]
        bound = fn if method is True else wrap(_numpy_names(method)) if callable(method) else method
        # torch.X takes out= where torch's does (its methods do not): the same generated wrapper
        top_fn = fn
        if op_name in _out.OUT_OPS:  # one generated wrapper: the axis= one when fn has it
            top_fn = wrap(
                _numpy_names(raw, op_name) if named is not raw else _out.with_out(raw, op_name)
            )
        OPS[op_name] = OpInfo(
            op_name, top_fn, family, top, bool(method) or prop, functional, aliases, dunders, prop
        )
        if prop:
            setattr(Tensor, op_name, property(fn, doc=fn.__doc__))
        elif method:
            for n in (op_name, *aliases):
                setattr(Tensor, n, bound)
        for d in dunders:
            setattr(Tensor, d, wrap(raw))
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
