"""torch's `out=` keyword, for the ops where torch has it and it is cheap: one shared wrapper.

`torch.add(a, b, out=o)` computes the result, writes it into o's memory and returns o itself, as
torch: a wrong-shaped `out` is resized (with torch's UserWarning unless it was empty), a result
that cannot be cast to out's dtype is refused (float into int, complex into real, into bool), the
write bumps out's version and is not recorded in the graph, so with grad mode on no argument may
require grad. Creation functions (`torch.zeros(2, out=o)`) take out's dtype.

The wrapper is generated with the op's own signature plus a keyword-only `out=None`: a call
without `out=` pays one `is None` test. Only the `torch.X` functions get it (torch's methods
take no `out=`): the op registry wraps the ops of OUT_OPS as they register, `install` the
creation functions.
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import _dtype, _grad_mode, _version
from ._tensor import Tensor
from ._warn_once import user_stacklevel
from .ops._util import TORCH_DTYPE_NAMES as _NAMES
from .ops._util import torch_dtype_name

_grad_state = _grad_mode.state

#: elementwise math, matmul, joins
ELEMENTWISE = frozenset(
    [
        "add",
        "sub",
        "subtract",
        "mul",
        "multiply",
        "div",
        "divide",
        "true_divide",
        "pow",
        "exp",
        "exp2",
        "expm1",
        "log",
        "log2",
        "log10",
        "log1p",
        "sin",
        "cos",
        "tan",
        "asin",
        "acos",
        "atan",
        "arcsin",
        "arccos",
        "arctan",
        "sinh",
        "cosh",
        "tanh",
        "asinh",
        "acosh",
        "atanh",
        "sigmoid",
        "sqrt",
        "rsqrt",
        "abs",
        "absolute",
        "neg",
        "negative",
        "floor",
        "ceil",
        "round",
        "trunc",
        "fix",
        "frac",
        "sign",
        "reciprocal",
        "square",
        "erf",
        "erfc",
        "erfinv",
        "atan2",
        "arctan2",
        "hypot",
        "fmod",
        "remainder",
        "clamp",
        "clip",
        "maximum",
        "minimum",
        "fmax",
        "fmin",
        "where",
        "matmul",
        "mm",
        "bmm",
        "mv",
        "dot",
        "cat",
        "concat",
        "concatenate",
        "stack",
    ]
)
#: reductions and scans
REDUCTIONS = frozenset(
    [
        "sum",
        "mean",
        "prod",
        "amax",
        "amin",
        "max",
        "min",
        "std",
        "var",
        "logsumexp",
        "cumsum",
        "cumprod",
    ]
)
CREATION = frozenset(
    ["zeros", "ones", "arange", "linspace", "full", "empty", "eye", "rand", "randn"]
)

#: reductions torch computes in out's dtype (its dtype= taken from out)
_ACCUMULATE = frozenset(("sum", "prod", "cumsum", "cumprod"))

_RESIZED = (
    "An output with one or more elements was resized since it had shape {old}, which does not "
    "match the required output shape {new}. This behavior is deprecated, and in a future "
    "PyTorch release outputs will not be resized unless they have zero elements. You can "
    "explicitly reuse an out tensor t by resizing it, inplace, to zero elements with "
    "t.resize_(0)."
)
_ARANGE = (
    "The number of elements in the out tensor of shape {old} is {n} which does not match the "
    "computed number of elements {new}. Note that this may occur as a result of rounding error. "
    "The out tensor will be resized to a tensor of shape ({new},)."
)
_AUTOGRAD = (
    "{op}(): functions with out=... arguments don't support automatic differentiation, "
    "but one of the arguments requires grad."
)


def _castable(src: np.dtype, dst: np.dtype) -> bool:
    """torch's canCast: no complex into real, no float into integral, nothing into bool."""
    if src.kind == "c" and dst.kind != "c":
        return False
    if src.kind in "fc" and dst.kind in "iub":
        return False
    return not (src.kind != "b" and dst.kind == "b")


# the C++ type names some of torch's kernels name in their dtype errors
_C_NAMES = {
    "float16": "c10::Half", "float32": "float", "float64": "double", "uint8": "unsigned char",
    "int8": "signed char", "int16": "short int", "int32": "int", "int64": "long int",
    "bool": "bool",
}  # fmt: skip

