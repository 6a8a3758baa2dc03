"""Einstein summation and the products built on it: einsum (ellipsis, repeated indices, broadcast,
implicit output, the sublist form), tensordot and kron.

Every einsum's backward is again one einsum: the gradient of operand k contracts the upstream
gradient with the other operands, an identity matrix restores each repeated index (a diagonal),
and a vector of ones spreads it over an index that operand k summed alone. So einsum is as many
times differentiable as anyone asks.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._tensor import Tensor
from ._registry import register
from ._util import Node, data, promote, tensor_arg
from .shape import Expand, Reshape

_LETTERS = string.ascii_letters


class Einsum(Node):
    """d einsum(s_1,...,s_n -> out)/d x_k = einsum(out, s_j (j != k), eye, ones -> s_k)"""

    def __init__(self, subs: tuple[str, ...], out: str, node: str = "EinsumBackward0") -> None:
        self.subs, self.out, self.node = subs, out, node

    def forward(self, *xs):
        eq = ",".join(self.subs) + "->" + self.out
        if len(xs) > 2:  # the contraction order, planned once per equation and shapes
            path = _path(eq, tuple(np.shape(x) for x in xs))
            y = np.einsum(eq, *xs, optimize=path)
        else:
            y = np.einsum(eq, *xs, optimize=len(xs) == 2)
        return np.asarray(y, dtype=np.result_type(*xs))

    def backward(self, gy, *xs):
        grads = tuple(
            _operand_grad(k, gy, xs, self.subs, self.out) if need else None
            for k, need in enumerate(self.needs_input_grad)
        )
        return grads if len(xs) > 1 else grads[0]


@functools.lru_cache(maxsize=1024)
def _path(eq: str, shapes: tuple[tuple[int, ...], ...]) -> list[Any]:
    """numpy's greedy contraction order for an equation on operands of these shapes."""
    dummies = [np.empty(s) for s in shapes]
    return np.einsum_path(eq, *dummies, optimize="greedy")[0]


def _operand_grad(k: int, gy: Any, xs: tuple, subs: tuple[str, ...], out: str) -> Any:
    """One einsum: gy and every other operand, contracted back to operand k's subscripts."""
    target = subs[k]
    sizes = dict(zip(target, np.shape(xs[k]), strict=True))
    dtype = np.asarray(data(gy)).dtype
    ops, op_subs = [gy], [out]
    for j, (x, s) in enumerate(zip(xs, subs, strict=True)):
        if j != k:
            ops.append(x)
            op_subs.append(s)
    free = iter(c for c in _LETTERS if c not in "".join((*subs, out)))
    present = set("".join(op_subs))
    renamed = []
    for c in target:
        if c in renamed:  # a repeated index: the gradient sits on the diagonal
            fresh = next(free)
            ops.append(np.eye(sizes[c], dtype=dtype))
            op_subs.append(c + fresh)
            renamed.append(fresh)
            continue
        if c not in present:  # summed by operand k alone: the gradient is constant along it
            ops.append(np.ones(sizes[c], dtype=dtype))
            op_subs.append(c)
            present.add(c)
        renamed.append(c)
    return Einsum.apply(*ops, subs=tuple(op_subs), out="".join(renamed))


