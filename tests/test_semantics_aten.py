"""torch.binary_cross_entropy_with_logits (the aten one) and softmax/log_softmax without dim, as
torch's."""

from __future__ import annotations

from typing import Any

import pytest
from semantics import Probe, check

# --- torch.binary_cross_entropy_with_logits: the top-level (aten) one, int reduction ------------


def logits(T: Any) -> tuple[Any, Any]:
    return (
        T.tensor([[0.5, -1.0], [2.0, 0.0]], requires_grad=True),
        T.tensor([[1.0, 0.0], [0.5, 1.0]]),
    )


def bce(T: Any, *args: Any, grad: bool = False, **kwargs: Any) -> Any:
    x, t = logits(T)
    y = T.binary_cross_entropy_with_logits(x, t, *args, **kwargs)
    if not grad:
        return y
    y.sum().backward()
    return y, x.grad


BCE = [
    Probe("bce_default_elementwise", lambda T: bce(T, grad=True)),
    Probe("bce_mean", lambda T: bce(T, reduction=1, grad=True)),
    Probe("bce_sum", lambda T: bce(T, None, None, 2)),
    Probe("bce_none", lambda T: bce(T, reduction=0)),
    Probe("bce_other_int_is_none", lambda T: bce(T, reduction=3)),
    Probe(
        "bce_weights",
        lambda T: bce(T, T.tensor([1.0, 2.0]), T.tensor([3.0, 1.0]), grad=True),
    ),
    Probe("bce_pos_weight_mean", lambda T: bce(T, pos_weight=T.tensor([3.0, 1.0]), reduction=1)),
    Probe("bce_input_broadcasts", lambda T: bce_target(T, T.ones(2, 2), small=True)),
    Probe(
        "bce_target_broadcasts_not",
        lambda T: bce_target(T, T.tensor([1.0, 0.0])),
        RuntimeError,
        r"output with shape \[2\] doesn't match the broadcast shape \[2, 2\]",
    ),
    Probe(
        "bce_f_still_mean", lambda T: T.nn.functional.binary_cross_entropy_with_logits(*logits(T))
    ),
    Probe(
        "bce_str_reduction", lambda T: bce(T, reduction="mean"), TypeError, "must be int, not str"
    ),
    Probe(
        "bce_bool_reduction", lambda T: bce(T, reduction=True), TypeError, "must be int, not bool"
    ),
    Probe(
        "bce_float_target",
        lambda T: T.binary_cross_entropy_with_logits(logits(T)[0], 1.0),
        TypeError,
        "'target' .position 2. must be Tensor, not float",
    ),
    Probe(
        "bce_target_bad_size",
        lambda T: bce_target(T, T.ones(3)),
        RuntimeError,
        r"size of tensor a \(3\) must match the size of tensor b \(2\) at non-singleton",
    ),
    Probe(
        "bce_target_too_small_output",
        lambda T: bce_target(T, T.ones(2, 1), small=True),
        RuntimeError,
        r"output with shape \[2, 1\] doesn't match the broadcast shape \[2, 2\]",
    ),
]


def bce_target(T: Any, target: Any, small: bool = False) -> Any:
    x, _ = logits(T)
    if small:  # a (1, 2) input
        x = T.tensor([[0.5, -1.0]], requires_grad=True)
    return T.binary_cross_entropy_with_logits(x, target)


@pytest.mark.parametrize("probe", BCE, ids=repr)
def test_top_level_bce_with_logits_as_torch(probe: Probe) -> None:
    check(probe)


# --- softmax / log_softmax: torch.X and Tensor.X need dim; only F.X picks one (warning) ---------


def x23(T: Any) -> Any:
    return T.tensor([[0.5, -1.0, 2.0], [0.0, 1.0, -2.0]], requires_grad=True)


SOFTMAX = [
    Probe("F_softmax_implicit", lambda T: T.nn.functional.softmax(x23(T)), warns=UserWarning),
    Probe(
        "F_log_softmax_implicit", lambda T: T.nn.functional.log_softmax(x23(T)), warns=UserWarning
    ),
    Probe("method_dim", lambda T: x23(T).softmax(1)),
    Probe("method_dim_kw_dtype", lambda T: x23(T).log_softmax(dim=0, dtype=T.float64)),
    Probe("top_dim_dtype", lambda T: T.softmax(x23(T), -1, T.float64)),
    Probe("top_log_dim", lambda T: T.log_softmax(x23(T), dim=1)),
]
for op in ("softmax", "log_softmax"):
    SOFTMAX += [
        Probe(
            f"{op}_method_no_dim",
            lambda T, op=op: getattr(x23(T), op)(),
            TypeError,
            f'{op}\\(\\) missing 1 required positional arguments: "dim"',
        ),
        Probe(
            f"{op}_top_no_dim",
            lambda T, op=op: getattr(T, op)(x23(T)),
            TypeError,
            f'{op}\\(\\) missing 1 required positional arguments: "dim"',
        ),
        Probe(
            f"{op}_method_dtype_only",
            lambda T, op=op: getattr(x23(T), op)(dtype=T.float64),
            TypeError,
            'missing 1 required positional arguments: "dim"',
        ),
        Probe(
            f"{op}_top_none",
            lambda T, op=op: getattr(T, op)(x23(T), None),
            TypeError,
            f"{op}\\(\\): argument 'dim' \\(position 2\\) must be int, not NoneType",
        ),
        Probe(
            f"{op}_method_none",
            lambda T, op=op: getattr(x23(T), op)(None),
            TypeError,
            f"{op}\\(\\): argument 'dim' \\(position 1\\) must be int, not NoneType",
        ),
        Probe(
            f"{op}_top_kw_none",
            lambda T, op=op: getattr(T, op)(x23(T), dim=None),
            TypeError,
            f"{op}\\(\\): argument 'dim' must be int, not NoneType",
        ),
        Probe(
            f"{op}_float_dim",
            lambda T, op=op: getattr(T, op)(x23(T), 1.0),
            TypeError,
            "must be int, not float",
        ),
    ]


@pytest.mark.parametrize("probe", SOFTMAX, ids=repr)
def test_softmax_dim_as_torch(probe: Probe) -> None:
    check(probe)