#: how each op checks out's dtype against its result's, as torch's kernels do: "cast" (the result
#: must be castable: float into int refused), "free" (any dtype, the result is cast), "same" (out
#: must have the result's dtype; the message differs by kernel), "float" (a floating out);
#: creation functions make their result in out's dtype and resize it silently (arange warns)
RULES = {
    "sum": "free", "prod": "free", "cumsum": "free", "cumprod": "free",
    "amax": "same_input", "amin": "same_input",
    "max": "same_c", "min": "same_c", "matmul": "same_c", "mm": "same_c", "bmm": "same_c",
    "where": "same_where", "clamp": "same_clamp", "clip": "same_clamp",
    "abs": "same_clamp", "neg": "same_clamp", "negative": "same_clamp", "absolute": "same_clamp",
    "logsumexp": "float", "arange": "arange",
    "cat": "cat", "concat": "cat", "concatenate": "cat", "stack": "cat",
}  # fmt: skip


def _check_dtype(result: Tensor, out: Tensor, op: str, rule: str) -> None:
    src, dst = result._data.dtype, out._data.dtype
    if rule == "free" or src == dst:
        return
    r, o = _NAMES[src.name], _NAMES[dst.name]
    if rule == "same_input":
        raise RuntimeError(
            f"Expected the dtype for input and out to match, but got {r} for input's dtype and "
            f"{o} for out's dtype."
        )
    if rule == "same_c":
        raise RuntimeError(
            f"Expected out tensor to have dtype {_C_NAMES[src.name]}, but got "
            f"{_C_NAMES[dst.name]} instead"
        )
    if rule == "same_where":
        raise RuntimeError(f"Expected out type to be {r} but got {o}")
    if rule == "same_clamp":
        raise RuntimeError(f"Found dtype {o} but expected {r}")
    if rule == "float" and dst.kind != "f":
        raise RuntimeError(f"{op}(): Expected floating point type for result tensor, but got: {o}")
    if not _castable(src, dst):
        if rule == "cat":
            raise TypeError(
                f"torch.cat(): input types can't be cast to the desired output type {o}"
            )
        raise RuntimeError(f"result type {r} can't be cast to the desired output type {o}")


