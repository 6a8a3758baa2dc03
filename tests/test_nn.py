"""nn.Module machinery against torch: registration, traversal, state_dict, modes, repr, init.

Each model is written once against a torch-like namespace and built in both frameworks.
"""

from __future__ import annotations

import copy
import math
import pickle

import numpy as np
import pytest
import torch

import mini_autograd as mt
from mini_autograd import nn as mnn
from mini_autograd.nn import init as minit


def mlp(T):
    return T.nn.Sequential(
        T.nn.Linear(2, 8),
        T.nn.ReLU(),
        T.nn.Linear(8, 8, bias=False),
        T.nn.Tanh(),
        T.nn.Sequential(T.nn.Linear(8, 3)),
    )


def custom(T):
    class Block(T.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = T.nn.Linear(3, 4)
            self.scale = T.nn.Parameter(T.ones(4))
            self.register_buffer("running", T.zeros(4))
            self.register_buffer("scratch", T.zeros(2), persistent=False)
            self.layers = T.nn.ModuleList([T.nn.Linear(4, 4), T.nn.GELU()])
            self.heads = T.nn.ModuleDict({"a": T.nn.Linear(4, 1), "b": T.nn.Identity()})
            self.norm = T.nn.LayerNorm(4)
            self.emb = T.nn.Embedding(5, 3, padding_idx=1)
            self.tied = self.fc  # the same module twice: its parameters are listed once

    return Block()


MODELS = {"mlp": mlp, "custom": custom}


@pytest.fixture(params=list(MODELS))
def pair(request):
    build = MODELS[request.param]
    return build(mt), build(torch)


def test_named_parameters_buffers_and_modules_match(pair):
    ours, theirs = pair
    assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == [
        (n, tuple(p.shape)) for n, p in theirs.named_parameters()
    ]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]
    assert len(list(ours.parameters())) == len(list(theirs.parameters()))
    assert len(list(ours.modules())) == len(list(theirs.modules()))
    assert all(isinstance(p, mnn.Parameter) and p.requires_grad for p in ours.parameters())


def test_state_dict_keys_and_values(pair):
    ours, theirs = pair
    sd = ours.state_dict()
    assert list(sd) == list(theirs.state_dict())
    assert all(not v.requires_grad for v in sd.values())
    named = dict(ours.named_parameters())
    assert np.shares_memory(
        sd["fc.weight" if "fc.weight" in sd else "0.weight"].numpy(),
        named["fc.weight" if "fc.weight" in named else "0.weight"]._data,
    )
    assert list(ours.state_dict(keep_vars=True).values())[0] is next(ours.parameters())


def test_load_state_dict_from_torch_makes_outputs_equal(pair):
    ours, theirs = pair
    result = ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    assert repr(result) == "<All keys matched successfully>"
    for (n, p), (_, q) in zip(ours.state_dict().items(), theirs.state_dict().items(), strict=True):
        np.testing.assert_array_equal(p.numpy(), q.numpy(), err_msg=n)


def test_load_state_dict_round_trip_between_models():
    a, b = mlp(mt), mlp(mt)
    b.load_state_dict(a.state_dict())
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())
        assert not np.shares_memory(p._data, q._data)  # copied, not aliased


def _torch_message(exc: Exception) -> str:
    return str(exc).replace("torch.Size", "mini_autograd.Size")


def test_load_state_dict_errors_match_torch():
    ours, theirs = mlp(mt), mlp(torch)
    bad = {k: v.numpy() for k, v in theirs.state_dict().items()}
    del bad["0.bias"]
    bad["0.weight"] = np.zeros((3, 3), np.float32)
    bad["extra.weight"] = np.zeros(1, np.float32)
    with pytest.raises(RuntimeError) as ours_err:
        ours.load_state_dict(bad)
    with pytest.raises(RuntimeError) as theirs_err:
        theirs.load_state_dict({k: torch.tensor(v) for k, v in bad.items()})
    assert str(ours_err.value) == _torch_message(theirs_err.value)
    assert 'Missing key(s) in state_dict: "0.bias"' in str(ours_err.value)


def test_load_state_dict_non_strict_reports_keys():
    ours, theirs = mlp(mt), mlp(torch)
    partial = {k: v for k, v in theirs.state_dict().items() if k != "2.weight"}
    partial["nope"] = torch.zeros(1)
    ours_keys = ours.load_state_dict({k: v.numpy() for k, v in partial.items()}, strict=False)
    theirs_keys = theirs.load_state_dict(partial, strict=False)
    assert ours_keys.missing_keys == theirs_keys.missing_keys == ["2.weight"]
    assert ours_keys.unexpected_keys == theirs_keys.unexpected_keys == ["nope"]


