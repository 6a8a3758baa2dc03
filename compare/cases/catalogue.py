"""Composites of the everyday catalogue (issue 13): scans, sorting, scatter/gather, shape and
statistics ops inside small programs, as torch users write them."""

from __future__ import annotations

from ..function_case import tagged
from ..inputs import fixed, uniform

case = tagged("catalogue")


@case(inputs={"x": uniform(3, 6)})
def running_mean(T, x):
    """cumsum(x, 1) / arange(1, n + 1): the running mean of each row"""
    n = x.shape[1]
    return T.cumsum(x, dim=1) / T.arange(1, n + 1, dtype=x.dtype)


@case(inputs={"x": uniform(4, 6)}, finite_differences=False)
def topk_loss(T, x):
    """the mean of each row's top-2 logits minus its logsumexp: a sort-based top-k loss"""
    top = x.topk(2, dim=1).values
    return (top.mean(1) - x.logsumexp(1)).sum()


@case(inputs={"x": uniform(3, 5)}, finite_differences=False)
def sorted_weights(T, x):
    """sort(x) weighted by position: an ordered-weighted average (OWA)"""
    s, _ = x.sort(dim=1, descending=True)
    w = T.linspace(1.0, 0.2, 5, dtype=x.dtype)
    return (s * w).sum(1)


@case(inputs={"x": uniform(4, 3), "src": uniform(2, 3)})
def scatter_gather(T, x, src):
    """index_add rows of src into x, then gather back a permutation along dim 1"""
    idx = T.tensor([3, 0])
    y = x.index_add(0, idx, src, alpha=2.0)
    perm = T.tensor([[2, 0, 1]] * 4)
    return y.gather(1, perm) * y.tanh()


@case(inputs={"v": uniform(6), "seg": fixed([0, 1, 0, 2, 1, 2])}, finite_differences=False)
def segment_sums(T, v, seg):
    """scatter_add by segment ids, then a softmax over the segments: a segment reduction"""
    seg = seg.long()
    out = T.zeros(3, dtype=v.dtype).scatter_add(0, seg, v.exp())
    return out.log().softmax(0)


@case(inputs={"x": uniform(3, 4)})
def shape_shuffle(T, x):
    """flip, roll, repeat, movedim and tril composed: gradients undo each layout move"""
    y = T.flip(x, [1]).roll(1, 0).repeat(2, 1)
    return T.tril(y.movedim(0, 1) @ y) * 0.1


@case(inputs={"x": uniform(4, 5)})
def covariance_trace(T, x):
    """trace(cov(x)) + corrcoef's off-diagonal mass: the statistics ops in one expression"""
    c = T.cov(x)
    r = T.corrcoef(x)
    return T.trace(c) + (r - T.diag(T.diagonal(r))).abs().sum()


@case(inputs={"x": uniform(3, 4, low=0.2, high=2.0), "y": uniform(3, 4)})
def smooth_arithmetic(T, x, y):
    """atan2, hypot, logaddexp, xlogy, lerp and addcdiv on one graph"""
    a = T.atan2(y, x) + T.hypot(x, y) + T.logaddexp(x, y)
    return T.lerp(a, T.xlogy(x, x), 0.25).addcdiv(y, x, value=0.5)


@case(inputs={"x": uniform(2, 5)})
def quantile_spread(T, x):
    """the interquartile range of each row: quantile through the sort's gradient"""
    q = T.quantile(x, T.tensor([0.25, 0.75], dtype=x.dtype), dim=1)
    return q[1] - q[0]
