"""backward(create_graph=True) warns of the parameter/gradient reference cycle as torch's engine:
a UserWarning once per process (TORCH_WARN_ONCE), every time under set_warn_always(True); never
for autograd.grad nor for backward without create_graph. Each program runs in both frameworks."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import torch

import mini_autograd as ma
from mini_autograd import _warn_once

CYCLE = "Using backward() with create_graph=True will create a reference cycle"


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Ours as in a new process (nothing warned yet); torch's once-only warnings given always, so
    that torch is probed whatever ran before in this process."""
    monkeypatch.setattr(_warn_once, "_given", set())
    monkeypatch.setattr(_warn_once, "_state", {"always": False})
    before = torch.is_warn_always_enabled()
    yield
    torch.set_warn_always(before)


def cycle_warnings(T: Any, program: Callable[[Any], Any]) -> list[warnings.WarningMessage]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with contextlib.suppress(RuntimeError):
            program(T)
    return [w for w in caught if CYCLE in str(w.message)]


def _x(T: Any) -> Any:
    return T.tensor([1.0, 2.0], requires_grad=True)


WARNS = {
    "backward": lambda T: (_x(T) ** 2).sum().backward(create_graph=True),
    "linear: the gradient has no graph": lambda T: (_x(T) * 2).sum().backward(create_graph=True),
    "two leaves": lambda T: (_x(T) * _x(T)).sum().backward(create_graph=True),
    "inputs=[a non-leaf]": lambda T: (
        lambda y: (y**2).sum().backward(create_graph=True, inputs=[y])
    )(_x(T) * 3),
    "autograd.backward": lambda T: T.autograd.backward([(_x(T) ** 2).sum()], create_graph=True),
    "backward of a leaf": lambda T: _x(T).backward(T.ones(2), create_graph=True),
    "a Module": lambda T: T.nn.Linear(2, 1)(_x(T)).sum().backward(create_graph=True),
}

SILENT = {
    "autograd.grad": lambda T: T.autograd.grad((_x(T) ** 2).sum(), _x(T), create_graph=True),
    "no create_graph": lambda T: (_x(T) ** 2).sum().backward(),
    "retain_graph only": lambda T: (_x(T) ** 2).sum().backward(retain_graph=True),
    "a gradient that requires grad": lambda T: (
        (_x(T) ** 2).sum().backward(T.tensor(1.0, requires_grad=True))
    ),
    "non-scalar without a gradient (refused first)": lambda T: (_x(T) ** 2).backward(
        create_graph=True
    ),
    "empty inputs (refused first)": lambda T: (
        (_x(T) ** 2).sum().backward(create_graph=True, inputs=[])
    ),
}


@pytest.mark.parametrize("name", WARNS)
def test_create_graph_backward_warns_as_torch(fresh: None, name: str) -> None:
    torch.set_warn_always(True)
    for T in (torch, ma):
        caught = cycle_warnings(T, WARNS[name])
        assert len(caught) == 1 and caught[0].category is UserWarning, (T.__name__, caught)
        assert str(caught[0].message).startswith(CYCLE)
    ma.set_warn_always(True)
    assert str(cycle_warnings(ma, WARNS[name])[0].message) in str(
        cycle_warnings(torch, WARNS[name])[0].message
    )  # the same text (torch adds where in its C++ it was triggered)


@pytest.mark.parametrize("name", SILENT)
def test_no_warning_where_torch_gives_none(fresh: None, name: str) -> None:
    torch.set_warn_always(True)
    for T in (torch, ma):
        assert cycle_warnings(T, SILENT[name]) == [], T.__name__


def test_once_per_process_unless_warn_always(fresh: None) -> None:
    def three(T: Any) -> None:
        x = _x(T)
        for _ in range(3):
            (x**2).sum().backward(create_graph=True)

    with pytest.warns(UserWarning, match="create a reference cycle"):
        (_x(ma) ** 2).sum().backward(create_graph=True)
    assert cycle_warnings(ma, three) == []  # given once already
    for T in (torch, ma):
        T.set_warn_always(True)
        assert T.is_warn_always_enabled()
        assert len(cycle_warnings(T, three)) == 3
        T.set_warn_always(False)
        assert not T.is_warn_always_enabled()


def test_the_gradient_is_copied_as_torch() -> None:
    """The first gradient of a create_graph backward is a copy: torch's node is CopyBackwards."""
    got = []
    for T in (torch, ma):
        x = T.tensor([1.0, 2.0], dtype=T.float64, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            (x**3).sum().backward(create_graph=True)
        first = (x.grad.grad_fn.name(), repr(x.grad).split("grad_fn=")[1], x.grad.tolist())
        x.grad.sum().backward()
        got.append((*first, x.grad.tolist(), x.grad.grad_fn.name()))
    assert got[0] == got[1]