def test_load_state_dict_casts_and_rejects_non_arrays():
    model = mnn.Linear(2, 2)
    model.load_state_dict({"weight": np.ones((2, 2)), "bias": mt.zeros(2, dtype=mt.float64)})
    assert model.weight.dtype == mt.float32 and model.weight.numpy(force=True).sum() == 4
    with pytest.raises(RuntimeError, match='While copying the parameter named "bias"'):
        model.load_state_dict({"weight": np.ones((2, 2)), "bias": [0.0, 0.0]})
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
        model.load_state_dict([("weight", np.ones((2, 2)))])


def test_load_state_dict_assign_replaces_parameters():
    model = mnn.Linear(2, 2)
    model.load_state_dict({"weight": np.ones((2, 2)), "bias": np.zeros(2)}, assign=True)
    assert isinstance(model.weight, mnn.Parameter) and model.weight.dtype == mt.float64


def test_train_eval_propagate(pair):
    ours, theirs = pair
    assert ours.eval() is ours
    theirs.eval()
    assert [m.training for m in ours.modules()] == [m.training for m in theirs.modules()]
    assert not any(m.training for m in ours.modules())
    ours.train()
    assert all(m.training for m in ours.modules())
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        ours.train("yes")


def test_apply_visits_children_first(pair):
    ours, theirs = pair
    seen_ours, seen_theirs = [], []
    assert ours.apply(lambda m: seen_ours.append(type(m).__name__)) is ours
    theirs.apply(lambda m: seen_theirs.append(type(m).__name__))
    assert seen_ours == seen_theirs


def test_apply_with_init_reinitialises_weights():
    model = mlp(mt)

    def init_weights(m):
        if isinstance(m, mnn.Linear):
            minit.zeros_(m.weight)

    model.apply(init_weights)
    assert all(
        m.weight.detach().numpy().sum() == 0 for m in model.modules() if isinstance(m, mnn.Linear)
    )


@pytest.mark.parametrize("set_to_none", [True, False])
def test_module_zero_grad(set_to_none):
    model = mlp(mt)
    for p in model.parameters():
        p.grad = mt.ones_like(p)
    model.zero_grad(set_to_none=set_to_none)
    for p in model.parameters():
        assert p.grad is None if set_to_none else p.grad.numpy().sum() == 0


def test_repr_matches_torch(pair):
    ours, theirs = pair
    assert repr(ours).replace("Block", "X") == repr(theirs).replace("Block", "X")


@pytest.mark.parametrize(
    "make",
    [
        lambda T: T.nn.Linear(3, 2, bias=False),
        lambda T: T.nn.ReLU(),
        lambda T: T.nn.Tanh(),
        lambda T: T.nn.Sigmoid(),
        lambda T: T.nn.GELU(approximate="tanh"),
        lambda T: T.nn.LeakyReLU(0.2),
        lambda T: T.nn.Softmax(dim=-1),
        lambda T: T.nn.Dropout(0.1),
        lambda T: T.nn.Flatten(0),
        lambda T: T.nn.Identity(),
        lambda T: T.nn.Embedding(4, 2),
        lambda T: T.nn.LayerNorm((2, 3), elementwise_affine=False),
        lambda T: T.nn.MSELoss(),
        lambda T: T.nn.L1Loss(),
        lambda T: T.nn.CrossEntropyLoss(),
        lambda T: T.nn.NLLLoss(),
        lambda T: T.nn.BCELoss(),
        lambda T: T.nn.BCEWithLogitsLoss(),
    ],
)
def test_layer_reprs_match_torch(make):
    assert repr(make(mt)) == repr(make(torch))


def test_parameter_behaviour():
    p = mnn.Parameter(mt.ones(2))
    assert repr(p) == repr(torch.nn.Parameter(torch.ones(2)))
    assert p.is_leaf and p.requires_grad and type(p * 2) is mt.Tensor
    frozen = mnn.Parameter(mt.ones(2), requires_grad=False)
    assert repr(frozen) == repr(torch.nn.Parameter(torch.ones(2), requires_grad=False))
    with mt.no_grad():
        assert mnn.Parameter(mt.ones(1)).requires_grad
    assert np.shares_memory(mnn.Parameter(t := mt.zeros(3))._data, t._data)
    assert mnn.Parameter().shape == (0,)


