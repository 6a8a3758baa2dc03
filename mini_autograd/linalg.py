"""torch.linalg: the norms, solvers and decompositions of mini_autograd.ops registered under
`linalg.<name>`, plus the products torch also places here (matmul, matrix_power, cross,
multi_dot)."""

from __future__ import annotations

from collections.abc import Sequence

from ._tensor import Tensor
from .ops import OPS
from .ops.linalg import matmul, mm  # noqa: F401 - torch.linalg.matmul too
from .ops.products import linalg_cross as cross  # noqa: F401 - torch.linalg.cross
from .ops.products import matrix_power  # noqa: F401 - torch.linalg's too


class LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: a matrix is singular, or not positive-definite."""


def multi_dot(tensors: Sequence[Tensor], *, out: Tensor | None = None) -> Tensor:
    """The product of two or more matrices (the first and last may be vectors), left to right."""
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    first, last = tensors[0], tensors[-1]
    mats = list(tensors)
    if first.dim() == 1:
        mats[0] = first.unsqueeze(0)
    if last.dim() == 1:
        mats[-1] = last.unsqueeze(-1)
    for k, t in enumerate(mats):
        if t.dim() != 2:
            raise RuntimeError(f"multi_dot(): tensor {k} must be 2D but got {t.dim()}D")
    out_ = mats[0]
    for t in mats[1:]:
        out_ = mm(out_, t)
    if last.dim() == 1:
        out_ = out_.squeeze(-1)
    if first.dim() == 1:
        out_ = out_.squeeze(0)
    return out_


_REGISTERED = {
    name.removeprefix("linalg."): info.fn
    for name, info in OPS.items()
    if name.startswith("linalg.")
}
globals().update(_REGISTERED)

__all__ = sorted([*_REGISTERED, "LinAlgError", "cross", "matmul", "matrix_power", "multi_dot"])
