"""All ops, grouped by family; importing this package registers them (see _registry.OPS)."""

from . import (  # noqa: F401 - registration
    activation,
    activation_more,
    attention,
    classification,
    convert,
    decomposition,
    distance,
    einsum,
    elementwise,
    indexing,
    join,
    linalg,
    logical,
    loss,
    loss_more,
    lstsq,
    minmax,
    normalization,
    norms,
    products,
    reduction,
    shape,
    unary,
)
from ._registry import OPS, OpInfo, functional, top_level

__all__ = ["OPS", "OpInfo", "functional", "top_level"]