def test_attribute_registration_rules():
    m = mnn.Module()
    m.w = mnn.Parameter(mt.ones(1))
    m.sub = mnn.Linear(1, 1)
    m.plain = mt.ones(1)  # a plain tensor is neither parameter nor buffer
    assert [n for n, _ in m.named_parameters()] == ["w", "sub.weight", "sub.bias"]
    assert "plain" not in m.state_dict()
    with pytest.raises(
        TypeError, match="cannot assign 'mini_autograd.FloatTensor' as parameter 'w'"
    ):
        m.w = mt.ones(1)
    m.w = None
    assert m.w is None and "w" not in m.state_dict()
    with pytest.raises(TypeError, match="cannot assign 'int' as child module 'sub'"):
        m.sub = 3
    del m.sub
    with pytest.raises(AttributeError, match="'Module' object has no attribute 'sub'"):
        _ = m.sub
    with pytest.raises(KeyError, match="attribute 'plain' already exists"):
        m.register_parameter("plain", None)
    with pytest.raises(KeyError, match="buffer name can.*contain"):
        m.register_buffer("a.b", mt.ones(1))
    with pytest.raises(NotImplementedError, match='missing the required "forward" function'):
        m(1)

    class Early(mnn.Module):
        def __init__(self):
            self.w = mnn.Parameter(mt.ones(1))

    with pytest.raises(AttributeError, match="before Module.__init__"):
        Early()


def test_shared_parameters_are_listed_once():
    ours, theirs = custom(mt), custom(torch)
    assert len(list(ours.parameters())) == len(list(theirs.parameters()))
    assert "tied.weight" in ours.state_dict() and "tied.weight" in theirs.state_dict()


def test_get_submodule_and_parameter():
    model = mlp(mt)
    assert model.get_submodule("4.0") is model[4][0]
    assert model.get_parameter("4.0.bias") is model[4][0].bias
    with pytest.raises(AttributeError, match="has no attribute `9`"):
        model.get_submodule("9")


def test_sequential_container():
    ours, theirs = mlp(mt), mlp(torch)
    assert len(ours) == len(theirs) == 5
    assert type(ours[-1]) is mnn.Sequential and type(ours[0]) is mnn.Linear
    assert repr(ours[1:3]) == repr(theirs[1:3])
    with pytest.raises(IndexError, match="index 5 is out of range"):
        ours[5]
    del ours[1]
    del theirs[1]
    assert repr(ours) == repr(theirs)
    ours.append(mnn.ReLU())
    theirs.append(torch.nn.ReLU())
    assert repr(ours) == repr(theirs)
    ours[0] = mnn.Identity()
    assert type(ours[0]) is mnn.Identity and [type(m) for m in ours][0] is mnn.Identity
    with pytest.raises(TypeError, match="int is not a Module subclass"):
        mnn.Sequential(mnn.ReLU(), 5)


def test_module_list_and_dict():
    layers = mnn.ModuleList([mnn.Linear(1, 1)])
    layers.append(mnn.ReLU())
    layers += [mnn.Tanh()]
    layers.insert(0, mnn.Identity())
    assert [type(m).__name__ for m in layers] == ["Identity", "Linear", "ReLU", "Tanh"]
    assert [n for n, _ in layers.named_parameters()] == ["1.weight", "1.bias"]
    assert type(layers[1:]) is mnn.ModuleList and len(layers[1:]) == 3
    heads = mnn.ModuleDict({"a": mnn.Linear(1, 1)})
    heads["b"] = mnn.Linear(1, 2)
    assert list(heads) == ["a", "b"] and "b" in heads and len(heads) == 2
    assert [n for n, _ in heads.named_parameters()] == ["a.weight", "a.bias", "b.weight", "b.bias"]


def test_to_double_keeps_parameter_identity():
    model = mlp(mt)
    params = list(model.parameters())
    opt_state_target = params[0]
    params[0].grad = mt.ones_like(params[0])
    assert model.double() is model
    assert list(model.parameters()) == params and params[0] is opt_state_target
    assert all(p.dtype == mt.float64 for p in model.parameters())
    assert params[0].grad.dtype == mt.float64
    model.to(mt.float32)
    assert all(p.dtype == mt.float32 for p in model.parameters())
    model.to("cpu", dtype=mt.float64)
    assert all(p.dtype == mt.float64 for p in model.parameters())
    with pytest.raises(TypeError, match="only accepts floating point dtypes"):
        model.to(mt.int64)


