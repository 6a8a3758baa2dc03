"""Adadelta, optimizer step hooks and the added lr schedulers against torch."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
import torch

import mini_autograd as mt

SCHEDULERS = {
    "ExponentialLR": lambda T, o: T.optim.lr_scheduler.ExponentialLR(o, gamma=0.9),
    "MultiStepLR": lambda T, o: T.optim.lr_scheduler.MultiStepLR(o, [3, 7, 7], gamma=0.5),
    "LambdaLR": lambda T, o: T.optim.lr_scheduler.LambdaLR(o, lambda e: 1 / (1 + e)),
    "LinearLR": lambda T, o: T.optim.lr_scheduler.LinearLR(o, 0.25, 1.0, total_iters=6),
    "SequentialLR": lambda T, o: T.optim.lr_scheduler.SequentialLR(
        o,
        [
            T.optim.lr_scheduler.LinearLR(o, 0.1, total_iters=4),
            T.optim.lr_scheduler.ExponentialLR(o, gamma=0.8),
        ],
        milestones=[5],
    ),
    "OneCycleLR": lambda T, o: T.optim.lr_scheduler.OneCycleLR(o, max_lr=1.0, total_steps=20),
    "OneCycleLR3": lambda T, o: T.optim.lr_scheduler.OneCycleLR(
        o,
        max_lr=[0.5, 2.0],
        epochs=4,
        steps_per_epoch=5,
        three_phase=True,
        anneal_strategy="linear",
    ),
}


def _optimizer(T, kind="SGD"):
    a, b = T.nn.Parameter(T.ones(2)), T.nn.Parameter(T.ones(3))
    groups = [{"params": [a]}, {"params": [b], "lr": 0.3}]
    if kind == "Adam":
        return T.optim.Adam(groups, lr=0.1)
    return T.optim.SGD(groups, lr=0.1, momentum=0.9)


@pytest.mark.parametrize("name", list(SCHEDULERS))
@pytest.mark.parametrize("kind", ["SGD", "Adam"])
def test_schedulers_match_torch(name, kind):
    def trace(T):
        opt = _optimizer(T, kind)
        sched = SCHEDULERS[name](T, opt)
        out = []
        for _ in range(19):
            opt.step()
            sched.step()
            out.append(
                [(g["lr"], g.get("momentum"), g.get("betas")) for g in opt.param_groups]
                + [sched.get_last_lr()]
            )
        return out

    ours, ref = trace(mt), trace(torch)
    np.testing.assert_allclose(
        np.array([[x for x in _flat(r)] for r in ours]),
        np.array([[x for x in _flat(r)] for r in ref]),
        rtol=1e-15,
    )


def _flat(obj):
    if isinstance(obj, list | tuple):
        for o in obj:
            yield from _flat(o)
    elif obj is not None:
        yield float(obj)


def test_reduce_lr_on_plateau_matches_torch():
    metrics = [5, 4, 4, 4, 4, 3.9999, 4, 4, 4, 2, 2, 2, 2, 2, 2]

    def trace(T, **kw):
        opt = _optimizer(T)
        sched = T.optim.lr_scheduler.ReduceLROnPlateau(opt, **kw)
        out = []
        for m in metrics:
            sched.step(m)
            out.append([g["lr"] for g in opt.param_groups])
        return out

    for kw in (
        {"patience": 2},
        {"patience": 1, "cooldown": 2, "factor": 0.5, "min_lr": 0.02},
        {"mode": "max", "patience": 1, "threshold_mode": "abs", "threshold": 0.5},
    ):
        assert trace(mt, **kw) == trace(torch, **kw), kw
    with pytest.raises(ValueError, match="Factor should be < 1.0."):
        mt.optim.lr_scheduler.ReduceLROnPlateau(_optimizer(mt), factor=1.0)


def test_adadelta_trajectory_matches_torch():
    rng = np.random.default_rng(0)
    w0, x = rng.standard_normal((3, 2)), rng.standard_normal((5, 3))

    def run(T, **kw):
        w = T.nn.Parameter(T.tensor(w0))
        opt = T.optim.Adadelta([w], **kw)
        for _ in range(6):
            opt.zero_grad()
            (T.tanh(T.tensor(x) @ w) ** 2).sum().backward()
            opt.step()
        return w.detach().numpy(), opt.state_dict()["state"][0]["acc_delta"].numpy()

    for kw in ({}, {"lr": 0.5, "rho": 0.8, "weight_decay": 0.1}, {"maximize": True}):
        for a, b in zip(run(mt, **kw), run(torch, **kw), strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)
    with pytest.raises(ValueError, match="Invalid rho value: 1.5"):
        mt.optim.Adadelta([mt.nn.Parameter(mt.ones(1))], rho=1.5)


def test_step_hooks_as_torch():
    def run(T):
        p = T.nn.Parameter(T.ones(1))
        opt = T.optim.SGD([p], lr=0.5)
        calls = []
        h1 = opt.register_step_pre_hook(lambda o, a, k: calls.append(("pre", float(p.detach()))))
        opt.register_step_post_hook(lambda o, a, k: calls.append(("post", float(p.detach()))))
        g = importlib.import_module(
            T.__name__ + ".optim.optimizer"
        ).register_optimizer_step_post_hook(
            lambda o, a, k: calls.append(("global", type(o).__name__))
        )
        p.grad = T.ones(1)
        opt.step()
        h1.remove()
        g.remove()
        opt.step()
        return calls

    assert run(mt) == run(torch)
