"""Engine adapters: how the harness drives an engine that does not speak torch's names.

`load("dezero")` / `load("tinygrad")` / `load("micrograd")` give a built-in adapter's namespace;
`load("path/to/my_engine.py")` or `load("mypkg.module:MyAdapter")` a user's `Adapter` subclass
(a file or module defining `ADAPTER` or exactly one `Adapter` subclass); any other name is
imported as a module that already has torch's names (mini_autograd, torch itself).
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import sys
from pathlib import Path
from types import ModuleType

from .base import Adapter, Namespace, NotApplicable

#: the built-in adapters, by the name `--engine` takes
BUILTIN = {
    "dezero": "compare.engines.dezero",
    "tinygrad": "compare.engines.tinygrad",
    "micrograd": "compare.engines.micrograd",
}

__all__ = ["BUILTIN", "Adapter", "EngineError", "Namespace", "NotApplicable", "adapter_of", "load"]


class EngineError(Exception):
    """The engine named cannot be loaded (a usage error: the message says why)."""


def load(spec: str) -> ModuleType:
    """The torch-named namespace for `spec` (an adapter name, a file, `module:Class`, a module)."""
    if spec in BUILTIN:
        return _instantiate(_adapter_class(importlib.import_module(BUILTIN[spec]), spec), spec)
    if spec.endswith(".py"):
        path = Path(spec)
        if not path.is_file():
            raise EngineError(f"no engine file {spec!r}")
        module = _import_file(path)
        return _instantiate(_adapter_class(module, spec), spec)
    if ":" in spec:
        module_name, _, attr = spec.partition(":")
        module = _import(module_name, spec)
        cls = getattr(module, attr, None)
        if cls is None:
            raise EngineError(f"module {module_name!r} has no attribute {attr!r}")
        return _instantiate(cls, spec)
    return _import(spec, spec)


def adapter_of(engine: ModuleType) -> Adapter | None:
    """The adapter behind a loaded engine namespace, or None for a torch-named module."""
    return engine.adapter if isinstance(engine, Namespace) else None


def _import(name: str, spec: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise EngineError(f"cannot import the engine {spec!r}: {exc}") from exc


def _import_file(path: Path) -> ModuleType:
    name = f"_user_engine_{path.stem}"
    loaded = importlib.util.spec_from_file_location(name, path)
    if loaded is None or loaded.loader is None:
        raise EngineError(f"cannot load {str(path)!r} as a Python module")
    module = importlib.util.module_from_spec(loaded)
    folder = str(path.resolve().parent)
    sys.path.insert(0, folder)  # the adapter imports the engine beside it, as a script would
    try:
        loaded.loader.exec_module(module)
    except Exception as exc:
        raise EngineError(f"{str(path)!r} failed to load: {type(exc).__name__}: {exc}") from exc
    finally:
        sys.path.remove(folder)
    return module


def _adapter_class(module: ModuleType, spec: str) -> type[Adapter]:
    cls = getattr(module, "ADAPTER", None)
    if cls is not None:
        return cls
    found = [
        c
        for c in vars(module).values()
        if inspect.isclass(c) and issubclass(c, Adapter) and c.__module__ == module.__name__
    ]
    if len(found) != 1:
        raise EngineError(
            f"{spec!r} must define ADAPTER or exactly one compare.engines.Adapter subclass "
            f"(found {len(found)})"
        )
    return found[0]


def _instantiate(cls: object, spec: str) -> ModuleType:
    if not (inspect.isclass(cls) and issubclass(cls, Adapter)):
        raise EngineError(f"{spec!r} is not a compare.engines.Adapter subclass")
    try:
        return cls().namespace()
    except ImportError as exc:
        raise EngineError(
            f"the {spec!r} adapter needs its engine installed ({exc}); "
            'pip install -c constraints.txt -e ".[engines]"'
        ) from exc