def test_half_casts_floating_parameters_and_buffers_as_torch():
    ref = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))
    ours = mnn.Sequential(mnn.Linear(3, 2), mnn.BatchNorm1d(2))
    ours.load_state_dict({k: v.numpy() for k, v in ref.state_dict().items()})
    assert ours.half() is ours
    ref.half()
    for (name, theirs), (_, mine) in zip(ref.state_dict().items(), ours.state_dict().items()):
        assert str(mine.dtype) == str(theirs.dtype).replace("torch", "mini_autograd"), name
        np.testing.assert_array_equal(mine.numpy(), theirs.numpy())
    ours.eval(), ref.eval()
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float16)
    np.testing.assert_allclose(
        ours(mt.tensor(x)).detach().numpy(), ref(torch.tensor(x)).detach().numpy(), atol=3e-3
    )
    with pytest.raises(TypeError, match="bfloat16 is not a dtype in mini_autograd"):
        ours.bfloat16()


def test_deepcopy_and_pickle():
    for model, dump in (
        (custom(mt), copy.deepcopy),
        (mlp(mt), lambda m: pickle.loads(pickle.dumps(m))),
    ):  # (a local class can't be pickled)
        clone = dump(model)
        assert list(clone.state_dict()) == list(model.state_dict())
        for a, b in zip(clone.parameters(), model.parameters(), strict=True):
            assert isinstance(a, mnn.Parameter) and a is not b and a.requires_grad
            np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    assert copy.deepcopy(model := custom(mt)).tied is not model.fc
    assert (clone := copy.deepcopy(model)).tied is clone.fc


def test_requires_grad_freezes():
    model = mlp(mt).requires_grad_(False)
    assert not any(p.requires_grad for p in model.parameters())


# --- init ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nonlinearity", "param"),
    [
        ("linear", None),
        ("sigmoid", None),
        ("tanh", None),
        ("relu", None),
        ("leaky_relu", None),
        ("leaky_relu", 0.2),
        ("selu", None),
        ("conv2d", None),
    ],
)
def test_calculate_gain(nonlinearity, param):
    assert minit.calculate_gain(nonlinearity, param) == torch.nn.init.calculate_gain(
        nonlinearity, param
    )


def test_init_errors_match_torch():
    for fn in ("calculate_gain",):
        with pytest.raises(ValueError, match="Unsupported nonlinearity foo"):
            getattr(minit, fn)("foo")
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        minit.xavier_uniform_(mt.zeros(3))
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        minit.kaiming_uniform_(mt.zeros(3, 3), mode="fan_avg")
    with pytest.warns(UserWarning, match="zero-element"):
        minit.kaiming_uniform_(mt.zeros(0, 3))


@pytest.mark.parametrize(
    ("fn", "kwargs", "bound"),
    [
        ("uniform_", {"a": -0.5, "b": 2.0}, (-0.5, 2.0)),
        ("xavier_uniform_", {"gain": 2.0}, (-2 * math.sqrt(6 / 300), 2 * math.sqrt(6 / 300))),
        ("kaiming_uniform_", {"a": math.sqrt(5)}, (-1 / math.sqrt(100), 1 / math.sqrt(100))),
        (
            "kaiming_uniform_",
            {"nonlinearity": "relu", "mode": "fan_out"},
            (-math.sqrt(6 / 200), math.sqrt(6 / 200)),
        ),
    ],
)
def test_uniform_inits_fill_their_range(fn, kwargs, bound):
    """The formulas are torch's: the range of values is the same (the random draws are not)."""
    w = mnn.Parameter(mt.zeros(200, 100))
    assert getattr(minit, fn)(w, **kwargs) is w and w.requires_grad and w.is_leaf
    values = w.detach().numpy()
    lo, hi = bound
    assert lo <= values.min() < lo + 0.01 * (hi - lo) and hi - 0.01 * (hi - lo) < values.max() <= hi
    ref = getattr(torch.nn.init, fn)(torch.zeros(200, 100), **kwargs).numpy()
    assert lo <= ref.min() and ref.max() <= hi


