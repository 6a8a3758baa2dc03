"""The convolutional road's layers against torch's: the same weights give the same outputs and
gradients; BatchNorm's buffers, train/eval and state_dict; padding modes; module hooks; the
example script."""

from __future__ import annotations

import runpy
from pathlib import Path

import numpy as np
import pytest
import torch

import mini_autograd as ma

EXAMPLE = Path(__file__).parents[1] / "examples" / "train_cnn.py"


def _same(T_module, M_module, x, train=True):
    """Copy torch's weights into ours, run both on x, compare output and parameter gradients."""
    M_module.load_state_dict({k: ma.tensor(v.numpy()) for k, v in T_module.state_dict().items()})
    T_module.train(train)
    M_module.train(train)
    xt = torch.tensor(x, requires_grad=True)
    xm = ma.tensor(x, requires_grad=True)
    yt, ym = T_module(xt), M_module(xm)
    np.testing.assert_allclose(ym.detach().numpy(), yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    gy = np.random.default_rng(1).standard_normal(tuple(yt.shape))
    yt.backward(torch.tensor(gy))
    ym.backward(ma.tensor(gy))
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    for (name, pt), (_, pm) in zip(
        T_module.named_parameters(), M_module.named_parameters(), strict=True
    ):
        np.testing.assert_allclose(
            pm.grad.numpy(), pt.grad.numpy(), rtol=1e-9, atol=1e-12, err_msg=name
        )


X = np.random.default_rng(0).standard_normal((2, 4, 7, 6))


@pytest.mark.parametrize(
    "build",
    [
        lambda T: T.nn.Conv2d(4, 6, 3, stride=2, padding=1, dtype=T.float64),
        lambda T: T.nn.Conv2d(4, 4, 3, padding="same", groups=4, dtype=T.float64),
        lambda T: T.nn.Conv2d(4, 2, (3, 2), padding=2, padding_mode="reflect", dtype=T.float64),
        lambda T: T.nn.Conv2d(4, 2, 3, padding=(1, 2), padding_mode="replicate", dtype=T.float64),
        lambda T: T.nn.Conv2d(
            4, 2, 3, padding=1, padding_mode="circular", bias=False, dtype=T.float64
        ),  # fmt: skip
        lambda T: T.nn.ConvTranspose2d(4, 3, 3, stride=2, output_padding=1, dtype=T.float64),
        lambda T: T.nn.Sequential(T.nn.MaxPool2d(3, 2, 1, ceil_mode=True), T.nn.AvgPool2d(2)),
        lambda T: T.nn.Sequential(
            T.nn.ReflectionPad2d((1, 2, 0, 1)), T.nn.ZeroPad2d(1), T.nn.AdaptiveAvgPool2d((2, 3))
        ),  # fmt: skip
        lambda T: T.nn.Sequential(
            T.nn.Upsample(scale_factor=2, mode="bilinear"),
            T.nn.PixelUnshuffle(2),
            T.nn.LPPool2d(2, 2),
        ),  # fmt: skip
        lambda T: T.nn.Sequential(
            T.nn.GroupNorm(2, 4, dtype=T.float64),
            T.nn.InstanceNorm2d(4, affine=True, dtype=T.float64),
            T.nn.LocalResponseNorm(3),
        ),  # fmt: skip
        lambda T: T.nn.Sequential(T.nn.Flatten(2), T.nn.Unflatten(2, (6, 7))),
    ],
)
def test_layer_matches_torch(build):
    torch.manual_seed(0)
    _same(build(torch), build(ma), X)


def test_conv_init_follows_torchs_bounds():
    conv = ma.nn.Conv2d(8, 4, 3)
    bound = 1 / np.sqrt(8 * 9)  # kaiming_uniform_(a=sqrt(5)): U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    w, b = conv.weight.detach().numpy(), conv.bias.detach().numpy()
    assert w.shape == (4, 8, 3, 3) and np.abs(w).max() <= bound and np.abs(w).max() > bound * 0.8
    assert np.abs(b).max() <= bound
    t = ma.nn.ConvTranspose2d(8, 4, 3, groups=2)
    assert tuple(t.weight.shape) == (8, 2, 3, 3)
    assert np.abs(t.weight.detach().numpy()).max() <= 1 / np.sqrt(2 * 9)
    assert repr(ma.nn.Conv2d(2, 3, 3, stride=2, padding=1, bias=False)) == repr(
        torch.nn.Conv2d(2, 3, 3, stride=2, padding=1, bias=False)
    )


def test_conv_transpose_output_size():
    for T in (torch, ma):
        up = T.nn.ConvTranspose2d(2, 2, 3, stride=2, padding=1)
        assert tuple(up(T.zeros(1, 2, 4, 4), output_size=(8, 8)).shape) == (1, 2, 8, 8)
        with pytest.raises(ValueError):
            up(T.zeros(1, 2, 4, 4), output_size=(10, 10))


@pytest.mark.parametrize("momentum", [0.1, None])
def test_batchnorm_buffers_train_then_eval(momentum):
    torch.manual_seed(0)
    t_bn = torch.nn.BatchNorm2d(4, momentum=momentum, dtype=torch.float64)
    m_bn = ma.nn.BatchNorm2d(4, momentum=momentum, dtype=ma.float64)
    assert list(m_bn.state_dict()) == list(t_bn.state_dict())
    for step in range(3):
        _same(t_bn, m_bn, X * (step + 1), train=True)
    for key, value in t_bn.state_dict().items():
        np.testing.assert_allclose(m_bn.state_dict()[key].numpy(), value.numpy(), rtol=1e-12)
    assert m_bn.num_batches_tracked.item() == 3 and m_bn.num_batches_tracked.dtype == ma.int64
    _same(t_bn, m_bn, X, train=False)  # eval: the running statistics


def test_batchnorm_without_running_stats_and_1d():
    for build in (
        lambda T: T.nn.BatchNorm2d(4, track_running_stats=False, dtype=T.float64),
        lambda T: T.nn.BatchNorm1d(4, affine=False, dtype=T.float64),
    ):
        _same(build(torch), build(ma), X.reshape(2, 4, -1)[..., :6].reshape(2, 4, 2, 3)
              if "2d" in str(build(torch)) else X[:, :, 0, :])  # fmt: skip
    bn = ma.nn.BatchNorm2d(3, track_running_stats=False)
    assert list(bn.state_dict()) == ["weight", "bias"]
    with pytest.raises(ValueError, match="expected 4D input"):
        bn(ma.zeros(2, 3, 4))


def test_register_buffer_persistence():
    m = ma.nn.Module()
    m.register_buffer("kept", ma.ones(2))
    m.register_buffer("scratch", ma.zeros(2), persistent=False)
    assert list(m.state_dict()) == ["kept"] and {n for n, _ in m.named_buffers()} == {
        "kept",
        "scratch",
    }


def _hooked_run(T):
    """Grad-CAM's recipe: a forward hook keeps the activations, a full backward hook the
    gradient at the layer's output; a pre-hook scales the input, another hook edits the output."""
    torch.manual_seed(0)
    conv = T.nn.Conv2d(2, 3, 3, dtype=T.float64)
    head = T.nn.Linear(3 * 3 * 3, 2, dtype=T.float64)
    if T is ma:
        conv.load_state_dict({k: ma.tensor(v.numpy()) for k, v in REF[0].state_dict().items()})
        head.load_state_dict({k: ma.tensor(v.numpy()) for k, v in REF[1].state_dict().items()})
    else:
        REF[:] = [conv, head]
    seen = {}
    conv.register_forward_pre_hook(lambda m, args: (args[0] * 2,))
    conv.register_forward_hook(lambda m, args, out: seen.__setitem__("act", out.detach()))
    conv.register_full_backward_hook(
        lambda m, gi, go: seen.update(gi=[g.detach().numpy().copy() for g in gi], go=go[0])
    )
    doubled = conv.register_forward_hook(lambda m, args, out: out * 2)
    x = T.tensor(np.random.default_rng(3).standard_normal((1, 2, 5, 5)), requires_grad=True)
    score = head(T.relu(conv(x)).flatten(1))[0, 1]
    score.backward()
    doubled.remove()
    again = conv(x)
    weights = seen["go"].mean(dim=(2, 3), keepdim=True)
    cam = T.relu((weights * seen["act"]).sum(1))
    return [cam.detach().numpy(), seen["gi"][0], x.grad.numpy(), again.detach().numpy()]


REF: list = []


def test_module_hooks_as_grad_cam_uses_them():
    expected = _hooked_run(torch)
    for ours, theirs in zip(_hooked_run(ma), expected, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_backward_hook_can_replace_grad_input():
    for T in (torch, ma):
        lin = T.nn.Linear(3, 2)
        lin.register_full_backward_hook(lambda m, gi, go: (T.ones_like(gi[0]) * 7,))
        x = T.ones(4, 3, requires_grad=True)
        lin(x).sum().backward()
        assert np.all(x.grad.numpy() == 7)


def test_double_backward_through_a_cnn():
    """A gradient penalty (WGAN-GP): d/dw of |dD/dx|², through conv, tanh, pool and linear."""
    results, ref_net = [], []
    for T in (torch, ma):
        torch.manual_seed(0)
        net = [T.nn.Conv2d(1, 3, 3, dtype=T.float64), T.nn.Linear(3 * 2 * 2, 1, dtype=T.float64)]
        if T is ma:
            for m, ref in zip(net, ref_net, strict=True):
                m.load_state_dict({k: ma.tensor(v.numpy()) for k, v in ref.state_dict().items()})
        ref_net = net
        x = T.tensor(np.random.default_rng(0).standard_normal((2, 1, 6, 6)), requires_grad=True)
        h = T.nn.functional.max_pool2d(T.tanh(net[0](x)), 2)
        score = net[1](h.flatten(1)).sum()
        (g,) = T.autograd.grad(score, x, create_graph=True)
        penalty = ((g.flatten(1).norm(dim=1) - 1) ** 2).mean()
        penalty.backward()
        results.append([p.grad for m in net for p in m.parameters()])
    for ours, theirs in zip(results[1], results[0], strict=True):
        assert (ours is None) == (theirs is None)
        if theirs is not None:
            np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-9, atol=1e-12)


def test_example_runs_and_learns(capsys):
    runpy.run_path(str(EXAMPLE), run_name="__main__")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 6 and float(lines[-1].split("test")[1].strip(" %")) > 90


def test_example_runs_unchanged_in_torch(capsys):
    source = EXAMPLE.read_text()
    line = "\nimport mini_autograd as torch\n"
    assert source.count(line) == 1
    code = compile(source.replace(line, "\nimport torch\n"), str(EXAMPLE), "exec")
    exec(code, {"__name__": "__main__"})
    lines = capsys.readouterr().out.splitlines()
    assert float(lines[-1].split("test")[1].strip(" %")) > 90
