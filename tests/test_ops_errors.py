"""Wrong shapes, dtypes and arguments: the exception type torch raises, a message naming the op
and the shapes. One line per case: the call (against the torch namespace) and the words our
message must contain."""

from __future__ import annotations

import pytest
import torch
from opinfo import F

import mini_autograd as ma
import mini_autograd.nn.functional  # noqa: F401 - T.nn.functional below


def z(T, *shape, dtype=None):
    return T.zeros(*shape, dtype=dtype or T.float32)


# fmt: off
ERRORS = [
    ("matmul", lambda T: z(T, 2, 3) @ z(T, 4, 5), ["2x3", "4x5"]),
    ("matmul-batch", lambda T: z(T, 2, 2, 3) @ z(T, 3, 3, 4), ["(2)", "(3)", "matmul"]),
    ("matmul-0d", lambda T: T.matmul(T.tensor(1.0), z(T, 3)), ["0D"]),
    ("matmul-dtype", lambda T: z(T, 2, 3) @ z(T, 3, 4, dtype=T.float64), ["float", "double"]),
    ("matmul-1d", lambda T: z(T, 3) @ z(T, 4), ["[3]", "[4]"]),
    ("mm-1d", lambda T: T.mm(z(T, 3), z(T, 3, 3)), ["matrix", "mm"]),
    ("mm-shapes", lambda T: T.mm(z(T, 3, 2), z(T, 3, 3)), ["3x2", "3x3"]),
    ("bmm-2d", lambda T: T.bmm(z(T, 3, 4), z(T, 2, 4, 5)), ["3D", "bmm"]),
    ("bmm-shapes", lambda T: T.bmm(z(T, 2, 3, 4), z(T, 2, 5, 5)), ["[2, 4]", "[2, 5]"]),
    ("dot-sizes", lambda T: T.dot(z(T, 3), z(T, 4)), ["[3]", "[4]"]),
    ("dot-2d", lambda T: T.dot(z(T, 3, 1), z(T, 3)), ["2D", "1D"]),
    ("dot-dtype", lambda T: T.dot(z(T, 3), z(T, 3, dtype=T.float64)), ["Float", "Double"]),
    ("outer-2d", lambda T: T.outer(z(T, 3, 1), z(T, 2)), ["outer", "2-D"]),
    ("linear", lambda T: F(T).linear(z(T, 3, 4), z(T, 6, 5)), ["3x4", "5x6"]),
    ("linear-bias", lambda T: F(T).linear(z(T, 3, 4), z(T, 6, 4), z(T, 5)), ["(6)", "(5)"]),
    ("add-broadcast", lambda T: z(T, 2) + z(T, 3), ["(2)", "(3)", "[2]", "[3]"]),
    ("mul-broadcast", lambda T: z(T, 2, 3) * z(T, 4, 5), ["(3)", "(5)", "dimension 1", "mul"]),
    ("where-cond", lambda T: T.where(z(T, 3), z(T, 3), z(T, 3)), ["condition", "Float"]),
    ("maximum-scalar", lambda T: T.maximum(z(T, 3), 1.0), ["maximum", "float"]),
    ("clamp-none", lambda T: T.clamp(z(T, 3)), ["min", "max"]),
    ("pow-int-negative", lambda T: T.tensor([2]) ** -1, ["negative"]),
    ("exp-list", lambda T: T.exp([1.0]), ["exp", "Tensor"]),
    ("sum-dim", lambda T: z(T, 2, 3).sum(2), ["range", "2"]),
    ("mean-int", lambda T: T.tensor([1, 2]).mean(), ["mean", "Long"]),
    ("var-int", lambda T: T.tensor([1, 2]).var(), ["var"]),
    ("max-empty", lambda T: z(T, 0, 3).max(), ["max", "numel"]),
    ("max-empty-dim", lambda T: z(T, 0, 3).max(0), ["max", "dim 0"]),
    ("amax-empty", lambda T: z(T, 0, 3).amax(0), ["amax"]),
    ("argmax-empty", lambda T: z(T, 0).argmax(), ["argmax"]),
    ("norm-int", lambda T: T.tensor([3, 4]).norm(), ["norm", "Long"]),
    ("reshape", lambda T: z(T, 2, 3).reshape(5), ["[5]", "6"]),
    ("view-two-inferred", lambda T: z(T, 2, 3).view(-1, -1), ["one dimension"]),
    ("squeeze-dim", lambda T: z(T, 2, 3).squeeze(2), ["range", "2"]),
    ("unsqueeze-dim", lambda T: z(T, 2, 3).unsqueeze(3), ["range", "3"]),
    ("permute-length", lambda T: z(T, 2, 3).permute(0, 1, 2), ["2", "3"]),
    ("transpose-dim", lambda T: z(T, 2, 3).transpose(0, 2), ["range"]),
    ("t-3d", lambda T: z(T, 2, 3, 4).t(), ["3D"]),
    ("expand", lambda T: z(T, 2, 3).expand(4, 3), ["(4)", "(2)", "[2, 3]"]),
    ("broadcast_to", lambda T: T.broadcast_to(z(T, 3), (2, 4)), ["(4)", "(3)"]),
    ("cat-sizes", lambda T: T.cat([z(T, 2, 3), z(T, 3, 4)], 1), ["dimension 1", "2", "3"]),
    ("cat-ndim", lambda T: T.cat([z(T, 2, 3), z(T, 2, 3, 1)]), ["2", "3", "dimensions"]),
    ("cat-empty-list", lambda T: T.cat([]), ["non-empty"]),
    ("cat-tensor", lambda T: T.cat(z(T, 2)), ["tensors"]),
    ("stack-sizes", lambda T: T.stack([z(T, 2, 3), z(T, 2, 4)]), ["[2, 3]", "[2, 4]"]),
    ("split-sizes", lambda T: z(T, 2, 3).split([1, 2]), ["[1, 2]", "2"]),
    ("chunk-0", lambda T: z(T, 2, 3).chunk(0), ["chunk", "0"]),
    ("index-bounds", lambda T: z(T, 3, 4)[5], ["5", "size 3"]),
    ("index-bounds-dim1", lambda T: z(T, 3, 4)[:, 7], ["7", "size 4"]),
    ("index-float", lambda T: z(T, 3)[T.tensor([0.0])], ["long", "bool"]),
    ("index-step", lambda T: z(T, 3)[::-1], ["step"]),
    ("setitem-leaf", lambda T: z(T, 3).requires_grad_().__setitem__(0, 1.0), ["leaf", "in-place"]),
    ("setitem-shape", lambda T: z(T, 3).__setitem__(slice(None), z(T, 2)), ["[3]", "[2]"]),
    ("gather-dtype", lambda T: z(T, 3).gather(0, T.tensor([0.0])), ["int64"]),
    ("gather-range", lambda T: z(T, 3, 2).gather(0, T.tensor([[5, 0]])), ["5", "size 3"]),
    ("softmax-int", lambda T: T.tensor([1, 2]).softmax(0), ["softmax", "Long"]),
    ("softmax-dim", lambda T: z(T, 2, 3).softmax(2), ["range", "2"]),
    ("dropout-p", lambda T: F(T).dropout(z(T, 3), 1.5), ["1.5"]),
    ("gelu-approximate", lambda T: F(T).gelu(z(T, 3), approximate="fast"), ["approximate"]),
    ("reduction", lambda T: F(T).mse_loss(z(T, 3), z(T, 3), reduction="avg"), ["avg"]),
    ("mse-shapes", lambda T: F(T).mse_loss(z(T, 3, 2), z(T, 3)), ["(2)", "(3)"]),
    ("nll-target-range", lambda T: F(T).nll_loss(z(T, 3, 4), T.tensor([0, 1, 7])), ["7"]),
    ("nll-batch", lambda T: F(T).nll_loss(z(T, 3, 4), T.tensor([0, 1])), ["(3)", "(2)"]),
    ("nll-target-dtype", lambda T: F(T).nll_loss(z(T, 3, 4), T.tensor([0.0, 1, 2])),
     ["Long", "Float"]),
    ("cross_entropy-range", lambda T: F(T).cross_entropy(z(T, 2, 3), T.tensor([0, 3])), ["3"]),
    ("cross_entropy-smoothing", lambda T: F(T).cross_entropy(z(T, 2, 3), T.tensor([0, 1]),
                                                             label_smoothing=1.5), ["1.5"]),
    ("cross_entropy-probs-ignore", lambda T: F(T).cross_entropy(z(T, 2, 3), z(T, 2, 3),
                                                                ignore_index=1), ["ignore_index"]),
    ("bce-shapes", lambda T: F(T).binary_cross_entropy(z(T, 3, 1), z(T, 3)), ["[3, 1]", "[3]"]),
    ("bce-range", lambda T: F(T).binary_cross_entropy(T.tensor([2.0]), z(T, 1)), ["between"]),
    ("bce_logits-shapes", lambda T: F(T).binary_cross_entropy_with_logits(z(T, 3, 1), z(T, 3)),
     ["[3, 1]", "[3]"]),
    ("masked_fill-mask", lambda T: z(T, 3).masked_fill(z(T, 3), 1.0), ["bool", "float"]),
    ("masked_fill-shape", lambda T: z(T, 3).masked_fill(T.ones(2, 4) > 0, 1.0), ["[3]", "[2, 4]"]),
    ("and-float", lambda T: z(T, 3) & z(T, 3), ["Float"]),
    ("invert-float", lambda T: ~z(T, 3), ["integer", "Float"]),
    ("one_hot-range", lambda T: F(T).one_hot(T.tensor([0, 3]), 3), ["smaller"]),
    ("one_hot-negative", lambda T: F(T).one_hot(T.tensor([-1])), ["non-negative"]),
    ("unbind-0d", lambda T: T.tensor(1.0).unbind(), ["dimensions"]),
    ("embedding-float", lambda T: F(T).embedding(z(T, 2), z(T, 5, 3)), ["Long"]),
    ("layer_norm-shape", lambda T: F(T).layer_norm(z(T, 2, 3), (4,)), ["[4]", "[2, 3]"]),
]
# fmt: on


