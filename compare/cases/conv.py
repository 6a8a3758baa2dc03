"""The convolutional road: convolutions, pooling, normalisation, padding and resampling, with the
awkward configurations (stride > kernel, dilation with padding, depthwise groups, ceil_mode
windows off the edge, max-pool ties, batch norm in train then eval, output_padding)."""

from __future__ import annotations

from ..function_case import tagged
from ..inputs import fixed, uniform

case = tagged("conv")

TIES = [[[[1.0, 1.0, 2.0, 2.0], [1.0, 0.5, 2.0, 2.0], [0.0, 3.0, 3.0, 0.0], [3.0, 0.0, 0.0, 3.0]]]]


@case(inputs={"x": uniform(2, 2, 5, 4), "w": uniform(3, 2, 3, 3), "b": uniform(3)})
def conv2d(T, x, w, b):
    """F.conv2d with bias, stride 1, no padding"""
    return T.nn.functional.conv2d(x, w, b)


@case(inputs={"x": uniform(1, 1, 7, 7), "w": uniform(2, 1, 2, 2)})
def conv2d_stride_gt_kernel(T, x, w):
    """F.conv2d with stride 3 > kernel 2: some pixels never reach the output"""
    return T.nn.functional.conv2d(x, w, stride=3)


@case(inputs={"x": uniform(1, 1, 6, 5), "w": uniform(2, 1, 3, 3)})
def conv2d_dilation_padding(T, x, w):
    """F.conv2d with dilation 2, padding 2 and stride (2, 1)"""
    return T.nn.functional.conv2d(x, w, stride=(2, 1), padding=2, dilation=2)


@case(inputs={"x": uniform(1, 3, 4, 4), "w": uniform(3, 1, 3, 3), "b": uniform(3)})
def conv2d_depthwise(T, x, w, b):
    """depthwise F.conv2d: groups = channels = 4, padding 1"""
    return T.nn.functional.conv2d(x, w, b, padding=1, groups=3)


@case(inputs={"x": uniform(1, 2, 4, 5), "w": uniform(2, 2, 2, 3)})
def conv2d_same_even_kernel(T, x, w):
    """F.conv2d with padding='same' and an even kernel (the extra pad goes after)"""
    return T.nn.functional.conv2d(x, w, padding="same")


@case(inputs={"x": uniform(2, 2, 7), "w": uniform(3, 2, 3), "b": uniform(3)})
def conv1d(T, x, w, b):
    """F.conv1d with stride 2 and padding 1"""
    return T.nn.functional.conv1d(x, w, b, stride=2, padding=1)


@case(inputs={"x": uniform(1, 1, 3, 3, 4), "w": uniform(2, 1, 2, 2, 3)})
def conv3d(T, x, w):
    """F.conv3d with padding 1"""
    return T.nn.functional.conv3d(x, w, padding=1)


@case(inputs={"x": uniform(1, 2, 3, 3), "w": uniform(2, 2, 3, 3), "b": uniform(2)})
def conv_transpose2d_output_padding(T, x, w, b):
    """F.conv_transpose2d with stride 2, padding 1 and output_padding 1"""
    return T.nn.functional.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1)


@case(inputs={"x": uniform(1, 4, 3, 3), "w": uniform(4, 1, 2, 2)})
def conv_transpose2d_groups_dilation(T, x, w):
    """depthwise F.conv_transpose2d (groups 4) with dilation 2 and stride 3"""
    return T.nn.functional.conv_transpose2d(x, w, stride=3, dilation=2, groups=4)


@case(inputs={"x": uniform(2, 3, 5), "w": uniform(3, 2, 3)})
def conv_transpose1d(T, x, w):
    """F.conv_transpose1d with stride 2"""
    return T.nn.functional.conv_transpose1d(x, w, stride=2)


@case(inputs={"x": uniform(1, 2, 6, 6), "w": uniform(3, 2, 3, 3)})
def conv_relu_pool(T, x, w):
    """max_pool2d(relu(conv2d(x, w, padding=1)), 2): DeZero's conv block"""
    F = T.nn.functional
    return F.max_pool2d(F.relu(F.conv2d(x, w, padding=1)), 2)


@case(inputs={"x": uniform(2, 3, 7, 6)})
def max_pool2d_ceil_mode(T, x):
    """F.max_pool2d, kernel 3, stride 2, padding 1, ceil_mode: the last window hangs off the edge"""
    return T.nn.functional.max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True)


@case(inputs={"x": uniform(1, 2, 6, 7)})
def max_pool2d_dilation(T, x):
    """F.max_pool2d with dilation 2 and stride 1"""
    return T.nn.functional.max_pool2d(x, 2, stride=1, dilation=2)


@case(inputs={"x": fixed(TIES)}, finite_differences=False)
def max_pool2d_ties(T, x):
    """F.max_pool2d over windows with tied maxima: the first one takes the gradient, as torch"""
    return T.nn.functional.max_pool2d(x, 2, stride=1)


