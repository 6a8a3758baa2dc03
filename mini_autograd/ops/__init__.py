"""All ops, grouped by family; importing this package registers them (see _registry.OPS)."""

from . import (  # noqa: F401 - registration
    activation,
    arithmetic,
    classification,
    conv,
    convert,
    diagonal,
    elementwise,
    indexing,
    join,
    layout,
    linalg,
    logical,
    loss,
    minmax,
    normalization,
    numeric,
    padding,
    pooling,
    reduction,
    scan,
    scatter,
    shape,
    sorting,
    stats,
    trig,
    unary,
    vision,
)
from ._registry import OPS, OpInfo, functional, top_level

__all__ = ["OPS", "OpInfo", "functional", "top_level"]
