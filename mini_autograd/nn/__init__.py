"""torch.nn's names: modules, parameters, init and functional."""

from __future__ import annotations

from . import functional, init, utils
from .modules import *  # noqa: F403 - the layers and losses, listed once in modules/__init__.py
from .modules import __all__ as _modules
from .parameter import Parameter

__all__ = [*_modules, "Parameter", "functional", "init", "utils"]