@case(inputs={"x": uniform(2, 3, 8)})
def max_pool1d(T, x):
    """F.max_pool1d, kernel 3, stride 2, ceil_mode"""
    return T.nn.functional.max_pool1d(x, 3, stride=2, ceil_mode=True)


@case(inputs={"x": uniform(2, 3, 7, 6)})
def avg_pool2d_ceil_exclude_pad(T, x):
    """F.avg_pool2d, kernel 3, stride 2, padding 1, ceil_mode, count_include_pad=False"""
    return T.nn.functional.avg_pool2d(
        x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False
    )


@case(inputs={"x": uniform(2, 3, 5, 5)})
def avg_pool2d_divisor_override(T, x):
    """F.avg_pool2d, kernel 2, padding 1, divisor_override 3"""
    return T.nn.functional.avg_pool2d(x, 2, padding=1, divisor_override=3)


@case(inputs={"x": uniform(2, 3, 7, 5)})
def adaptive_pools(T, x):
    """adaptive_avg_pool2d to (3, 2) plus adaptive_max_pool2d to (3, 2)"""
    F = T.nn.functional
    return F.adaptive_avg_pool2d(x, (3, 2)) + F.adaptive_max_pool2d(x, (3, 2))


@case(inputs={"x": uniform(1, 2, 4, 4, low=0.5, high=2.0)})
def lp_pool2d(T, x):
    """F.lp_pool2d with p = 2, kernel 2"""
    return T.nn.functional.lp_pool2d(x, 2.0, 2)


@case(inputs={"x": uniform(1, 2, 4, 6)})
def max_pool_unpool(T, x):
    """max_unpool2d(*max_pool2d(x, 2, return_indices=True), 2)"""
    F = T.nn.functional
    return F.max_unpool2d(*F.max_pool2d(x, 2, return_indices=True), 2)


@case(inputs={"x": uniform(4, 3, 3, 3), "w": uniform(3), "b": uniform(3)})
def batch_norm_train_then_eval(T, x, w, b):
    """batch_norm in training (updating running stats, momentum 0.3), then in eval with them"""
    F = T.nn.functional
    rm, rv = T.zeros(3, dtype=x.dtype), T.ones(3, dtype=x.dtype)
    train = F.batch_norm(x, rm, rv, w, b, training=True, momentum=0.3)
    evaluated = F.batch_norm(x * 0.5, rm, rv, w, b, training=False)
    return T.cat([train.flatten(), evaluated.flatten()])


@case(inputs={"x": uniform(3, 4, 3, 2), "w": uniform(4), "b": uniform(4)})
def group_norm(T, x, w, b):
    """F.group_norm with 2 groups of 2 channels"""
    return T.nn.functional.group_norm(x, 2, w, b)


@case(inputs={"x": uniform(2, 3, 4, 3)})
def instance_norm(T, x):
    """F.instance_norm without affine parameters"""
    return T.nn.functional.instance_norm(x)


@case(inputs={"x": uniform(2, 5, 3, 3)})
def local_response_norm(T, x):
    """F.local_response_norm over 3 neighbouring channels"""
    return T.nn.functional.local_response_norm(x, 3, alpha=0.1)


@case(inputs={"x": uniform(1, 2, 4, 5)})
def pad_modes(T, x):
    """F.pad: constant, reflect, replicate and circular, summed"""
    F = T.nn.functional
    pads = (1, 2, 2, 1)
    return sum(F.pad(x, pads, mode=m) for m in ("constant", "reflect", "replicate", "circular"))


@case(inputs={"x": uniform(2, 3, 4, 5)})
def unfold_fold(T, x):
    """F.fold(F.unfold(x)) with overlapping 2×3 windows: each pixel times its window count"""
    F = T.nn.functional
    cols = F.unfold(x, (2, 3), padding=1, stride=1)
    return F.fold(cols * cols, (4, 5), (2, 3), padding=1, stride=1)


@case(inputs={"x": uniform(1, 2, 3, 4)})
def interpolate_modes(T, x):
    """F.interpolate to (5, 7): nearest, bilinear (both corner rules) and bicubic, concatenated"""
    F = T.nn.functional
    outs = [
        F.interpolate(x, size=(5, 7)),
        F.interpolate(x, size=(5, 7), mode="bilinear"),
        F.interpolate(x, size=(5, 7), mode="bilinear", align_corners=True),
        F.interpolate(x, size=(5, 7), mode="bicubic"),
    ]
    return T.cat(outs, dim=1)


@case(inputs={"x": uniform(2, 8, 2, 3)})
def pixel_shuffle_roundtrip(T, x):
    """pixel_unshuffle(pixel_shuffle(x, 2) ** 2, 2)"""
    F = T.nn.functional
    return F.pixel_unshuffle(F.pixel_shuffle(x, 2) ** 2, 2)


