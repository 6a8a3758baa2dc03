"""The everyday catalogue, part 2 (see test_ops_catalogue.py): shape ops, arithmetic,
trigonometry, numeric odds and ends, and statistics, in the op table's format."""

from __future__ import annotations

import math

import pytest
from opinfo import (
    case,
    check_against_torch,
    check_gradients,
    const,
    differentiable,
    distinct,
    int_values,
    ints,
    randn,
    uniform,
    unique_ids,
    values,
)

pytestmark = [
    pytest.mark.filterwarnings("error::RuntimeWarning"),
    pytest.mark.filterwarnings("ignore:.*degrees of freedom is <= 0:UserWarning"),
]

NAN, INF = math.nan, math.inf
pos = uniform(0.5, 2.0, 3, 4)
unit = uniform(-0.9, 0.9, 3, 4)

# fmt: off
CASES = [
    # --- shape --------------------------------------------------------------------------------
    case("repeat", lambda T, a: a.repeat(2, 3), randn(2, 3)),
    case("repeat", lambda T, a: a.repeat(2, 1, 2), randn(3), label="new-dims"),
    case("tile", lambda T, a: T.tile(a, (2,)), randn(2, 3)),
    case("repeat_interleave", lambda T, a: a.repeat_interleave(2, 0), randn(2, 3)),
    case("repeat_interleave", lambda T, a: T.repeat_interleave(a, 3), randn(2, 2), label="flat",
         node=False),
    case("repeat_interleave", lambda T, a, r: a.repeat_interleave(r, dim=1), randn(2, 3),
         int_values([1, 0, 2]), label="tensor-repeats"),
    case("repeat_interleave", lambda T, r: T.repeat_interleave(r), int_values([2, 0, 3]),
         label="counts"),
    case("flip", lambda T, a: a.flip(0, 2), randn(2, 3, 2)),
    case("flip", lambda T, a: T.flip(a, (-1,)), randn(3, 4), label="tuple"),
    case("fliplr", lambda T, a: a.fliplr(), randn(3, 4)),
    case("flipud", lambda T, a: T.flipud(a), randn(3, 4)),
    case("roll", lambda T, a: a.roll(1, 0), randn(3, 4)),
    case("roll", lambda T, a: T.roll(a, (2, -1), (1, 0)), randn(3, 4), label="two-dims"),
    case("roll", lambda T, a: a.roll(5), randn(3, 4), label="flat"),
    case("rot90", lambda T, a: a.rot90(), randn(3, 4)),
    case("rot90", lambda T, a: T.rot90(a, -3, (1, 2)), randn(2, 3, 4), label="k-dims"),
    case("movedim", lambda T, a: a.movedim(0, -1), randn(2, 3, 4)),
    case("movedim", lambda T, a: T.moveaxis(a, (0, 1), (2, 0)), randn(2, 3, 4), label="moveaxis"),
    case("unflatten", lambda T, a: a.unflatten(1, (2, -1)), randn(3, 4)),
    case("view_as", lambda T, a, b: a.view_as(b), randn(3, 4), const(2, 6)),
    case("reshape_as", lambda T, a, b: a.reshape_as(b), randn(3, 4), const(4, 3)),
    case("contiguous", lambda T, a: a.contiguous() * 2, randn(3, 4)),
    case("atleast_1d", lambda T, a: T.atleast_1d(a), randn()),
    case("atleast_2d", lambda T, a, b: T.atleast_2d(a, b), randn(3), randn(2, 2)),
    case("atleast_3d", lambda T, a: T.atleast_3d(a), randn(3, 4)),
    case("atleast_3d", lambda T, a: T.atleast_3d(a), randn(3), label="1d"),
    case("hstack", lambda T, a, b: T.hstack([a, b]), randn(3, 2), randn(3, 1)),
    case("hstack", lambda T, a, b: T.hstack((a, b)), randn(3), randn(2), label="1d"),
    case("vstack", lambda T, a, b: T.vstack([a, b]), randn(3), randn(2, 3)),
    case("dstack", lambda T, a, b: T.dstack([a, b]), randn(2, 3), randn(2, 3)),
    case("column_stack", lambda T, a, b: T.column_stack([a, b]), randn(3), randn(3, 2)),
    case("meshgrid", lambda T, a, b: T.meshgrid(a, b, indexing="ij"), randn(3), randn(2)),
    case("meshgrid", lambda T, a, b, c: T.meshgrid([a, b, c], indexing="xy"), randn(3), randn(2),
         randn(2), label="xy"),
    case("tensor_split", lambda T, a: a.tensor_split(3, 1), randn(2, 7)),
    case("tensor_split", lambda T, a: T.tensor_split(a, [1, 4]), randn(5, 2), label="indices"),
    case("hsplit", lambda T, a: a.hsplit(2), randn(3, 4)),
    case("vsplit", lambda T, a: T.vsplit(a, [1]), randn(3, 4)),
    case("dsplit", lambda T, a: a.dsplit(2), randn(2, 2, 4)),
    # --- arithmetic ---------------------------------------------------------------------------
    case("div", lambda T, a, b: T.div(a, b, rounding_mode="floor"), randn(3, 4), pos,
         label="floor", gradcheck=False),
    case("div", lambda T, a, b: a.div(b, rounding_mode="trunc"), randn(3, 4), pos,
         label="trunc", gradcheck=False),
    case("div", lambda T, a, b: T.div(a, b, rounding_mode="trunc"), ints(9, 4, low=-9),
         int_values([2, -3, 4, 5]), label="int-trunc"),
    case("div", lambda T, a: a.div(-2, rounding_mode="floor"), ints(9, 4, low=-9),
         label="int-floor"),
    case("floor_divide", lambda T, a, b: a // b, ints(9, 4, low=-9), int_values([2, -3, 4, 5])),
    case("floor_divide", lambda T, a: 7 // a, int_values([2, -3, 4]), label="reflected"),
    case("remainder", lambda T, a, b: a % b, randn(3, 4), pos, gradcheck=False),
    case("remainder", lambda T, a: T.remainder(a, -3), ints(9, 5, low=-9), label="int"),
    case("remainder", lambda T, a: 5.0 % a, uniform(0.5, 2, 3, grad=False), label="reflected"),
    case("fmod", lambda T, a, b: T.fmod(a, b), randn(3, 4), pos, gradcheck=False),
    case("atan2", lambda T, a, b: T.atan2(a, b), randn(3, 4), randn(4)),
    case("atan2", lambda T, a, b: a.arctan2(b), randn(3), randn(3), label="arctan2"),
    case("hypot", lambda T, a, b: a.hypot(b), randn(3, 4), randn(3, 4)),
    case("logaddexp", lambda T, a, b: T.logaddexp(a, b), randn(3, 4), randn(4)),
    case("logaddexp", lambda T, a, b: a.logaddexp(b), values([1000.0, -1000.0]),
         values([999.0, -1001.0]), label="large"),
    case("logaddexp2", lambda T, a, b: T.logaddexp2(a, b), randn(3, 4), randn(3, 4)),
    case("lerp", lambda T, a, b: T.lerp(a, b, 0.3), randn(3, 4), randn(3, 4)),
    case("lerp", lambda T, a, b, w: a.lerp(b, w), randn(3, 4), randn(4), uniform(0, 1, 3, 1),
         label="tensor-weight"),
    case("addcmul", lambda T, x, a, b: T.addcmul(x, a, b, value=0.5), randn(3, 4), randn(4),
         randn(3, 1)),
    case("addcdiv", lambda T, x, a, b: x.addcdiv(a, b, value=2), randn(3, 4), randn(3, 4), pos),
    case("xlogy", lambda T, x, y: T.xlogy(x, y), randn(3, 4), pos),
    case("xlogy", lambda T, x, y: x.xlogy(y), values([0.0, 0.0, 1.0, 2.0]),
         values([0.0, NAN, 0.0, 3.0]), label="zeros", gradcheck=False),
    case("copysign", lambda T, a, b: T.copysign(a, b), randn(3, 4), randn(3, 4),
         second=False),  # torch's double backward leaves ~1e-15 noise where ours is exactly 0
    case("copysign", lambda T, a: a.copysign(-1.0), values([0.0, -2.0, 3.0]), label="scalar",
         gradcheck=False, second=False),  # at 0 torch's second derivative is nan
    case("nextafter", lambda T, a, b: T.nextafter(a, b), const(3), const(3)),
    case("bitwise_and", lambda T, a: 6 & a, int_values([3, 5, 12]), label="reflected"),
    case("bitwise_or", lambda T, a: 6 | a, int_values([3, 5, 12]), label="reflected"),
    case("bitwise_xor", lambda T, a: 6 ^ a, int_values([3, 5, 12]), label="reflected"),
    # --- trigonometry and friends -------------------------------------------------------------
    case("sinh", lambda T, a: a.sinh(), randn(3, 4)),
    case("cosh", lambda T, a: T.cosh(a), randn(3, 4)),
    case("asinh", lambda T, a: a.asinh(), randn(3, 4)),
    case("acosh", lambda T, a: T.arccosh(a), uniform(1.2, 3, 3, 4)),
    case("atanh", lambda T, a: a.atanh(), unit),
    case("asin", lambda T, a: a.arcsin(), unit),
    case("acos", lambda T, a: T.acos(a), unit),
    case("atan", lambda T, a: a.atan(), randn(3, 4)),
    case("atan", lambda T, a: T.atan(a), ints(5, 4, low=-5), label="int"),
    case("exp2", lambda T, a: a.exp2(), randn(3, 4)),
    case("log10", lambda T, a: T.log10(a), pos),
    case("sinc", lambda T, a: a.sinc(), randn(3, 4)),
    case("sinc", lambda T, a: T.sinc(a), values([0.0, 1.0, -2.0, 0.5]), label="zero-integers",
         second=False),  # at 0 torch's second derivative is nan (0/0 inside its masked formula)
    case("deg2rad", lambda T, a: a.deg2rad(), randn(3, 4)),
    case("rad2deg", lambda T, a: T.rad2deg(a), randn(3, 4)),
    # --- numeric ------------------------------------------------------------------------------
    case("frac", lambda T, a: a.frac(), randn(3, 4)),
    case("trunc", lambda T, a: a.trunc(), randn(3, 4)),
    case("trunc", lambda T, a: T.fix(a), randn(3, 4), label="fix"),
    case("float_power", lambda T, a: T.float_power(a, 2), randn(3, 4), dtypes=("float64",)),
    case("float_power", lambda T, a, b: a.float_power(b), pos, randn(3, 4), label="tensor",
         dtypes=("float64",)),
    case("clamp_min", lambda T, a: a.clamp_min(0.1), randn(3, 4)),
    case("clamp_min", lambda T, a, b: T.clamp_min(a, b), randn(3, 4), randn(4), label="tensor"),
    case("clamp_max", lambda T, a: T.clamp_max(a, -0.1), randn(3, 4)),
    case("nan_to_num", lambda T, a: a.nan_to_num(), values([NAN, INF, -INF, 1.5])),
    case("nan_to_num", lambda T, a: T.nan_to_num(a, 1.0, 2.0, -2.0), values([NAN, INF, -INF, 1.5]),
         label="values"),
    case("isclose", lambda T, a, b: T.isclose(a, b, rtol=0.1), values([1.0, 2.0, NAN, INF]),
         values([1.05, 3.0, NAN, INF])),
    case("isclose", lambda T, a, b: a.isclose(b, equal_nan=True), values([1.0, NAN]),
         values([1.0, NAN]), label="equal-nan"),
    case("allclose", lambda T, a, b: T.tensor(T.allclose(a, b)), randn(3), randn(3)),
    case("allclose", lambda T, a: T.tensor(a.allclose(a + 1e-9)), randn(3), label="close"),
    case("equal", lambda T, a, b: T.tensor([T.equal(a, b), a.equal(a)]), randn(3), randn(3)),
    case("sign", lambda T, a: a.sign(), values([NAN, 0.0, -2.0]), label="nan", gradcheck=False),
    case("abs", lambda T, a: a.abs(), values([NAN, 0.0, -2.0]), label="nan", gradcheck=False),
    case("relu", lambda T, a: a.relu(), values([NAN, 0.0, -2.0]), label="nan", gradcheck=False),
    # --- statistics ---------------------------------------------------------------------------
    case("nansum", lambda T, a: a.nansum(), values([[1.0, NAN], [2.0, 3.0]])),
    case("nansum", lambda T, a: T.nansum(a, 1, keepdim=True), randn(3, 4), label="dim"),
    case("nanmean", lambda T, a: a.nanmean(0), values([[1.0, NAN], [2.0, 3.0]]), node=False),
    case("aminmax", lambda T, a: a.aminmax(), distinct(3, 4), node=False),
    case("aminmax", lambda T, a: T.aminmax(a, dim=1, keepdim=True), distinct(3, 4), label="dim",
         node=False),
    case("count_nonzero", lambda T, a: a.count_nonzero(), int_values([[0, 1], [2, 0]])),
    case("count_nonzero", lambda T, a: T.count_nonzero(a, (0, 1)), int_values([[[0, 1]]]),
         label="dims"),
    case("var_mean", lambda T, a: T.var_mean(a, 1), randn(3, 4), node=False),
    case("std_mean", lambda T, a: T.std_mean(a, correction=0), randn(3, 4), node=False),
    case("quantile", lambda T, a: a.quantile(0.3), distinct(3, 4), node=False),
    case("quantile", lambda T, a, q: T.quantile(a, q, 1, keepdim=True), distinct(3, 4),
         values([0.0, 0.5, 0.8], grad=False), label="tensor-q", node=False),
    case("quantile", lambda T, a: a.quantile(0.4, 0, interpolation="midpoint"), distinct(4, 3),
         label="midpoint", node=False),
    case("quantile", lambda T, a: a.quantile(0.5, 0), values([[1.0, NAN], [2.0, 3.0]], grad=False),
         label="nan"),
    case("nanquantile", lambda T, a: a.nanquantile(0.5, 0), values([[1.0, NAN], [2.0, 3.0],
                                                                     [4.0, 4.5]]), node=False),
    case("cov", lambda T, a: a.cov(), randn(3, 5), node=False),
    case("cov", lambda T, a, w: T.cov(a, correction=0, aweights=w), randn(2, 4),
         uniform(0.5, 2, 4, grad=False), label="aweights", node=False),
    case("corrcoef", lambda T, a: a.corrcoef(), randn(3, 5), node=False),
    case("logsumexp", lambda T, a: a.logsumexp((0, 2)), randn(2, 3, 2), label="tuple"),
]
# fmt: on

IDS = unique_ids(CASES)
GRADCHECK = [(i, c) for i, c in zip(IDS, CASES) if differentiable(c)]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("c", CASES, ids=IDS)
def test_against_torch(c, dtype):
    if dtype not in c.dtypes:
        pytest.skip(f"{c.id} runs in {c.dtypes} only")
    check_against_torch(c, dtype)


@pytest.mark.parametrize("c", [c for _, c in GRADCHECK], ids=[i for i, _ in GRADCHECK])
def test_gradcheck(c):
    check_gradients(c)
