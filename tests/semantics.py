"""Probes of torch's semantics, run in both frameworks: one program, written once against the torch
namespace `T`, must give the same result in mini_autograd as in torch, or the same error.

A probe is one line of data, `Probe(name, program)` or `Probe(name, program, raises=Type,
match="gist")`; `check(probe)` runs it under torch and mini_autograd and compares what came back:
tensors by shape, dtype, requires_grad and values; numbers, strings, tuples and lists element by
element; an expected error by its type and the gist of its message (checked in both frameworks, so
a probe also proves torch really says so).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

import mini_autograd as ma
import mini_autograd.nn.functional  # noqa: F401 - T.nn.functional in both frameworks

Program = Callable[[Any], Any]


@dataclass(frozen=True)
class Probe:
    """One program and what it must give: the same value as torch, or `raises` with `match`."""

    name: str
    program: Program
    raises: type[BaseException] | None = None
    match: str = ""  # a regex both frameworks' messages must contain (case-insensitive)
    warns: type[Warning] | None = None  # both frameworks must warn with this category

    def __repr__(self) -> str:
        return self.name


def run(program: Program, T: Any) -> tuple[Any, BaseException | None, list]:
    """The program's result or its exception, and the warnings it raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            return program(T), None, list(caught)
        except Exception as err:  # noqa: BLE001 - any error is a result to compare
            return None, err, list(caught)


def check(probe: Probe) -> None:
    """Run the probe in both frameworks and assert they agree (see the module docstring)."""
    want, t_err, t_warn = run(probe.program, torch)
    got, m_err, m_warn = run(probe.program, ma)
    if probe.raises is not None:
        for who, err in (("torch", t_err), ("mini_autograd", m_err)):
            assert isinstance(err, probe.raises), (
                f"{probe.name}: {who} should raise {probe.raises.__name__}, got {err!r}"
            )
            assert re.search(probe.match, str(err), re.IGNORECASE | re.DOTALL), (
                f"{probe.name}: {who}'s message lacks {probe.match!r}: {err}"
            )
        return
    if t_err is not None:
        raise AssertionError(f"{probe.name}: torch raised {t_err!r}; the probe is wrong")
    if m_err is not None:
        raise AssertionError(f"{probe.name}: mini_autograd raised {m_err!r}, torch gave {want!r}")
    if probe.warns is not None:
        for who, caught in (("torch", t_warn), ("mini_autograd", m_warn)):
            assert any(issubclass(w.category, probe.warns) for w in caught), (
                f"{probe.name}: {who} did not warn ({probe.warns.__name__}): {caught}"
            )
    same(got, want, probe.name)


def same(got: Any, want: Any, where: str) -> None:
    """Assert a mini_autograd result equals torch's (tensors by dtype, shape, values, grad flag)."""
    if isinstance(want, torch.Tensor):
        assert isinstance(got, ma.Tensor), f"{where}: expected a Tensor, got {got!r}"
        assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1], (
            f"{where}: dtype {got.dtype} != torch's {want.dtype}"
        )
        assert tuple(got.shape) == tuple(want.shape), (
            f"{where}: shape {list(got.shape)} != torch's {list(want.shape)}"
        )
        assert got.requires_grad == want.requires_grad, f"{where}: requires_grad differs"
        w = want.detach().numpy()
        g = got.detach().numpy()
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-6, err_msg=where)
    elif isinstance(want, tuple | list):
        assert isinstance(got, tuple | list) and len(got) == len(want), (
            f"{where}: {got!r} != torch's {want!r}"
        )
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            same(g, w, f"{where}[{i}]")
    elif isinstance(want, float):
        assert isinstance(got, float) and np.isclose(got, want, rtol=1e-6), (
            f"{where}: {got!r} != torch's {want!r}"
        )
    elif isinstance(want, torch.dtype):
        assert str(got).split(".")[-1] == str(want).split(".")[-1], f"{where}: {got} != {want}"
    else:
        assert type(got) is type(want) and got == want, f"{where}: {got!r} != torch's {want!r}"
