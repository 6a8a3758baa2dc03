"""torch's TORCH_WARN_ONCE: a warning given the first time only, in the whole process, unless
`torch.set_warn_always(True)` asks for it every time."""

from __future__ import annotations

import os
import sys
import warnings

_state = {"always": False}
_given: set[str] = set()


def set_warn_always(b: bool) -> None:
    """When True, warnings torch gives once per process are given every time."""
    _state["always"] = bool(b)


def is_warn_always_enabled() -> bool:
    """Whether warnings torch gives once per process are given every time."""
    return _state["always"]


_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def user_stacklevel() -> int:
    """The `stacklevel` for a warning given by the caller that points at the user's line: the
    first frame outside mini_autograd and its generated wrappers (torch's warnings point there)."""
    frame, level = sys._getframe(1), 1
    while frame is not None and (
        frame.f_code.co_filename.startswith(_PACKAGE) or frame.f_code.co_filename == "<string>"
    ):
        frame, level = frame.f_back, level + 1
    return level


def warn_once(key: str, message: str) -> None:
    """Warn (UserWarning) the first time `key` comes up, or every time with warn_always."""
    if key in _given and not _state["always"]:
        return
    _given.add(key)
    warnings.warn(message, UserWarning, stacklevel=user_stacklevel())


CREATE_GRAPH_CYCLE = (
    "Using backward() with create_graph=True will create a reference cycle between the parameter "
    "and its gradient which can cause a memory leak. We recommend using autograd.grad when "
    "creating the graph to avoid this. If you have to use this function, make sure to reset the "
    ".grad fields of your parameters to None after use to break the cycle and avoid the leak."
)
