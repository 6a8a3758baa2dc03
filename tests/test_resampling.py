"""interpolate (area, antialias) and grid_sample (bicubic, reflection, 5-D) beyond the op tables:
torch's errors (type and message) for the bad combinations, and the one place where torch's
antialiased forward disagrees with its own backward."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import mini_autograd as ma


def F(T):  # noqa: N802 - the usual alias of torch.nn.functional
    return T.nn.functional


def interp(shape, **kw):
    return lambda T: F(T).interpolate(T.zeros(shape), **kw)


INTERPOLATE_ERRORS = [
    interp((1, 2, 5), size=3, mode="bilinear", antialias=True),
    interp((1, 1, 4, 4), size=3, mode="nearest", antialias=True),
    interp((1, 1, 4, 4, 4), size=3, mode="bicubic", antialias=True),
    interp((1, 1, 4, 4), size=3, mode="area", align_corners=True),
    interp((1, 1, 4, 4), size=3, mode="nearest-exact", align_corners=False),
    interp((1, 1, 4, 4), size=3, mode="foo"),
    interp((1, 1, 4, 4), size=3, mode="lanczos"),
    interp((1, 1, 4, 4), size=3, mode="lanczos", antialias=True, align_corners=True),
    interp((1, 1, 4), size=3, mode="bicubic"),
    interp((1, 1, 4, 4, 4), size=3, mode="bilinear"),
    interp((1, 1, 4), size=3, mode="trilinear"),
    interp((1, 1, 4, 4), size=(3, 2.0), mode="area"),
    interp((1, 1, 4, 4), size=3, scale_factor=2),
    interp((1, 1, 4, 4)),
    interp((1, 1, 4, 4), scale_factor=(2, 2, 2), mode="area"),
    interp((1, 1, 4, 4), size=3, mode="area", recompute_scale_factor=True),
    interp((4, 4), size=3, mode="area"),
    interp((1, 1, 4, 4), size=[3], mode="bilinear"),
    interp((1, 1, 4, 4), scale_factor=0.0, mode="bilinear"),
    interp((1, 1, 4), size=0, mode="linear"),
    interp((1, 1, 2, 3, 4), size=(1, 0, 2)),
    interp((1, 1, 0, 3), size=(2, 2), mode="bicubic"),
    interp((1, 1, 4, 4), scale_factor=0.2, mode="bilinear", antialias=True),
    interp((1, 0, 4, 4), size=2, mode="bilinear"),
    interp((1, 0, 4, 4, 4), size=2, mode="trilinear"),
]


def sample(x_shape, g_shape, x_dtype="float32", g_dtype="float32", **kw):
    def call(T):
        x = T.zeros(x_shape, dtype=getattr(T, x_dtype))
        g = T.zeros(g_shape, dtype=getattr(T, g_dtype))
        return F(T).grid_sample(x, g, align_corners=False, **kw)

    return call


def affine(theta_shape, size, dtype="float32"):
    return lambda T: F(T).affine_grid(
        T.zeros(theta_shape, dtype=getattr(T, dtype)), size, align_corners=False
    )


GRID_SAMPLE_ERRORS = [
    sample((1, 1, 3, 4, 5), (1, 2, 2, 2, 3), mode="bicubic"),
    sample((1, 1, 3, 4, 5), (1, 2, 2, 2, 3), mode="bicubic", padding_mode="reflection"),
    sample((1, 1, 3, 4), (1, 2, 2, 2, 3)),
    sample((1, 1, 3, 4, 5), (1, 2, 2, 2)),
    sample((1, 1, 3, 4), (1, 2, 2, 3)),
    sample((1, 1, 3, 4), (2, 2, 2, 2)),
    sample((1, 1, 3, 4, 5), (2, 2, 2, 2, 3), mode="bicubic"),
    sample((1, 1, 3, 4), (1, 2, 2, 2), mode="trilinear"),
    sample((1, 1, 3, 4), (1, 2, 2, 2), padding_mode="circular"),
    sample((1, 1, 3), (1, 2, 1)),
    sample((1, 1, 1, 1, 1, 1), (1, 1, 1, 1, 1, 4)),
    sample((1, 1, 3, 4), (1, 2, 2, 2, 2)),
    sample((1, 1, 0, 4, 3), (1, 2, 2, 2, 3)),
    sample((1, 1, 3, 4), (1, 2, 2, 2), g_dtype="float64"),
    sample((1, 1, 3, 4), (1, 2, 2, 2), x_dtype="float64"),
    sample((1, 1, 3, 4), (1, 2, 2, 2), x_dtype="int32", g_dtype="int32"),
    sample((1, 1, 3, 4, 2), (1, 2, 2, 2, 3), x_dtype="int32", g_dtype="int32"),
    affine((2, 3, 4), (2, 1, 3, 4)),
    affine((2, 2, 3), (2, 1, 3, 4, 5)),
    affine((3, 4), (2, 1, 3, 4, 5)),
    affine((2, 2, 3), (2, 1, 3)),
    affine((2, 3, 4), (2, 0, 3, 4, 5)),
    affine((2, 3, 4), (3, 1, 2, 2, 2)),
    affine((2, 3, 4), (2, 1, 3, 4, 5), dtype="int32"),
]


def test_grid_sample_of_empty_batches_and_channels_as_torch():
    for x_shape, g_shape in (((1, 0, 3, 4), (1, 2, 2, 2)), ((1, 1, 3, 4), (1, 0, 2, 2))):
        theirs = sample(x_shape, g_shape)(torch)
        ours = sample(x_shape, g_shape)(ma)
        assert tuple(ours.shape) == tuple(theirs.shape)


@pytest.mark.parametrize("call", GRID_SAMPLE_ERRORS)
def test_grid_sample_and_affine_grid_errors_as_torch(call):
    _same_error(call)


def _same_error(call) -> None:
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(type(theirs.value)) as ours:
        call(ma)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("call", INTERPOLATE_ERRORS)
def test_interpolate_errors_as_torch(call):
    _same_error(call)


def test_area_scale_factor_recomputes_the_size_as_torch():
    """mode='area' with a scale_factor pools to floor(n * s) bins whatever recompute says."""
    x = np.random.default_rng(0).standard_normal((1, 2, 7, 9))
    for kw in (
        {"scale_factor": 0.45},
        {"scale_factor": (0.6, 1.3), "recompute_scale_factor": False},
    ):
        ours = F(ma).interpolate(ma.tensor(x), mode="area", **kw)
        theirs = F(torch).interpolate(torch.tensor(x), mode="area", **kw)
        torch.testing.assert_close(torch.tensor(ours.numpy()), theirs)


def test_antialias_with_one_output_column_is_torchs_backward_not_its_forward():
    """torch 2.13's _upsample_*2d_aa forward, for an output one pixel wide whose height changes,
    gives every output row the first row's weights (a kernel bug: its outputs are not its
    backward's adjoint). We give the separable answer, which is what torch's backward
    differentiates: our values and gradients equal the adjoint of torch's gradient."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 1, 5, 4))
    gy = rng.standard_normal((1, 1, 2, 1))
    for mode in ("bilinear", "bicubic"):
        t_x = torch.tensor(x, requires_grad=True)
        t_y = F(torch).interpolate(t_x, size=(2, 1), mode=mode, antialias=True)
        (t_g,) = torch.autograd.grad(t_y, t_x, torch.tensor(gy))
        m_x = ma.tensor(x, requires_grad=True)
        m_y = F(ma).interpolate(m_x, size=(2, 1), mode=mode, antialias=True)
        (m_g,) = ma.autograd.grad(m_y, m_x, ma.tensor(gy))
        np.testing.assert_allclose(m_g.numpy(), t_g.numpy(), rtol=1e-12, atol=1e-14)
        # torch's backward is the transpose of a linear map A: y = A x should hold for A's rows
        rows = [
            torch.autograd.grad(
                F(torch).interpolate(t_x, size=(2, 1), mode=mode, antialias=True)[0, 0, i, 0],
                t_x,
            )[0].numpy()
            for i in range(2)
        ]
        adjoint = np.array([(r * x).sum() for r in rows])
        np.testing.assert_allclose(m_y.detach().numpy().ravel(), adjoint, rtol=1e-12)
        assert t_y[0, 0, 0, 0].item() == pytest.approx(t_y[0, 0, 1, 0].item())  # torch's bug
        assert not np.allclose(m_y.detach().numpy()[0, 0, 0], m_y.detach().numpy()[0, 0, 1])
