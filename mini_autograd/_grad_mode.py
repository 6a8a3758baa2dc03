"""Grad mode: whether ops record the graph. Each switch is a context manager and a decorator."""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable, Generator
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., object])


class _State(threading.local):
    """Per-thread grad mode, as torch's: each thread starts with recording on."""

    enabled = True  # a class default: reading it in a new thread needs no __init__ call


# read on every op: a C-level thread-local attribute costs ~30 ns more than a plain one
state = _State()


def is_grad_enabled() -> bool:
    """True when new ops record the graph for backward."""
    return state.enabled


def _wrap(fn: F, switch: Callable[[], Any]) -> F:
    """fn run under a fresh `switch()` context; a generator function is switched at each of its
    resumptions (not just while it is created), as torch's decorators do."""
    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def generator(*args: object, **kwargs: object) -> Generator[Any, Any, Any]:
            gen = fn(*args, **kwargs)
            try:
                with switch():
                    response = gen.send(None)
                while True:
                    try:
                        request = yield response
                    except GeneratorExit:
                        with switch():
                            gen.close()
                        raise
                    except BaseException as err:  # noqa: BLE001 - passed into the generator
                        with switch():
                            response = gen.throw(err)
                    else:
                        with switch():
                            response = gen.send(request)
            except StopIteration as stop:
                return stop.value

        return generator  # type: ignore[return-value]

    @functools.wraps(fn)
    def wrapper(*args: object, **kwargs: object) -> object:
        with switch():
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


class _GradSwitch:
    """Base of the grad-mode context managers; subclasses say which mode they enter."""

    _mode: bool

    def __new__(cls, func: object = None) -> _GradSwitch:
        self = super().__new__(cls)
        if callable(func):  # bare decorator: @no_grad
            return self(func)  # type: ignore[return-value]
        return self

    def __enter__(self) -> None:
        self._prev = state.enabled
        state.enabled = self._mode

    def __exit__(self, *exc: object) -> None:
        state.enabled = self._prev

    def __call__(self, fn: F) -> F:
        return _wrap(fn, self.__class__)


class no_grad(_GradSwitch):  # noqa: N801 - torch's name
    """Ops inside do not record the graph: results have requires_grad=False."""

    _mode = False


class enable_grad(_GradSwitch):  # noqa: N801
    """Re-enable recording inside a no_grad region."""

    _mode = True


class inference_mode(_GradSwitch):  # noqa: N801
    """As no_grad (torch's extra inference-tensor restrictions are not modelled)."""

    def __init__(self, mode: bool = True) -> None:
        self._mode = not mode

    def __call__(self, fn: F) -> F:
        mode = not self._mode
        return _wrap(fn, lambda: inference_mode(mode))


class set_grad_enabled(_GradSwitch):  # noqa: N801
    """Set grad mode on or off; takes effect at once, and as a context manager restores on exit."""

    def __init__(self, mode: bool) -> None:
        self._prev = state.enabled
        self._mode = bool(mode)
        state.enabled = self._mode

    def __enter__(self) -> None:
        pass

    def __call__(self, fn: F) -> F:
        state.enabled = self._prev  # used as a decorator: undo the immediate switch
        mode = self._mode
        return _wrap(fn, lambda: set_grad_enabled(mode))