@case(
    inputs={
        "x": uniform(2, 2, 4, 5),
        "theta": fixed([[[0.9, -0.2, 0.1], [0.3, 1.1, -0.2]], [[1.2, 0.1, 0.0], [-0.1, 0.8, 0.3]]]),
    }
)
def affine_grid_sample(T, x, theta):
    """grid_sample(x, affine_grid(theta)): a spatial transformer, bilinear, zeros padding"""
    F = T.nn.functional
    grid = F.affine_grid(theta, (2, 2, 3, 4), align_corners=False)
    return F.grid_sample(x, grid, align_corners=False)


@case(inputs={"x": uniform(1, 2, 7, 9)})
def interpolate_area(T, x):
    """F.interpolate mode='area' (adaptive average pooling) to (3, 4) and by 0.45, flattened"""
    F = T.nn.functional
    a = F.interpolate(x, size=(3, 4), mode="area")
    b = F.interpolate(x, scale_factor=0.45, mode="area")
    return T.cat([a.flatten(), b.flatten()])


@case(inputs={"x": uniform(1, 2, 5, 3, 7), "y": uniform(2, 2, 9)})
def interpolate_area_3d_1d(T, x, y):
    """F.interpolate mode='area' of a 5-D input to (2, 3, 4) and of a 3-D one to 4, flattened"""
    F = T.nn.functional
    a = F.interpolate(x, size=(2, 3, 4), mode="area")
    b = F.interpolate(y, size=4, mode="area")
    return T.cat([a.flatten(), b.flatten()])


@case(inputs={"x": uniform(1, 2, 9, 8)})
def interpolate_antialias(T, x):
    """antialiased downsampling to (3, 4): bilinear, bilinear align_corners, bicubic, lanczos"""
    F = T.nn.functional
    outs = [
        F.interpolate(x, size=(3, 4), mode="bilinear", antialias=True),
        F.interpolate(x, size=(3, 4), mode="bilinear", antialias=True, align_corners=True),
        F.interpolate(x, size=(3, 4), mode="bicubic", antialias=True),
        F.interpolate(x, size=(3, 4), mode="lanczos", antialias=True),
    ]
    return T.cat(outs, dim=1)


@case(inputs={"x": uniform(2, 2, 3, 4), "grid": uniform(2, 3, 2, 2, low=-1.3, high=1.3)})
def grid_sample_bicubic(T, x, grid):
    """F.grid_sample bicubic with zeros, border and reflection padding, summed"""
    F = T.nn.functional
    return sum(
        F.grid_sample(x, grid, mode="bicubic", padding_mode=p, align_corners=a)
        for p, a in (("zeros", False), ("border", True), ("reflection", False))
    )


@case(inputs={"x": uniform(2, 1, 4, 3), "grid": uniform(2, 3, 3, 2, low=-2.5, high=2.5)})
def grid_sample_reflection(T, x, grid):
    """F.grid_sample bilinear, reflection padding, both corner rules, grid far outside"""
    F = T.nn.functional
    a = F.grid_sample(x, grid, padding_mode="reflection", align_corners=False)
    b = F.grid_sample(x, grid, padding_mode="reflection", align_corners=True)
    return a * b + a


@case(inputs={"x": uniform(1, 2, 3, 2, 4), "grid": uniform(1, 2, 2, 3, 3, low=-1.4, high=1.4)})
def grid_sample_3d(T, x, grid):
    """F.grid_sample of a 5-D input: trilinear zeros and reflection, nearest border"""
    F = T.nn.functional
    a = F.grid_sample(x, grid, align_corners=False)
    b = F.grid_sample(x, grid, padding_mode="reflection", align_corners=True)
    c = F.grid_sample(x, grid, mode="nearest", padding_mode="border", align_corners=False)
    return a + b * c


@case(
    inputs={
        "x": uniform(1, 2, 3, 4, 3),
        "theta": fixed([[[0.9, -0.2, 0.1, 0.05], [0.3, 1.1, -0.2, 0.1], [0.0, 0.2, 0.8, -0.1]]]),
    }
)
def affine_grid_sample_3d(T, x, theta):
    """grid_sample(x, affine_grid(theta)) in 3-D: a volumetric spatial transformer"""
    F = T.nn.functional
    grid = F.affine_grid(theta, (1, 2, 2, 3, 2), align_corners=False)
    return F.grid_sample(x, grid, align_corners=False)


@case(inputs={"x": uniform(2, 1, 5, 5), "w1": uniform(2, 1, 3, 3), "w2": uniform(1, 2, 3, 3)})
def gradient_penalty(T, x, w1, w2):
    """WGAN-GP's penalty: (|d critic / d x| - 1)^2 through two convs, tanh and avg-pool"""
    F = T.nn.functional
    h = T.tanh(F.conv2d(x, w1, padding=1))
    score = F.avg_pool2d(F.conv2d(h, w2), 2).sum()
    (g,) = T.autograd.grad(score, x, create_graph=True)
    return ((g.flatten(1).norm(dim=1) - 1) ** 2).mean()
