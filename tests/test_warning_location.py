"""torch's warnings point at the user's line, not into the library (nor its generated wrappers)."""

from __future__ import annotations

import warnings

import pytest
import torch

import mini_autograd

CASES = {
    "out_resized": lambda T: T.add(T.ones(2), 1.0, out=T.empty(3)),
    "T_on_3d": lambda T: T.ones(2, 3, 4).T,
    "softmax_implicit_dim": lambda T: T.nn.functional.softmax(T.ones(2, 3)),
    "grad_of_non_leaf": lambda T: (T.ones(2, requires_grad=True) * 2).grad,
    "nested_list_index": lambda T: T.arange(6.0).reshape(3, 2)[[[0, 1], [1, 0]]],
}


@pytest.mark.parametrize("T", [torch, mini_autograd], ids=["torch", "mini_autograd"])
@pytest.mark.parametrize("make", CASES.values(), ids=CASES.keys())
def test_the_warning_points_at_the_callers_line(make, T) -> None:
    T.set_warn_always(True)  # torch gives some of these once per process
    try:
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            make(T)
    finally:
        T.set_warn_always(False)
    ours = [w for w in seen if issubclass(w.category, UserWarning)]
    assert ours, "no warning"
    assert {w.filename for w in ours} == {__file__}