def _parse(equation: str, shapes: list[tuple[int, ...]]) -> tuple[list[str], str]:
    """torch's equation rules: the subscripts of each operand and of the output, ellipses spelt
    out as fresh letters (broadcast from the right), an implicit output sorted."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) > len(shapes):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(terms) < len(shapes):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    for c in eq:
        if c not in _LETTERS and c not in ",.->":
            raise RuntimeError(f"einsum(): invalid subscript given at index {eq.index(c)} in the "
                               f"equation string, subscripts must be in [a-zA-Z]")  # fmt: skip
    used = set(eq)
    free = [c for c in _LETTERS if c not in used]
    ell_ndim = 0
    for t, shape in zip(terms, shapes, strict=True):
        n_labels = len(t.replace("...", ""))
        if "..." in t:
            ell_ndim = max(ell_ndim, len(shape) - n_labels)
            if len(shape) < n_labels:
                raise RuntimeError(
                    f"einsum(): the number of subscripts in the equation ({n_labels}) is more "
                    f"than the number of dimensions ({len(shape)}) for operand "
                    f"{terms.index(t)}"
                )
        elif n_labels != len(shape):
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({n_labels}) does not match "
                f"the number of dimensions ({len(shape)}) for operand {terms.index(t)} and no "
                "ellipsis was given"
            )
    if ell_ndim > len(free):
        raise RuntimeError("einsum(): too many dimensions for the available subscript letters")
    ell = "".join(free[:ell_ndim])
    subs = []
    for t, shape in zip(terms, shapes, strict=True):
        n = len(shape) - len(t.replace("...", ""))
        subs.append(t.replace("...", ell[ell_ndim - n :]) if "..." in t else t)
    if arrow:
        out = rhs.replace("...", ell)
        seen = "".join(subs)
        for c in rhs.replace("...", ""):
            if c not in seen:
                raise RuntimeError(
                    f"einsum(): output subscript {c} does not appear in the equation for any "
                    "input operand"
                )
            if rhs.count(c) > 1:
                raise RuntimeError(
                    f"einsum(): output subscript {c} appears more than once in the output"
                )
    else:
        counts = "".join(t.replace("...", "") for t in terms)
        out = ell + "".join(sorted(c for c in set(counts) if counts.count(c) == 1))
    return subs, out


def _sublist_equation(args: Sequence[Any]) -> tuple[str, list[Any]]:
    """einsum(op1, [0, 1], op2, [1, 2], [0, 2]): the equation the sublists spell."""

    def letters(sub: Sequence[Any]) -> str:
        return "".join("..." if s is Ellipsis else _LETTERS[int(s)] for s in sub)

    operands = list(args[0::2][: len(args) // 2])
    terms = [letters(s) for s in args[1::2][: len(args) // 2]]
    eq = ",".join(terms)
    if len(args) % 2:
        eq += "->" + letters(args[-1])
    return eq, operands


@register(method=False)
def einsum(*args: Any) -> Tensor:
    """Sum of products over the indices an Einstein equation names (torch's rules)."""
    if not args:
        raise TypeError("einsum(): must specify the equation string and at least one operand")
    if isinstance(args[0], str):
        equation, operands = args[0], list(args[1:])
        if len(operands) == 1 and isinstance(operands[0], list | tuple):
            operands = list(operands[0])
    else:
        equation, operands = _sublist_equation(args)
    if not operands:
        raise RuntimeError("einsum(): must provide at least one operand")
    operands = [tensor_arg(x, "einsum", "operands") for x in operands]
    dtype = operands[0]._data.dtype
    for x in operands[1:]:
        if x._data.dtype != dtype:
            raise RuntimeError(
                f"expected scalar type {_c_name(dtype)} but found {_c_name(x._data.dtype)}"
            )
    subs, out = _parse(equation, [x._data.shape for x in operands])
    sizes: dict[str, int] = {}
    for k, (s, x) in enumerate(zip(subs, operands, strict=True)):
        own: dict[str, int] = {}
        for c, n in zip(s, x._data.shape, strict=True):
            if c in own and own[c] != n:
                raise RuntimeError(
                    f"einsum(): subscript {c} is repeated for operand {k} but the sizes don't "
                    f"match, {own[c]} != {n}"
                )
            own[c] = n
            seen = sizes.get(c, 1)
            if n != 1 and seen != 1 and n != seen:
                raise RuntimeError(
                    f"einsum(): subscript {c} has size {n} for operand {k} which does not "
                    f"broadcast with previously seen size {seen}"
                )
            sizes[c] = n if n != 1 else seen  # 0 is a size too: it does not broadcast
    for k, (s, x) in enumerate(zip(subs, operands, strict=True)):
        full = tuple(sizes[c] for c in s)
        if full != x._data.shape:  # size-1 dimensions broadcast, and are summed in the gradient
            operands[k] = Expand(full)._run(x)
    return Einsum(tuple(subs), out)._run(*operands)


def _c_name(dt: np.dtype) -> str:
    return {"float32": "Float", "float64": "Double", "int64": "Long", "int32": "Int"}.get(
        dt.name, dt.name
    )


@register(method=False)
def tensordot(
    a: Tensor, b: Tensor, dims: int | Sequence[Any] | Tensor = 2, out: Tensor | None = None
) -> Tensor:
    """Contract the last `dims` dimensions of a with the first of b (or the listed pairs)."""
    a, b = tensor_arg(a, "tensordot", "a"), tensor_arg(b, "tensordot", "b")
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > a.dim() or dims > b.dim():
            raise RuntimeError(
                f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}, "
                f"ndim_a={a.dim()}, ndim_b={b.dim()}"
            )
        da, db = list(range(a.dim() - dims, a.dim())), list(range(dims))
    else:
        da, db = dims
        da = [da] if isinstance(da, int) else list(da)
        db = [db] if isinstance(db, int) else list(db)
        if len(da) != len(db):
            raise RuntimeError(
                f"both dimension lists should have same length (tensordot got {len(da)} and "
                f"{len(db)})"
            )
    da = [d % max(a.dim(), 1) for d in da]
    db = [d % max(b.dim(), 1) for d in db]
    for i, j in zip(da, db, strict=True):
        # torch broadcasts a contracted size-1 dimension: the other side is summed over it
        if a.shape[i] == 1 and b.shape[j] != 1:
            b = b.sum(j, keepdim=True)
        elif b.shape[j] == 1 and a.shape[i] != 1:
            a = a.sum(i, keepdim=True)
        if a.shape[i] != b.shape[j]:
            raise RuntimeError(
                f"contracted dimensions need to match, but first has size {a.shape[i]} in dim "
                f"{i} and second has size {b.shape[j]} in dim {j}"
            )
    sa = [_LETTERS[i] for i in range(a.dim())]
    sb = [_LETTERS[a.dim() + i] for i in range(b.dim())]
    for i, j in zip(da, db, strict=True):
        sb[j] = sa[i]
    out_subs = [c for i, c in enumerate(sa) if i not in da] + [
        c for j, c in enumerate(sb) if j not in db
    ]
    eq = f"{''.join(sa)},{''.join(sb)}->{''.join(out_subs)}"
    return einsum(eq, a, b)


@register()
def kron(input: Tensor, other: Tensor) -> Tensor:
    """The Kronecker product: out[i*m + k, j*n + l] = input[i, j] * other[k, l], any rank."""
    a, b = promote([tensor_arg(input, "kron"), tensor_arg(other, "kron", "other")])
    nd = max(a.dim(), b.dim())
    a = Reshape((1,) * (nd - a.dim()) + a._data.shape)._run(a) if a.dim() < nd else a
    b = Reshape((1,) * (nd - b.dim()) + b._data.shape)._run(b) if b.dim() < nd else b
    sa = _LETTERS[:nd]
    sb = _LETTERS[nd : 2 * nd]
    inter = "".join(x + y for x, y in zip(sa, sb, strict=True))
    y = einsum(f"{sa},{sb}->{inter}", a, b)
    shape = tuple(m * n for m, n in zip(a._data.shape, b._data.shape, strict=True))
    return Reshape(shape)._run(y)