@pytest.mark.parametrize(
    ("fn", "kwargs", "mean", "std"),
    [
        ("normal_", {"mean": 1.0, "std": 0.5}, 1.0, 0.5),
        ("xavier_normal_", {}, 0.0, math.sqrt(2 / 300)),
        ("kaiming_normal_", {"nonlinearity": "relu"}, 0.0, math.sqrt(2 / 100)),
    ],
)
def test_normal_inits_have_their_moments(fn, kwargs, mean, std):
    w = getattr(minit, fn)(mt.zeros(200, 100), **kwargs).numpy()
    assert abs(w.mean() - mean) < 5 * std / math.sqrt(w.size)
    assert abs(w.std() / std - 1) < 0.02


def test_constant_inits():
    assert minit.ones_(mt.zeros(2, 2)).numpy().tolist() == [[1, 1], [1, 1]]
    assert minit.zeros_(mt.ones(3)).numpy().tolist() == [0, 0, 0]
    assert minit.constant_(mt.zeros(2), 0.5).numpy().tolist() == [0.5, 0.5]


def test_default_initialisations_follow_torch():
    mt.manual_seed(0)
    linear = mnn.Linear(400, 30)
    bound = 1 / math.sqrt(400)
    for p in (linear.weight, linear.bias):
        v = p.detach().numpy()
        assert -bound <= v.min() and v.max() <= bound and v.max() - v.min() > bound
    assert mnn.Linear(3, 2, dtype=mt.float64).weight.dtype == mt.float64
    emb = mnn.Embedding(100, 50, padding_idx=-1)
    assert emb.padding_idx == 99 and not emb.weight.detach().numpy()[99].any()
    assert abs(emb.weight.detach().numpy()[:99].std() - 1) < 0.05
    norm = mnn.LayerNorm(4)
    assert norm.weight.detach().numpy().tolist() == [1] * 4
    assert norm.bias.detach().numpy().tolist() == [0] * 4
    assert mnn.LayerNorm(4, bias=False).bias is None
    with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
        mnn.Embedding(3, 2, padding_idx=3)
    frozen = mnn.Embedding.from_pretrained(mt.ones(3, 2))
    assert not frozen.weight.requires_grad and frozen.num_embeddings == 3


def test_losses_store_options_like_torch():
    w = [1.0, 2.0]
    ours = mnn.CrossEntropyLoss(weight=mt.tensor(w), ignore_index=1, label_smoothing=0.1)
    theirs = torch.nn.CrossEntropyLoss(weight=torch.tensor(w), ignore_index=1, label_smoothing=0.1)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["weight"]
    assert (ours.ignore_index, ours.label_smoothing) == (1, 0.1)
    with pytest.warns(UserWarning, match="reduction='sum'"):
        assert mnn.MSELoss(size_average=False).reduction == "sum"
    assert list(mnn.BCEWithLogitsLoss(pos_weight=mt.ones(2)).state_dict()) == ["pos_weight"]


@pytest.mark.parametrize(
    ("max_norm", "norm_type"), [(0.5, 2.0), (100.0, 2.0), (0.3, 1), (0.3, float("inf"))]
)
def test_clip_grad_norm_matches_torch(max_norm, norm_type):
    ours, theirs = mlp(mt), mlp(torch)
    rng = np.random.default_rng(0)
    for p, q in zip(ours.parameters(), theirs.parameters(), strict=True):
        g = rng.standard_normal(tuple(q.shape)).astype(np.float32)
        p.grad, q.grad = mt.tensor(g), torch.tensor(g)
    total_m = mnn.utils.clip_grad_norm_(ours.parameters(), max_norm, norm_type)
    total_t = torch.nn.utils.clip_grad_norm_(theirs.parameters(), max_norm, norm_type)
    assert total_m.item() == pytest.approx(total_t.item(), rel=1e-6)
    for p, q in zip(ours.parameters(), theirs.parameters(), strict=True):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-5, atol=1e-7)


def test_clip_grad_value_and_nonfinite_norm():
    p = mnn.Parameter(mt.zeros(3))
    p.grad = mt.tensor([-2.0, 0.5, 3.0])
    mnn.utils.clip_grad_value_(p, 1.0)
    assert p.grad.numpy().tolist() == [-1.0, 0.5, 1.0]
    p.grad = mt.tensor([float("inf"), 0.0, 0.0])
    with pytest.raises(RuntimeError, match="is non-finite, so it cannot be clipped"):
        mnn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
