"""Optimizers and LR schedulers against torch: same parameters, same gradients, same steps."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

import mini_autograd as mt
from mini_autograd import optim as moptim
from mini_autograd.nn import Parameter

SHAPES = [(3, 4), (4,), ()]

# (optimizer name, options): one line per documented variant of each algorithm
CONFIGS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.5, "maximize": True}),
    ("Adam", {}),
    ("Adam", {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.01, "amsgrad": True}),
    ("Adam", {"lr": 0.01, "maximize": True, "decoupled_weight_decay": True, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.01, "betas": (0.3, 0.999)}),  # lerp's other branch (weight >= 0.5)
    ("AdamW", {}),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.5, "amsgrad": True}),
    ("RMSprop", {}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9, "centered": True}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5, "maximize": True}),
    ("Adagrad", {}),
    (
        "Adagrad",
        {
            "lr": 0.1,
            "lr_decay": 0.01,
            "weight_decay": 0.1,
            "initial_accumulator_value": 0.5,
            "eps": 1e-8,
        },
    ),
]


def _ids(cfg: tuple[str, dict]) -> str:
    name, opts = cfg
    return name + "".join(f"-{k}={v}" for k, v in opts.items())


def _pair(dtype: str, seed: int = 0) -> tuple[list[Parameter], list[torch.nn.Parameter]]:
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    ours = [Parameter(mt.tensor(a)) for a in arrays]
    theirs = [torch.nn.Parameter(torch.tensor(a)) for a in arrays]
    return ours, theirs


def _run(name: str, opts: dict, dtype: str, steps: int = 12):
    """Step both optimizers with identical random gradients; yield the parameters after each."""
    ours, theirs = _pair(dtype)
    opt_m = getattr(moptim, name)(ours, **opts)
    opt_t = getattr(torch.optim, name)(theirs, **opts)
    rng = np.random.default_rng(1)
    for _ in range(steps):
        for pm, pt in zip(ours, theirs, strict=True):
            g = rng.standard_normal(pm.shape).astype(dtype)
            pm.grad, pt.grad = mt.tensor(g), torch.tensor(g)
        opt_m.step()
        opt_t.step()
        yield ours, theirs, opt_m, opt_t


def _assert_params_close(ours, theirs, rtol: float, atol: float) -> None:
    for pm, pt in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(pm.detach().numpy(), pt.detach().numpy(), rtol=rtol, atol=atol)


@pytest.mark.parametrize("cfg", CONFIGS, ids=_ids)
def test_update_rule_matches_torch_float64(cfg):
    for ours, theirs, _, _ in _run(*cfg, dtype="float64"):
        _assert_params_close(ours, theirs, rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize("cfg", CONFIGS, ids=_ids)
def test_update_rule_matches_torch_float32(cfg):
    for ours, theirs, _, _ in _run(*cfg, dtype="float32"):
        _assert_params_close(ours, theirs, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cfg", CONFIGS, ids=_ids)
def test_state_dict_has_torchs_layout(cfg):
    *_, (ours, theirs, opt_m, opt_t) = _run(*cfg, dtype="float64", steps=3)
    sm, st = opt_m.state_dict(), opt_t.state_dict()
    assert sm["param_groups"] == st["param_groups"]
    assert sm["state"].keys() == st["state"].keys()
    for i, state in st["state"].items():
        assert sm["state"][i].keys() == state.keys()
        for key, value in state.items():
            np.testing.assert_allclose(sm["state"][i][key].numpy(), value.numpy(), rtol=1e-12)
            assert str(sm["state"][i][key].dtype).split(".")[1] == str(value.dtype).split(".")[1]


@pytest.mark.parametrize("cfg", CONFIGS, ids=_ids)
def test_load_state_dict_resumes_the_trajectory(cfg):
    name, opts = cfg
    *_, (ours, _, opt_m, _) = _run(name, opts, dtype="float64", steps=3)
    # a checkpoint's copy (as torch.save/torch.load give): loading the live state_dict would
    # share opt_m's buffers, as torch's load_state_dict does (tests/test_semantics_optim.py)
    saved = copy.deepcopy(opt_m.state_dict())
    copies = [Parameter(p.detach().clone()) for p in ours]
    resumed = getattr(moptim, name)(copies, **opts)
    resumed.load_state_dict(saved)
    rng = np.random.default_rng(7)
    for _ in range(3):
        for p, q in zip(ours, copies, strict=True):
            g = rng.standard_normal(p.shape)
            p.grad, q.grad = mt.tensor(g), mt.tensor(g)
        opt_m.step()
        resumed.step()
    _assert_params_close(ours, copies, rtol=0, atol=0)


def test_load_state_dict_accepts_torch_state():
    ours, theirs = _pair("float64")
    opt_t = torch.optim.Adam(theirs, lr=0.01)
    for pt in theirs:
        pt.grad = torch.ones_like(pt)
    opt_t.step()
    opt_m = moptim.Adam(ours, lr=0.5)
    opt_m.load_state_dict(opt_t.state_dict())
    assert opt_m.param_groups[0]["lr"] == 0.01
    np.testing.assert_allclose(
        opt_m.state[ours[0]]["exp_avg"].numpy(), opt_t.state[theirs[0]]["exp_avg"].numpy()
    )


def test_param_groups_take_their_own_options():
    ours, theirs = _pair("float64")
    groups_m = [{"params": ours[:1], "lr": 0.5}, {"params": ours[1:], "momentum": 0.9}]
    groups_t = [{"params": theirs[:1], "lr": 0.5}, {"params": theirs[1:], "momentum": 0.9}]
    opt_m, opt_t = moptim.SGD(groups_m, lr=0.1), torch.optim.SGD(groups_t, lr=0.1)
    assert opt_m.state_dict()["param_groups"] == opt_t.state_dict()["param_groups"]
    for _ in range(3):
        for pm, pt in zip(ours, theirs, strict=True):
            pm.grad, pt.grad = mt.ones_like(pm), torch.ones_like(pt)
        opt_m.step()
        opt_t.step()
    _assert_params_close(ours, theirs, rtol=1e-14, atol=0)


def test_add_param_group_and_named_params():
    ours, theirs = _pair("float64")
    opt_m = moptim.Adam([("a", ours[0])])
    opt_t = torch.optim.Adam([("a", theirs[0])])
    opt_m.add_param_group({"params": [("b", ours[1])], "lr": 0.1})
    opt_t.add_param_group({"params": [("b", theirs[1])], "lr": 0.1})
    assert opt_m.state_dict()["param_groups"] == opt_t.state_dict()["param_groups"]


def test_params_without_grad_are_skipped():
    ours, theirs = _pair("float64")
    opt_m, opt_t = moptim.Adam(ours), torch.optim.Adam(theirs)
    ours[0].grad, theirs[0].grad = mt.ones(3, 4, dtype=mt.float64), torch.ones(3, 4).double()
    opt_m.step()
    opt_t.step()
    _assert_params_close(ours, theirs, rtol=1e-14, atol=0)
    assert list(opt_m.state_dict()["state"]) == list(opt_t.state_dict()["state"]) == [0]


@pytest.mark.parametrize("set_to_none", [True, False])
def test_zero_grad(set_to_none):
    ours, _ = _pair("float32")
    opt = moptim.SGD(ours)
    for p in ours:
        p.grad = mt.ones_like(p)
    opt.zero_grad(set_to_none=set_to_none)
    for p in ours:
        if set_to_none:
            assert p.grad is None
        else:
            assert p.grad.numpy().sum() == 0


def test_step_closure_returns_the_loss():
    (p, *_), _ = _pair("float64")
    opt = moptim.SGD([p], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    before = p.detach().numpy().copy()
    loss = opt.step(closure)
    assert loss.item() == pytest.approx((before**2).sum())
    np.testing.assert_allclose(p.detach().numpy(), before * 0.8)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: moptim.SGD(p, lr=-1), "Invalid learning rate: -1"),
        (lambda p: moptim.SGD(p, nesterov=True), "Nesterov momentum requires a momentum"),
        (lambda p: moptim.Adam(p, betas=(1.0, 0.9)), "Invalid beta parameter at index 0: 1.0"),
        (lambda p: moptim.Adam(p, eps=-1), "Invalid epsilon value: -1"),
        (lambda p: moptim.RMSprop(p, alpha=-1), "Invalid alpha value: -1"),
        (lambda p: moptim.Adagrad(p, lr_decay=-1), "Invalid lr_decay value: -1"),
        (lambda p: moptim.SGD([], lr=0.1), "optimizer got an empty parameter list"),
        (lambda p: moptim.SGD([{"params": p}, {"params": p[:1]}]), "more than one parameter group"),
    ],
)
def test_errors(make, message):
    ours, _ = _pair("float32")
    with pytest.raises(ValueError, match=message):
        make(ours)


def test_type_errors():
    ours, _ = _pair("float32")
    with pytest.raises(TypeError, match="iterable of Tensors or dicts"):
        moptim.SGD(ours[0])
    with pytest.raises(TypeError, match="ordered collections"):
        moptim.SGD([{"params": set(ours)}])
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        moptim.SGD([ours[0] * 2])


def test_repr_matches_torch():
    ours, theirs = _pair("float32")
    assert repr(moptim.Adam(ours, lr=0.1)) == repr(torch.optim.Adam(theirs, lr=0.1))
    assert repr(moptim.SGD(ours, lr=0.1)) == repr(torch.optim.SGD(theirs, lr=0.1))


# --- lr_scheduler -------------------------------------------------------------------------------

SCHEDULERS = [
    ("StepLR", {"step_size": 3}),
    ("StepLR", {"step_size": 2, "gamma": 0.5}),
    ("CosineAnnealingLR", {"T_max": 5}),
    ("CosineAnnealingLR", {"T_max": 4, "eta_min": 0.01}),
]


@pytest.mark.parametrize("cfg", SCHEDULERS, ids=_ids)
def test_scheduler_lrs_match_torch(cfg):
    name, opts = cfg
    ours, theirs = _pair("float32")
    opt_m = moptim.SGD([{"params": ours[:1]}, {"params": ours[1:], "lr": 0.3}], lr=0.1)
    opt_t = torch.optim.SGD([{"params": theirs[:1]}, {"params": theirs[1:], "lr": 0.3}], lr=0.1)
    sched_m = getattr(moptim.lr_scheduler, name)(opt_m, **opts)
    sched_t = getattr(torch.optim.lr_scheduler, name)(opt_t, **opts)
    assert sched_m.get_last_lr() == sched_t.get_last_lr()
    for _ in range(13):
        opt_m.step()
        opt_t.step()
        sched_m.step()
        sched_t.step()
        assert sched_m.get_last_lr() == pytest.approx(sched_t.get_last_lr(), rel=1e-15)
        assert [g["lr"] for g in opt_m.param_groups] == sched_m.get_last_lr()
    assert sched_m.last_epoch == sched_t.last_epoch


def test_scheduler_state_dict_round_trip():
    ours, _ = _pair("float32")
    opt = moptim.SGD(ours, lr=0.1)
    sched = moptim.lr_scheduler.StepLR(opt, step_size=2)
    for _ in range(3):
        opt.step()  # first, as torch asks (else its call-order warning)
        sched.step()
    other = moptim.lr_scheduler.StepLR(moptim.SGD(ours, lr=0.1), step_size=5)
    other.load_state_dict(sched.state_dict())
    assert other.last_epoch == 3 and other.step_size == 2
    assert "optimizer" not in sched.state_dict()
