"""The allowlist of the safe loader: what weights_only accepts beyond tensors and containers."""

from __future__ import annotations

import contextlib
import pickle
from collections.abc import Iterator
from typing import Any

_allowed: dict[str, Any] = {}

# modules torch blocks outright (their names lead to code execution)
_BLOCKED = ("os", "posix", "nt", "subprocess", "sys", "builtins", "shutil", "socket", "runpy")


def _qualname(obj: Any) -> str:
    return f"{obj.__module__}.{obj.__qualname__}"


def add_safe_globals(safe_globals: list[Any]) -> None:
    """Allow these classes/functions in files loaded with weights_only=True (trust them first)."""
    for obj in safe_globals:
        if isinstance(obj, tuple):  # (obj, "module.name") as torch accepts
            obj, name = obj
            _allowed[name] = obj
        else:
            _allowed[_qualname(obj)] = obj


def get_safe_globals() -> list[Any]:
    """The user-allowed globals."""
    return list(_allowed.values())


def clear_safe_globals() -> None:
    """Forget every user-allowed global."""
    _allowed.clear()


@contextlib.contextmanager
def safe_globals(safe_globals: list[Any]) -> Iterator[None]:
    """Allow these globals inside the with block only."""
    before = dict(_allowed)
    add_safe_globals(safe_globals)
    try:
        yield
    finally:
        _allowed.clear()
        _allowed.update(before)


def safe_global(module: str, name: str) -> Any:
    """The user-allowed object for module.name, or None."""
    return _allowed.get(f"{module}.{name}")


_PREAMBLE = (
    "Weights only load failed. Re-running `load` with `weights_only` set to `False` will likely "
    "succeed, but it can result in arbitrary code execution. Do it only if you got the file from "
    "a trusted source.\n\n"
)


def unsupported_global(module: str, name: str) -> pickle.UnpicklingError:
    """torch's refusal of a global the safe loader does not allow."""
    root = module.partition(".")[0]
    if root in _BLOCKED:
        why = f"Trying to load unsupported GLOBAL {module}.{name} whose module {module} is blocked."
    else:
        why = (
            f"WeightsUnpickler error: Unsupported global: GLOBAL {module}.{name} was not an "
            "allowed global by default. Please use "
            f"`mini_autograd.serialization.add_safe_globals([{module}.{name}])` or the "
            f"`mini_autograd.serialization.safe_globals([{module}.{name}])` context manager to "
            "allowlist this global if you trust this class/function."
        )
    return pickle.UnpicklingError(_PREAMBLE + why)