def _store(out: Any, result: Tensor, op: str, rule: str) -> Tensor:
    if not isinstance(out, Tensor):
        raise TypeError(f"{op}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if _grad_state.enabled and (result._requires_grad or out._requires_grad):
        raise RuntimeError(_AUTOGRAD.format(op=op))
    _check_dtype(result, out, op, rule)
    src = np.asarray(result._data)
    dst = out._data
    if rule == "arange" and dst.size == src.size:  # torch's arange keeps out's shape
        src = src.reshape(dst.shape)
    if dst.shape != src.shape:
        if rule == "arange" and dst.size:
            warnings.warn(
                _ARANGE.format(old=list(dst.shape), n=dst.size, new=src.size),
                stacklevel=user_stacklevel(),
            )
        elif rule not in ("create", "arange") and dst.size:
            warnings.warn(
                _RESIZED.format(old=list(dst.shape), new=list(src.shape)),
                UserWarning,
                user_stacklevel(),
            )
        before = _version.version(dst)
        out._data = np.array(src, dtype=dst.dtype)  # new memory, carrying out's version on
        for _ in range(before + 1):
            _version.bump(out._data)
        return out
    if type(dst) is not np.ndarray:  # a numpy scalar: give out memory of its own first
        out._data = dst = np.array(dst)
    dst[...] = src
    _version.bump(dst)
    return out


def write(out: Any, result: Any, op: str, rule: str = "cast") -> Any:
    """Write an op's result (a tensor or a tuple of them) into `out` and return `out`."""
    if isinstance(result, tuple):
        if not isinstance(out, tuple | list) or len(out) != len(result):
            raise TypeError(f"{op}(): argument 'out' must be a tuple of {len(result)} Tensors")
        outs = [_store(o, r, op, rule) for o, r in zip(out, result, strict=True)]
        return type(result)(*outs) if hasattr(result, "_fields") else tuple(outs)
    return _store(out, result, op, rule)


def creation_dtype(out: Any, dtype: Any, op: str) -> Any:
    """The dtype a creation function makes its result in when given out=."""
    if not isinstance(out, Tensor):
        raise TypeError(f"{op}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if dtype is None:
        return out.dtype
    if _dtype.as_numpy_dtype(dtype) != out._data.dtype:
        raise RuntimeError(
            f"dtype {_NAMES[_dtype.as_numpy_dtype(dtype).name]} does not match dtype of out "
            f"parameter ({torch_dtype_name(out)})"
        )
    return dtype


def out_lines(op: str, args: str, params: Any, indent: str = "    ") -> list[str]:
    """The generated lines that write `_fn(args)` into out (for this wrapper and the registry's
    axis=/keepdims= one, which takes out= itself rather than stacking a second wrapper)."""
    lines = []
    if op in _ACCUMULATE and "dtype" in params:  # torch accumulates in out's dtype
        lines += ["if dtype is None and isinstance(out, _Tensor):", "    dtype = out.dtype"]
    rule = RULES.get(op, "create" if op in CREATION else "cast")
    lines += [f"return _write(out, _fn({args}), {op!r}, {rule!r})"]
    return [indent + line for line in lines]


#: what generated wrappers' out= lines refer to
NAMESPACE = {"_Tensor": Tensor, "_write": write}


def signature_parts(
    params: Sequence[inspect.Parameter], ns: dict[str, Any], keyword: str | None = None
) -> tuple[list[str], list[str]]:
    """A generated wrapper's parameter list and its call passing them all straight on: (head,
    call). Defaults go into `ns` as _d<i>; `keyword` (e.g. "out=None") is added keyword-only."""
    head: list[str] = []
    call: list[str] = []
    star = False
    kwargs = None
    for i, p in enumerate(params):
        name = p.name
        if p.kind is p.VAR_KEYWORD:
            kwargs = name
            continue
        if p.kind is p.VAR_POSITIONAL:
            head.append(f"*{name}")
            call.append(f"*{name}")
            star = True
            continue
        if p.kind is p.KEYWORD_ONLY and not star:
            head.append("*")
            star = True
        if p.default is not p.empty:
            ns[f"_d{i}"] = p.default
            head.append(f"{name}=_d{i}")
        else:
            head.append(name)
        if p.kind is p.POSITIONAL_ONLY and (
            i + 1 == len(params) or params[i + 1].kind is not p.POSITIONAL_ONLY
        ):
            head.append("/")
        call.append(f"{name}={name}" if p.kind is p.KEYWORD_ONLY else name)
    if keyword is not None:
        if not star:
            head.append("*")
        head.append(keyword)
    if kwargs:
        head.append(f"**{kwargs}")
        call.append(f"**{kwargs}")
    return head, call


def with_out(fn: Callable[..., Any], op: str) -> Callable[..., Any]:
    """fn with torch's keyword-only `out=`, generated with fn's own parameters."""
    params = inspect.signature(fn, follow_wrapped=False).parameters
    if "out" in params:
        return fn
    ns: dict[str, Any] = {**NAMESPACE, "_fn": fn, "_cdtype": creation_dtype}
    head, call = signature_parts(list(params.values()), ns, "out=None")
    kwargs = next((p.name for p in params.values() if p.kind is p.VAR_KEYWORD), None)
    args = ", ".join(call)
    body = ["    if out is None:", f"        return _fn({args})"]
    if op in CREATION and "dtype" in params:
        body += [f"    dtype = _cdtype(out, dtype, {op!r})"]
    elif op in CREATION and kwargs:  # a (*args, **kwargs) wrapper: dtype is among the kwargs
        body += [f"    {kwargs}['dtype'] = _cdtype(out, {kwargs}.get('dtype'), {op!r})"]
    body += out_lines(op, args, params)
    source = f"def {fn.__name__}({', '.join(head)}):\n" + "\n".join(body) + "\n"
    exec(source, ns)  # noqa: S102 - a wrapper with fn's own signature, built from it
    wrapper = ns[fn.__name__]
    functools.update_wrapper(wrapper, fn)
    wrapper.__signature__ = inspect.signature(wrapper, follow_wrapped=False)
    return wrapper  # type: ignore[no-any-return]


#: the registry's ops whose torch.X takes out= (ops/_registry.py wraps them as they register)
OUT_OPS = ELEMENTWISE | REDUCTIONS


def install(namespace: dict[str, Any]) -> None:
    """Give the creation functions in namespace (torch.zeros, ...) their `out=`."""
    for op in CREATION:
        namespace[op] = with_out(namespace[op], op)
