"""The op table itself: every op where torch has it, every op tested, the README list current."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
import torch
import torch.nn.functional as TF
from test_attention import CASES as ATTENTION_CASES
from test_functional_more import CASES as FUNCTIONAL_MORE_CASES
from test_linalg import CASES as LINALG_CASES
from test_ops import CASES as _OP_CASES

import mini_autograd as ma
import mini_autograd.nn.functional as F
from mini_autograd.ops import OPS
from mini_autograd.ops._readme import markdown, section

README = Path(__file__).resolve().parents[1] / "README.md"

# the op table of test_ops.py and those of the test_ops_<family>.py modules beside it
CASES = list(_OP_CASES)
for _path in sorted(Path(__file__).parent.glob("test_ops_*.py")):
    CASES += getattr(importlib.import_module(_path.stem), "CASES", [])

# the ops the issue asks for, by the name torch gives them
ISSUE_LIST = """
exp expm1 log log1p log2 sqrt rsqrt abs sign neg reciprocal square pow sin cos tan tanh sigmoid relu
clamp clip maximum minimum where
sum mean prod var std max min amax amin argmax argmin logsumexp norm
reshape view flatten squeeze unsqueeze transpose permute t T expand expand_as broadcast_to cat stack
split chunk __getitem__
matmul mm bmm dot outer
linear leaky_relu elu gelu silu softplus softmax log_softmax dropout mse_loss l1_loss
smooth_l1_loss huber_loss nll_loss cross_entropy binary_cross_entropy
binary_cross_entropy_with_logits
"""

# where torch has the name with another meaning or argument order, we do not copy it there
NOT_AT_TOP = {
    "float", "double", "long", "int", "bool", "half", "short",  # torch.float etc. are dtypes
    "dropout",  # torch.dropout(input, p, train): positional `train`
    "embedding",  # torch.embedding(weight, indices): the other order
    "layer_norm",  # torch.layer_norm(..., cudnn_enable): an internal signature
    "batch_norm", "instance_norm",  # torch.X(input, weight, bias, running_mean, ...): other order
    "adaptive_max_pool1d",  # torch.adaptive_max_pool1d always returns (values, indices)
}  # fmt: skip


def test_the_issue_list_is_complete():
    names = {n for info in OPS.values() for n in (info.name, *info.aliases)}
    assert sorted(set(ISSUE_LIST.split()) - names) == []


#: ops whose top-level torch function is not F.'s (aten's signature): set apart after registration
TOP_DIFFERS = {"binary_cross_entropy_with_logits", "softmax", "log_softmax"}


@pytest.mark.parametrize("name", sorted(OPS))
def test_each_op_lives_where_torch_has_it(name):
    info = OPS[name]
    for n in (info.name, *info.aliases):
        if n not in NOT_AT_TOP:
            assert info.top == hasattr(torch, n), f"torch.{n}"
        assert info.method == hasattr(torch.Tensor, n), f"Tensor.{n}"
        assert info.functional == hasattr(TF, n), f"F.{n}"
        if info.top and n not in TOP_DIFFERS:
            assert getattr(ma, n) is info.fn
        if info.functional:
            assert getattr(F, n) is info.fn


def test_each_op_has_a_case_in_the_table():
    tested = {c.op for c in CASES + LINALG_CASES + FUNCTIONAL_MORE_CASES + ATTENTION_CASES}
    assert sorted(set(OPS) - tested) == []


def test_readme_lists_the_ops_as_generated():
    assert section(README) == markdown(), (
        "README's op list is stale: run `python -m mini_autograd.ops --write README.md`"
    )
