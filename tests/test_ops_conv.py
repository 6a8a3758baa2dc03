"""The convolutional road's op table: conv, pooling, normalisation, padding and resampling, one
line per case, run as test_ops.py runs its table (values, dtypes, node names, gradients, second
derivatives against torch; gradcheck and gradgradcheck in float64)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from opinfo import F, case, const, distinct, int_values, randn, table_tests, uniform, values

pytestmark = [
    pytest.mark.filterwarnings("ignore:Using padding='same':UserWarning"),
    pytest.mark.filterwarnings("ignore:dropout2d. Received a 3D input:UserWarning"),
]


TIES = [[[[1.0, 1.0, 2.0, 2.0], [1.0, 0.0, 2.0, 2.0], [0.0, 3.0, 3.0, 0.0], [3.0, 0.0, 0.0, 3.0]]]]
THETA = [[[0.9, -0.2, 0.1], [0.3, 1.1, -0.2]], [[1.2, 0.1, 0.0], [-0.1, 0.8, 0.3]]]
# grid points kept away from the pixel boundaries, where bilinear sampling has kinks
GRID = (np.linspace(-1.1, 1.1, 2 * 3 * 3 * 2) * 0.97 + 0.013).reshape(2, 3, 3, 2).tolist()
RUNNING_MEAN, RUNNING_VAR = [0.1, -0.2, 0.3], [0.5, 1.5, 1.0]


def bn(T, x, w, b, training):
    rm, rv = T.tensor(RUNNING_MEAN, dtype=x.dtype), T.tensor(RUNNING_VAR, dtype=x.dtype)
    return F(T).batch_norm(x, rm, rv, w, b, training=training, momentum=0.2)


# fmt: off
CASES = [
    # --- convolution ------------------------------------------------------------------------------
    case("conv2d", lambda T, x, w, b: F(T).conv2d(x, w, b), randn(2, 2, 4, 5), randn(3, 2, 3, 2), randn(3)),
    case("conv2d", lambda T, x, w: F(T).conv2d(x, w, stride=2, padding=1), randn(1, 2, 5, 4), randn(2, 2, 3, 3), label="stride_pad"),
    case("conv2d", lambda T, x, w: F(T).conv2d(x, w, stride=3), randn(1, 2, 7, 7), randn(2, 2, 2, 2), label="stride_gt_kernel"),
    case("conv2d", lambda T, x, w: F(T).conv2d(x, w, padding=2, dilation=2), randn(1, 1, 5, 4), randn(2, 1, 3, 3), label="dilation_pad"),
    case("conv2d", lambda T, x, w, b: F(T).conv2d(x, w, b, groups=3, padding=1), randn(1, 3, 4, 3), randn(3, 1, 3, 3), randn(3), label="depthwise"),
    case("conv2d", lambda T, x, w: F(T).conv2d(x, w, groups=2), randn(1, 4, 4, 5), randn(6, 2, 2, 2), label="groups"),
    case("conv2d", lambda T, x, w: F(T).conv2d(x, w, padding="same"), randn(1, 2, 5, 4), randn(3, 2, 2, 3), label="same_even"),
    case("conv2d", lambda T, x, w: F(T).conv2d(x, w, padding="valid", stride=(2, 1)), randn(1, 2, 5, 4), randn(3, 2, 2, 3), label="valid"),
    case("conv2d", lambda T, x, w: F(T).conv2d(x, w), randn(2, 5, 4), randn(3, 2, 2, 2), label="unbatched"),
    case("conv1d", lambda T, x, w, b: F(T).conv1d(x, w, b, stride=2, padding=1), randn(2, 3, 9), randn(4, 3, 3), randn(4)),
    case("conv1d", lambda T, x, w: F(T).conv1d(x, w, dilation=3, groups=3), randn(2, 3, 9), randn(6, 1, 2), label="dilated_groups"),
    case("conv3d", lambda T, x, w, b: F(T).conv3d(x, w, b, stride=(2, 1, 1), padding=1), randn(1, 1, 3, 3, 4), randn(2, 1, 2, 2, 3), randn(2)),
    case("conv_transpose2d", lambda T, x, w, b: F(T).conv_transpose2d(x, w, b), randn(2, 3, 4, 3), randn(3, 2, 3, 2), randn(2)),
    case("conv_transpose2d", lambda T, x, w: F(T).conv_transpose2d(x, w, stride=2, padding=1, output_padding=1), randn(1, 3, 3, 4), randn(3, 2, 3, 3), label="output_padding"),
    case("conv_transpose2d", lambda T, x, w: F(T).conv_transpose2d(x, w, stride=3, dilation=2, output_padding=(2, 1)), randn(1, 2, 3, 3), randn(2, 2, 2, 2), label="dilation"),
    case("conv_transpose2d", lambda T, x, w: F(T).conv_transpose2d(x, w, groups=2, stride=2), randn(1, 4, 3, 3), randn(4, 1, 2, 2), label="groups"),
    case("conv_transpose1d", lambda T, x, w, b: F(T).conv_transpose1d(x, w, b, stride=2, padding=1), randn(2, 3, 5), randn(3, 2, 3), randn(2)),
    case("conv_transpose3d", lambda T, x, w: F(T).conv_transpose3d(x, w, stride=2), randn(1, 2, 2, 3, 2), randn(2, 2, 2, 2, 2)),
    # --- pooling ----------------------------------------------------------------------------------
    case("max_pool2d", lambda T, x: F(T).max_pool2d(x, 2), distinct(2, 3, 6, 5)),
    case("max_pool2d", lambda T, x: F(T).max_pool2d(x, 2), distinct(2, 3, 6, 8), label="tiled_2x2"),
    case("max_pool2d", lambda T, x: F(T).max_pool2d(x, 2), values(TIES), label="tiled_2x2_ties", gradcheck=False),
    case("max_pool2d", lambda T, x: F(T).max_pool2d(x, (3, 2)), distinct(2, 7, 9), label="tiled_unbatched_margin"),
    case("max_pool1d", lambda T, x: F(T).max_pool1d(x, 3), distinct(2, 3, 10), label="tiled"),
    case("max_pool3d", lambda T, x: F(T).max_pool3d(x, 2), distinct(1, 2, 4, 4, 5), label="tiled"),
    case("max_pool2d", lambda T, x: F(T).max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True), distinct(1, 2, 6, 6), label="ceil_mode"),
    case("max_pool2d", lambda T, x: F(T).max_pool2d(x, (3, 2), stride=1, dilation=(1, 2), padding=1), distinct(1, 2, 5, 6), label="dilation"),
    case("max_pool2d", lambda T, x: F(T).max_pool2d(x, 2, stride=1, return_indices=True), values(TIES), label="ties", gradcheck=False),
    case("max_pool2d", lambda T, x: F(T).max_pool2d(x, 2, stride=3), distinct(2, 7, 7), label="stride_gt_kernel_unbatched"),
    case("max_pool1d", lambda T, x: F(T).max_pool1d(x, 3, stride=2, padding=1, ceil_mode=True, return_indices=True), distinct(2, 3, 8)),
    case("max_pool3d", lambda T, x: F(T).max_pool3d(x, 2, stride=(1, 2, 2)), distinct(1, 2, 3, 4, 4)),
    case("avg_pool2d", lambda T, x: F(T).avg_pool2d(x, 2), randn(2, 3, 4, 5)),
    case("avg_pool2d", lambda T, x: F(T).avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False), randn(1, 2, 6, 6), label="ceil_exclude_pad"),
    case("avg_pool2d", lambda T, x: F(T).avg_pool2d(x, 3, stride=2, ceil_mode=True), randn(1, 2, 6, 6), label="ceil_mode"),
    case("avg_pool2d", lambda T, x: F(T).avg_pool2d(x, (2, 3), stride=1, padding=1, divisor_override=4), randn(1, 2, 4, 5), label="divisor_override"),
    case("avg_pool1d", lambda T, x: F(T).avg_pool1d(x, 3, 2, 1, ceil_mode=True), randn(2, 3, 8)),
    case("avg_pool3d", lambda T, x: F(T).avg_pool3d(x, 2, padding=1), randn(1, 2, 3, 3, 4)),
    case("adaptive_avg_pool2d", lambda T, x: F(T).adaptive_avg_pool2d(x, (3, 4)), randn(1, 2, 7, 6), node=False),
    case("adaptive_avg_pool2d", lambda T, x: F(T).adaptive_avg_pool2d(x, 1), randn(2, 3, 5, 5), label="global", node=False),
    case("adaptive_avg_pool1d", lambda T, x: F(T).adaptive_avg_pool1d(x, 4), randn(2, 3, 7), node=False),
    case("adaptive_avg_pool3d", lambda T, x: F(T).adaptive_avg_pool3d(x, (2, None, 3)), randn(1, 2, 5, 3, 7), node=False),
    case("adaptive_avg_pool3d", lambda T: T.nn.AdaptiveAvgPool3d(2)(T.arange(2 * 3 * 4 * 5.0).reshape(2, 3, 4, 5)), label="module_unbatched", node=False),
    case("adaptive_max_pool2d", lambda T, x: F(T).adaptive_max_pool2d(x, (3, 2), return_indices=True), distinct(2, 2, 7, 5)),
    case("adaptive_max_pool1d", lambda T, x: F(T).adaptive_max_pool1d(x, 3), distinct(2, 2, 7)),
    case("lp_pool2d", lambda T, x: F(T).lp_pool2d(x, 2, 2), uniform(0.5, 2.0, 1, 2, 4, 4), node=False),
    case("lp_pool1d", lambda T, x: F(T).lp_pool1d(x, 3, 2, stride=1), uniform(0.5, 2.0, 1, 2, 5), node=False),
    case("max_unpool2d", lambda T, x, i: F(T).max_unpool2d(x, i, 2), randn(1, 1, 2, 2), int_values([[[[0, 3], [9, 14]]]])),
    case("max_unpool2d", lambda T, x: F(T).max_unpool2d(*F(T).max_pool2d(x, 2, return_indices=True), 2, output_size=(5, 5)), distinct(1, 2, 5, 5), label="roundtrip", node=False),
    # --- normalisation ----------------------------------------------------------------------------
    case("batch_norm", lambda T, x, w, b: bn(T, x, w, b, True), randn(4, 3, 3, 2), randn(3), randn(3)),
    case("batch_norm", lambda T, x, w, b: bn(T, x, w, b, False), randn(4, 3, 3, 2), randn(3), randn(3), label="eval", node=False),
    case("batch_norm", lambda T, x: F(T).batch_norm(x, None, None, training=True), randn(5, 3), label="no_running_stats"),
    case("group_norm", lambda T, x, w, b: F(T).group_norm(x, 2, w, b), randn(3, 4, 3, 2), randn(4), randn(4), node=False),
    case("instance_norm", lambda T, x, w, b: F(T).instance_norm(x, weight=w, bias=b), randn(2, 3, 4, 3), randn(3), randn(3), node=False),
    case("local_response_norm", lambda T, x: F(T).local_response_norm(x, 3), randn(1, 5, 2, 2), node=False),
    case("local_response_norm", lambda T, x: F(T).local_response_norm(x, 2, k=2.0), randn(2, 4, 5), label="3d", node=False),
    # --- padding, unfold/fold, resampling -------------------------------------------------------------
    case("pad", lambda T, x: F(T).pad(x, (1, 2, 0, 1), value=0.5), randn(2, 3, 4)),
    case("pad", lambda T, x: F(T).pad(x, (1, -1, 2, 0)), randn(2, 3, 4), label="negative"),
    case("pad", lambda T, x: F(T).pad(x, (2, 1, 1, 3), mode="reflect"), randn(1, 2, 4, 5), label="reflect"),
    case("pad", lambda T, x: F(T).pad(x, (3, 2), mode="replicate"), randn(2, 3, 4), label="replicate"),
    case("pad", lambda T, x: F(T).pad(x, (1, 2, 2, 1), mode="circular"), randn(1, 2, 3, 4), label="circular", node=False),
    case("pad", lambda T, x: F(T).pad(x, (1, 1, 0, 1, 1, 0), mode="reflect"), randn(1, 1, 3, 3, 2), label="reflect3d"),
    case("unfold", lambda T, x: F(T).unfold(x, (2, 3), padding=1, stride=(2, 1), dilation=(1, 2)), randn(1, 2, 4, 4)),
    case("unfold", lambda T, x: x.unfold(1, 3, 2), randn(2, 7, 3), label="method"),
    case("fold", lambda T, x: F(T).fold(x, (4, 5), 2, padding=1, stride=2), randn(1, 8, 9)),
    case("interpolate", lambda T, x: F(T).interpolate(x, scale_factor=2), randn(1, 2, 3, 4), label="nearest"),
    case("interpolate", lambda T, x: F(T).interpolate(x, size=(5, 3), mode="nearest-exact"), randn(1, 2, 3, 4), label="nearest_exact"),
    case("interpolate", lambda T, x: F(T).interpolate(x, size=(5, 7), mode="bilinear"), randn(1, 2, 3, 4), label="bilinear", node=False),
    case("interpolate", lambda T, x: F(T).interpolate(x, scale_factor=1.5, mode="bilinear", align_corners=True), randn(1, 2, 3, 4), label="bilinear_align", node=False),
    case("interpolate", lambda T, x: F(T).interpolate(x, size=(6, 5), mode="bicubic"), randn(1, 2, 4, 3), label="bicubic", node=False),
    case("interpolate", lambda T, x: F(T).interpolate(x, size=7, mode="linear"), randn(2, 2, 4), label="linear", node=False),
    case("interpolate", lambda T, x: F(T).interpolate(x, size=(3, 4, 2), mode="trilinear", align_corners=True), randn(1, 1, 2, 3, 3), label="trilinear", node=False),
    case("interpolate", lambda T, x: F(T).interpolate(x, size=4, mode="area"), randn(2, 3, 9), label="area_1d", node=False),
    case("interpolate", lambda T, x: F(T).interpolate(x, scale_factor=(0.5, 1.7), mode="area"), randn(1, 2, 7, 5), label="area_scale", node=False),
    case("interpolate", lambda T, x: F(T).interpolate(x, size=(2, 3, 4), mode="area"), randn(1, 1, 5, 3, 7), label="area_3d", node=False),
    case("interpolate", lambda T, x: F(T).interpolate(x, size=(3, 4), mode="bilinear", antialias=True), randn(1, 2, 7, 9), label="bilinear_aa", node=False),
    case("interpolate", lambda T, x: F(T).interpolate(x, scale_factor=(0.4, 2.5), mode="bilinear", antialias=True, align_corners=True), randn(2, 1, 8, 3), label="bilinear_aa_align", node=False),
    case("interpolate", lambda T, x: F(T).interpolate(x, size=(2, 5), mode="bicubic", antialias=True), randn(1, 2, 9, 4), label="bicubic_aa", node=False),
    case("interpolate", lambda T, x: F(T).interpolate(x, scale_factor=0.45, mode="bicubic", antialias=True, align_corners=True, recompute_scale_factor=True), randn(1, 1, 9, 7), label="bicubic_aa_align", node=False),
    case("interpolate", lambda T, x: F(T).interpolate(x, size=(3, 2), mode="lanczos", antialias=True), randn(1, 2, 8, 5), label="lanczos_aa", node=False),
    case("pixel_shuffle", lambda T, x: F(T).pixel_shuffle(x, 2), randn(2, 8, 2, 3), node=False),
    case("pixel_unshuffle", lambda T, x: F(T).pixel_unshuffle(x, 2), randn(2, 2, 4, 6), node=False),
    case("affine_grid", lambda T, t: F(T).affine_grid(t, (2, 1, 3, 4), align_corners=False), values(THETA), node=False),
    case("grid_sample", lambda T, x, g: F(T).grid_sample(x, g, align_corners=False), randn(2, 1, 3, 4), values(GRID), node=False),
    case("grid_sample", lambda T, x, g: F(T).grid_sample(x, g, padding_mode="border", align_corners=True), randn(2, 1, 3, 4), values(GRID), label="border", node=False),
    case("grid_sample", lambda T, x, g: F(T).grid_sample(x, g, mode="nearest", align_corners=False), randn(2, 2, 3, 4), const(2, 3, 4, 2), label="nearest", node=False),
    case("affine_grid", lambda T, t: F(T).affine_grid(t, (2, 1, 2, 3, 4), align_corners=True), randn(2, 3, 4), label="3d", node=False),
    case("grid_sample", lambda T, x, g: F(T).grid_sample(x, g, mode="bicubic", align_corners=False), randn(2, 2, 3, 4), values(GRID), label="bicubic", node=False),
    case("grid_sample", lambda T, x, g: F(T).grid_sample(x, g, mode="bicubic", padding_mode="border", align_corners=True), randn(2, 1, 4, 3), uniform(-1.3, 1.3, 2, 2, 3, 2), label="bicubic_border", node=False),
    case("grid_sample", lambda T, x, g: F(T).grid_sample(x, g, mode="bicubic", padding_mode="reflection", align_corners=False), randn(1, 2, 3, 4), uniform(-1.7, 1.7, 1, 3, 2, 2), label="bicubic_reflection", node=False),
    case("grid_sample", lambda T, x, g: F(T).grid_sample(x, g, padding_mode="reflection", align_corners=False), randn(2, 1, 3, 4), uniform(-1.7, 1.7, 2, 3, 2, 2), label="reflection", node=False),
    case("grid_sample", lambda T, x, g: F(T).grid_sample(x, g, padding_mode="reflection", align_corners=True), randn(2, 2, 4, 3), uniform(-2.9, 2.9, 2, 2, 3, 2), label="reflection_align", node=False),
    case("grid_sample", lambda T, x, g: F(T).grid_sample(x, g, mode="nearest", padding_mode="reflection", align_corners=True), randn(1, 2, 3, 4), uniform(-1.7, 1.7, 1, 3, 2, 2, grad=False), label="nearest_reflection", node=False),
    case("grid_sample", lambda T, x, g: F(T).grid_sample(x, g, align_corners=False), randn(2, 2, 3, 2, 4), uniform(-1.1, 1.1, 2, 2, 2, 3, 3), label="trilinear", node=False),
    case("grid_sample", lambda T, x, g: F(T).grid_sample(x, g, padding_mode="reflection", align_corners=True), randn(1, 1, 2, 3, 3), uniform(-1.8, 1.8, 1, 2, 2, 2, 3), label="trilinear_reflection", node=False),
    case("grid_sample", lambda T, x, g: F(T).grid_sample(x, g, padding_mode="border", align_corners=False), randn(1, 2, 3, 2, 3), uniform(-1.4, 1.4, 1, 3, 2, 1, 3), label="trilinear_border", node=False),
    case("grid_sample", lambda T, x, g: F(T).grid_sample(x, g, mode="nearest", align_corners=False), randn(2, 1, 3, 2, 4), uniform(-1.1, 1.1, 2, 2, 2, 2, 3), label="nearest_3d", node=False, gradcheck=False),
    case("dropout2d", lambda T, x: F(T).dropout2d(x, 0.5, training=False), randn(2, 3, 2, 2)),
    case("dropout1d", lambda T, x: F(T).dropout1d(x, 1.0), randn(2, 3, 4), node=False, gradcheck=False),
    case("dropout3d", lambda T, x: F(T).dropout3d(x, 0.0), randn(1, 2, 2, 2, 2)),
]
# fmt: on

test_against_torch, test_gradcheck = table_tests(CASES)


def test_running_stats_follow_torch():
    """batch_norm's momentum update (unbiased variance) and instance_norm's batch average."""
    import mini_autograd as ma

    x = np.random.default_rng(0).standard_normal((4, 3, 5))
    for T in (torch, ma):
        rm, rv = T.tensor(RUNNING_MEAN, dtype=T.float64), T.tensor(RUNNING_VAR, dtype=T.float64)
        F(T).batch_norm(T.tensor(x), rm, rv, training=True, momentum=0.3)
        F(T).instance_norm(T.tensor(x), rm, rv, momentum=0.4)
        if T is torch:
            expected = rm.numpy().copy(), rv.numpy().copy()
    np.testing.assert_allclose(rm.numpy(), expected[0], rtol=1e-12)
    np.testing.assert_allclose(rv.numpy(), expected[1], rtol=1e-12)
