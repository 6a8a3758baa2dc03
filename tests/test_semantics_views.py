"""Writes through views, against torch: a table of (view op, write op, situation) run in both
frameworks, comparing the base's and the view's values, the version counters, the gradients that
reach the leaf and the errors (type and torch's gist)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
import torch

import mini_autograd as ma

VIEWS = {
    "transpose": lambda b: b.transpose(0, 1),
    "t": lambda b: b.t(),
    "T": lambda b: b.T,
    "mT": lambda b: b.mT,
    "permute": lambda b: b.permute(1, 0),
    "diagonal": lambda b: b.diagonal(),
    "narrow": lambda b: b.narrow(1, 1, 2),
    "select": lambda b: b.select(0, 1),
    "x[int]": lambda b: b[1],
    "x[::2]": lambda b: b[:, ::2],
    "unsqueeze": lambda b: b.unsqueeze(0),
    "squeeze": lambda b: b.unsqueeze(0).squeeze(0),
    "view": lambda b: b.view(12),
    "reshape": lambda b: b.reshape(4, 3),
    "flatten": lambda b: b.flatten(),
    "unflatten": lambda b: b.unflatten(1, (2, 2)),
    "movedim": lambda b: b.movedim(0, 1),
    "unfold": lambda b: b.unfold(1, 2, 2),
    "t().t()": lambda b: b.t().t(),
    "split": lambda b: b.split(2, 1)[0],
    "chunk": lambda b: b.chunk(2, 1)[1],
    "unbind": lambda b: b.unbind(0)[1],
    "expand": lambda b: b[:1].expand(3, 4),
    "as_strided": lambda b: b.as_strided((2, 2), (4, 1), 1),
    "detach": lambda b: b.detach(),
}


def writes(T: Any) -> dict[str, Any]:
    return {
        "v[0] = 5": lambda v: v.__setitem__(0, 5.0),
        "v[...] = 5": lambda v: v.__setitem__(..., 5.0),
        "add_": lambda v: v.add_(1.0),
        "mul_": lambda v: v.mul_(2.0),
        "copy_": lambda v: v.copy_(T.full(v.shape, 7.0, dtype=T.float64)),
        "fill_": lambda v: v.fill_(3.0),
        "zero_": lambda v: v.zero_(),
        "clamp_": lambda v: v.clamp_(0.0, 5.0),
        "+=": lambda v: v.__iadd__(1.0),
        "*=": lambda v: v.__imul__(2.0),
        "exp_": lambda v: v.exp_(),
    }


WRITES = tuple(writes(torch))


def _base(T: Any, requires_grad: bool) -> Any:
    data = np.arange(12.0).reshape(3, 4) - 5.0
    return T.tensor(data, dtype=T.float64, requires_grad=requires_grad)


def program(T: Any, situation: str, view: str, write: str) -> tuple:
    v_of, w = VIEWS[view], writes(T)[write]
    x = _base(T, situation != "plain")
    try:
        if situation == "plain":
            v = v_of(x)
            w(v)
            return ("ok", x.tolist(), v.tolist(), x._version, v._version)
        if situation == "view of a leaf":
            w(v_of(x))
            return ("ok",)
        b = x * 1  # a non-leaf of the graph
        v = v_of(b)
        w(v)
        weights = T.tensor(np.arange(12.0).reshape(3, 4) * 0.5 + 1, dtype=T.float64)
        ((b * weights).sum() + (v * v).sum()).backward()
        return ("ok", b.tolist(), v.tolist(), x.grad.tolist(), b._version, v._version)
    except RuntimeError as err:
        return ("RuntimeError", _gist(str(err)))


def _gist(message: str) -> str:
    for gist in (
        "a view of a leaf Variable that requires grad is being used in an in-place operation",
        "more than one element of the written-to tensor refers to a single memory location",
    ):
        if gist in message:
            return gist
    return "(another message)"


def _cases(situation: str) -> list[Any]:
    out = []
    for view in VIEWS:
        for write in WRITES:
            if situation != "plain" and view in ("split", "chunk", "unbind"):
                continue  # both refuse (test_semantics_views_modes.py checks torch's message)
            out.append(pytest.param(situation, view, write, id=f"{view}-{write}"))
    return out


@pytest.mark.parametrize(
    "situation, view, write",
    _cases("plain") + _cases("view of a leaf") + _cases("non-leaf"),
)
def test_write_through_a_view_as_torch(situation: str, view: str, write: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = program(torch, situation, view, write)
        got = program(ma, situation, view, write)
    assert got == want


@pytest.mark.parametrize("view", ["split", "chunk", "unbind"])
def test_multi_output_views_of_the_graph_refuse_in_place_writes(view: str) -> None:
    for T in (torch, ma):
        for base in (_base(T, True), _base(T, True) * 1):
            v = VIEWS[view](base)
            with pytest.raises(RuntimeError):
                v.add_(1.0)


def test_a_write_through_a_slice_rebases_the_slice_as_torch() -> None:
    """y = b.narrow(...); y[0] = 5: y's gradient no longer reaches the overwritten values; torch
    replays the view on the new base (AsStridedBackward0), the base gets CopySlices."""
    names = []
    for T in (torch, ma):
        b = _base(T, True) * 1
        v = b.narrow(1, 1, 2)
        v[0] = 5.0
        names.append((b.grad_fn.name().split("::")[-1], v.grad_fn.name(), repr(b).split("=<")[1]))
    assert names[0] == names[1]
