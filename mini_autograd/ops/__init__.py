"""All ops, grouped by family; importing this package registers them (see _registry.OPS)."""

from . import (  # noqa: F401 - registration
    activation,
    classification,
    conv,
    convert,
    elementwise,
    indexing,
    join,
    linalg,
    logical,
    loss,
    minmax,
    normalization,
    padding,
    pooling,
    reduction,
    shape,
    unary,
    vision,
)
from ._registry import OPS, OpInfo, functional, top_level

__all__ = ["OPS", "OpInfo", "functional", "top_level"]
