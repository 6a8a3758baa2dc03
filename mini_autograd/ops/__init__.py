"""All ops, grouped by family; importing this package registers them (see _registry.OPS)."""

from . import elementwise, linalg, reduction, shape  # noqa: F401 - registration
from ._registry import OPS, OpInfo, functional, top_level

__all__ = ["OPS", "OpInfo", "functional", "top_level"]
