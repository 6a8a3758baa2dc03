"""testing.assert_close against torch.testing.assert_close: the same verdicts, the same words."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import mini_autograd as mt

CASES = [
    ("float32 vector", lambda T: (T.tensor([1.0, 2.0, 3.0]), T.tensor([1.0, 2.1, 3.5])), {}),
    ("matrix", lambda T: (T.tensor([[1.0, 2.0], [3, 4]]), T.tensor([[1.0, 2.0], [3, 4.5]])), {}),
    ("0-d", lambda T: (T.tensor(1.0), T.tensor(1.5)), {}),
    ("python floats", lambda T: (1.0, 1.5), {}),
    ("dtype", lambda T: (T.tensor([1.0]), T.tensor([1.0], dtype=T.float64)), {}),
    ("shape", lambda T: (T.tensor([1.0]), T.tensor([1.0, 2])), {}),
    ("ints", lambda T: (T.tensor([1, 2]), T.tensor([1, 3])), {}),
    ("bools", lambda T: (T.tensor([True]), T.tensor([False])), {}),
    ("nan", lambda T: (T.tensor([float("nan")]), T.tensor([float("nan")])), {}),
    (
        "nan equal",
        lambda T: (T.tensor([float("nan")]), T.tensor([float("nan")])),
        {"equal_nan": True},
    ),
    ("zero expected", lambda T: (T.tensor([0.0, 1.0]), T.tensor([0.0, 0.0])), {}),
    (
        "float64 close",
        lambda T: (T.tensor([1.0], dtype=T.float64), T.tensor([1 + 1e-9], dtype=T.float64)),
        {},
    ),
    (
        "float64 far",
        lambda T: (
            T.tensor([1.0, 5.0], dtype=T.float64),
            T.tensor([1 + 1e-6, 5.0], dtype=T.float64),
        ),
        {},
    ),
    ("tolerances", lambda T: (T.tensor([1.0]), T.tensor([1.1])), {"rtol": 0.2, "atol": 0.0}),
    ("list", lambda T: ([T.tensor(1.0)], [T.tensor(2.0)]), {}),
    ("dict", lambda T: ({"a": T.tensor(1.0)}, {"a": T.tensor(2.0)}), {}),
    ("nested", lambda T: ({"a": [T.ones(2), T.zeros(3)]}, {"a": [T.ones(2), T.ones(3)]}), {}),
    (
        "mixed dtype",
        lambda T: (T.tensor([1.0]), T.tensor([1.5], dtype=T.float64)),
        {"check_dtype": False},
    ),
    ("custom msg", lambda T: (T.tensor([1.0]), T.tensor([2.0])), {"msg": "custom"}),
]


def _outcome(T, make, kwargs):
    try:
        T.testing.assert_close(*make(T), **kwargs)
    except (AssertionError, TypeError, ValueError) as err:
        return type(err).__name__, str(err).replace("torch.", "T.")
    return None


@pytest.mark.parametrize(("name", "make", "kwargs"), CASES, ids=[c[0] for c in CASES])
def test_assert_close_matches_torch(name, make, kwargs):
    ours = _outcome(mt, make, kwargs)
    if ours is not None:
        ours = (ours[0], ours[1].replace("mini_autograd.", "T."))
    assert ours == _outcome(torch, make, kwargs)


def test_assert_close_argument_errors():
    with pytest.raises(ValueError, match="Both 'rtol' and 'atol'"):
        mt.testing.assert_close(mt.ones(1), mt.ones(1), rtol=0.1)
    with pytest.raises(TypeError, match="No comparison pair"):
        mt.testing.assert_close(mt.ones(1), 1.0)
    mt.testing.assert_close(np.ones(2), np.ones(2))