@pytest.mark.filterwarnings("ignore:Using a target size:UserWarning")
@pytest.mark.parametrize("call, words", [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_raises_as_torch(call, words):
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(Exception) as ours:
        call(ma)
    assert ours.type is theirs.type, f"{ours.type.__name__}: {ours.value} (torch: {theirs.value})"
    message = str(ours.value)
    missing = [w for w in words if w not in message]
    assert not missing, f"message {message!r} lacks {missing} (torch: {theirs.value})"


def test_axis_alias_wrapper_keeps_the_signature_and_errors() -> None:
    """The generated axis=/keepdims= wrapper: fn's own signature, torch's TypeErrors."""
    import inspect

    assert list(inspect.signature(ma.sum).parameters)[:3] == ["input", "dim", "keepdim"]
    x = ma.ones(2, 3)
    assert ma.cumsum(x, axis=1).tolist() == [[1, 2, 3], [1, 2, 3]]
    assert x.index_select(axis=1, index=ma.tensor([0])).shape == (2, 1)
    with pytest.raises(TypeError, match="got both 'axis' and 'dim'"):
        x.sum(0, axis=1)
    with pytest.raises(TypeError, match="missing required argument: 'dim'"):
        x.cumsum()
    with pytest.raises(TypeError, match="missing required argument: 'index'"):
        ma.index_select(x, 1)
