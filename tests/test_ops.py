"""The op table: one line per case, each run under torch and mini_autograd (see tests/opinfo.py).

Every case compares values, dtypes, shapes and grad_fn names with torch in float32 and float64,
gradients under a random upstream gradient, second derivatives (float64) against torch's, and runs
gradcheck + gradgradcheck in float64. Hard inputs (large logits, log near 0, ties, pow at 0 and
below, sqrt at 0) are cases like any other, with gradcheck off where the function has a kink.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from opinfo import (
    bools,
    case,
    check_against_torch,
    check_gradients,
    const,
    differentiable,
    distinct,
    int_values,
    ints,
    mask,
    randn,
    uniform,
    unique_ids,
    values,
)

import mini_autograd as ma

pytestmark = [
    pytest.mark.filterwarnings("error::RuntimeWarning"),  # numpy noise torch would not make
    pytest.mark.filterwarnings("ignore:Using a target size:UserWarning"),
    pytest.mark.filterwarnings("ignore:Implicit dimension choice:UserWarning"),
    pytest.mark.filterwarnings("ignore:.*degrees of freedom is <= 0:UserWarning"),
]


def F(T):  # noqa: N802 - the usual alias of torch.nn.functional
    return T.nn.functional


pos = uniform(0.5, 2.0, 3, 4)
INF = math.inf


def assign(T, a, key, value):  # x[key] = value on a copy outside the graph
    out = a.detach().clone()
    out[key] = value
    return out


# fmt: off
CASES = [
    # --- arithmetic, broadcasting, scalars, empty ---------------------------------------------
    case("add", lambda T, a, b: a + b, randn(3, 4), randn(3, 4)),
    case("add", lambda T, a, b: a + b, randn(3, 1), randn(4), label="broadcast"),
    case("add", lambda T, a, b: T.add(a, b, alpha=2.0), randn(2, 3), randn(), label="alpha-0d"),
    case("add", lambda T, a, b: a + b, randn(0, 3), randn(3), label="empty"),
    case("add", lambda T, a: 2.5 + a, randn(2, 3), label="scalar"),
    case("sub", lambda T, a, b: a - b, randn(2, 1, 3), randn(4, 1), label="broadcast"),
    case("sub", lambda T, a: 1 - a, randn(3), label="rsub"),
    case("sub", lambda T, a, b: T.subtract(a, b, alpha=0.5), randn(3), randn(3), label="alpha"),
    case("mul", lambda T, a, b: a * b, randn(3, 4), randn(4), label="broadcast"),
    case("mul", lambda T, a, b: T.multiply(a, b), randn(), randn(), label="0d"),
    case("mul", lambda T, a: a * 3, randn(2, 2), label="scalar"),
    case("div", lambda T, a, b: a / b, randn(3, 4), pos),
    case("div", lambda T, a: 2 / a, uniform(0.5, 2, 3), label="rdiv", node=False),
    case("div", lambda T, a, b: T.divide(a, b), randn(2, 3), uniform(1, 2, 3), label="broadcast"),
    case("div", lambda T, a: a / 0.0, values([1.0, -1.0, 0.0]), label="by-zero", gradcheck=False),
    case("neg", lambda T, a: -a, randn(3, 4)),
    case("neg", lambda T, a: T.negative(a), randn(0), label="empty"),
    case("pow", lambda T, a: a**2, randn(3, 4)),
    case("pow", lambda T, a: a**3, randn(5), label="cube-negative-base"),
    case("pow", lambda T, a: a**0.5, pos, label="sqrt"),
    case("pow", lambda T, a: a**-1.5, pos, label="negative"),
    case("pow", lambda T, a, b: a**b, pos, randn(3, 4), label="tensor"),
    case("pow", lambda T, a, b: T.pow(a, b), pos, randn(4), label="tensor-broadcast"),
    case("pow", lambda T, a: 2.0**a, randn(3), label="rpow"),
    case("pow", lambda T, a: 2**a, randn(3), label="rpow-int-base"),
    case("pow", lambda T, a: a**2, values([0.0, -2.0, 2.0]), label="x2-at-0"),
    case("pow", lambda T, a: a**2.5, values([0.0, -2.0, 2.0]), label="x2.5-base-0-neg",
         gradcheck=False),
    case("pow", lambda T, a: a**0, values([0.0, -2.0, 2.0]), label="x0", gradcheck=False),
    case("pow", lambda T, a: a**-1, values([0.0, -2.0, 2.0]), label="x-1-at-0", gradcheck=False),
    case("pow", lambda T, a, b: a**b, values([0.0, -2.0, 2.0, 0.0, 0.0]),
         values([2.0, 0.0, 0.5, -1.0, 0.0]), label="tensor-hard", gradcheck=False),
    case("pow", lambda T, b: 0.0**b, values([2.0, 0.0, 0.5, -1.0]), label="rpow-base-0",
         gradcheck=False),
    case("pow", lambda T, b: (-2.0) ** b, values([2.0, 0.0, 3.0]), label="rpow-base-neg",
         gradcheck=False),
    case("pow", lambda T, a: a**2, ints(5, 3), label="int"),
    case("pow", lambda T, a: a**0.5, ints(5, 3), label="int-float-exponent"),
    case("square", lambda T, a: T.square(a), randn(3, 4)),
    case("square", lambda T, a: a.square(), ints(5, 4), label="int"),
    case("maximum", lambda T, a, b: T.maximum(a, b), randn(3, 4), randn(4)),
    case("maximum", lambda T, a, b: T.maximum(a, b), values([1.0, 2.0, 3.0]),
         values([1.0, 3.0, 3.0]), label="ties", gradcheck=False),
    case("maximum", lambda T, a, b: T.max(a, b), randn(2, 3), randn(2, 3), label="max-form"),
    case("minimum", lambda T, a, b: T.minimum(a, b), randn(3, 4), randn(3, 1)),
    case("minimum", lambda T, a, b: a.minimum(b), values([1.0, 2.0]), values([1.0, 3.0]),
         label="ties", gradcheck=False),
    case("clamp", lambda T, a: a.clamp(-0.5, 0.5), randn(3, 4)),
    case("clamp", lambda T, a: T.clamp(a, min=0.0), randn(3, 4), label="min"),
    case("clamp", lambda T, a: a.clip(max=0.2), randn(5), label="clip-max"),
    case("clamp", lambda T, a: a.clamp(0.0, 1.0), values([-1.0, 0.0, 0.5, 1.0, 2.0]),
         label="at-bounds", gradcheck=False),
    case("clamp", lambda T, a: a.clamp(1.0, 0.0), randn(4), label="min>max"),
    case("clamp", lambda T, a, lo, hi: T.clamp(a, lo, hi), randn(3, 4), randn(4), randn(3, 1),
         label="tensor-bounds"),
    case("clamp", lambda T, a, lo: a.clamp(min=lo), randn(3, 4), randn(3, 4), label="tensor-min"),
    case("clamp", lambda T, a: a.clamp(0.5, 2.5), ints(4, 5), label="int-float-bounds"),
    case("where", lambda T, c, a, b: T.where(c, a, b), mask(3, 4), randn(3, 4), randn(4)),
    case("where", lambda T, c, a: T.where(c, a, 0.0), mask(3, 1), randn(3, 4), label="scalar"),
    case("where", lambda T, c, a, b: a.where(c, b), mask(4), randn(2, 4), randn(1),
         label="method"),
    case("eq", lambda T, a, b: a == b, ints(3, 3, 4), ints(3, 4)),
    case("ne", lambda T, a, b: T.ne(a, b), ints(3, 5), ints(3, 5)),
    case("lt", lambda T, a, b: a < b, randn(3, 4), randn(4)),
    case("le", lambda T, a: a <= 0.5, randn(3)),
    case("gt", lambda T, a, b: T.greater(a, b), randn(3), randn(3)),
    case("ge", lambda T, a: a >= 0, ints(3, 4, low=-3)),
    case("logical_and", lambda T, a, b: T.logical_and(a > 0, b), randn(3, 4), mask(4)),
    case("logical_or", lambda T, a, b: a.logical_or(b), mask(3, 1), randn(4)),
    case("logical_xor", lambda T, a, b: T.logical_xor(a, b), mask(3), mask(3)),
    case("logical_not", lambda T, a: T.logical_not(a), randn(3)),
    case("bitwise_and", lambda T, a, b: a & b, mask(3, 4), mask(4)),
    case("bitwise_or", lambda T, a, b: a | b, ints(8, 3), ints(8, 3)),
    case("bitwise_xor", lambda T, a, b: a ^ b, mask(3), mask(3)),
    case("bitwise_not", lambda T, a: ~a, mask(2, 3)),
    case("bitwise_not", lambda T, a: ~a, ints(8, 3), label="int"),
    case("isnan", lambda T, a: a.isnan(), values([math.nan, INF, -INF, 1.0])),
    case("isinf", lambda T, a: T.isinf(a), values([math.nan, INF, -INF, 1.0])),
    case("isfinite", lambda T, a: a.isfinite(), values([math.nan, INF, -INF, 1.0])),
    case("any", lambda T, a: a.any(), mask(3, 4)),
    case("any", lambda T, a: T.any(a > 1, 1, keepdim=True), randn(3, 4), label="dim"),
    case("all", lambda T, a: a.all(), randn(3, 4)),
    case("all", lambda T, a: (a > -1).all(dim=0), randn(3, 4), label="dim"),
    case("masked_fill", lambda T, a, m: a.masked_fill(m, 0.5), randn(3, 4), mask(3, 4)),
    case("masked_fill", lambda T, a, m: T.masked_fill(a, m, -INF).softmax(1), randn(3, 4),
         bools([[False, True, False, False]]), label="broadcast-softmax"),
    case("masked_fill", lambda T, a, m, v: a.masked_fill(m, v), randn(3, 4), mask(4), randn(),
         label="tensor-value"),
    case("masked_fill", lambda T, a, m: a.masked_fill(m, 2.0), randn(4), mask(3, 4),
         label="mask-broadcasts-input"),
    case("floor", lambda T, a: a.floor(), randn(3, 4)),
    case("ceil", lambda T, a: T.ceil(a), randn(3, 4)),
    case("round", lambda T, a: a.round(), randn(3, 4)),
    case("round", lambda T, a: a.round(), values([0.5, 1.5, 2.5, -0.5, -1.5]), label="halves",
         gradcheck=False),
    case("round", lambda T, a: T.round(a, decimals=2), randn(3, 4), label="decimals"),
    case("floor", lambda T, a: a.floor(), ints(5, 3), label="int"),
    # --- unary math -------------------------------------------------------------------------------
    case("exp", lambda T, a: a.exp(), randn(3, 4)),
    case("exp", lambda T, a: T.exp(a), randn(), label="0d"),
    case("exp", lambda T, a: T.exp(a), ints(3, 4), label="int"),
    case("exp", lambda T, a: a.exp(), values([-1000.0, 0.0, 100.0, 1000.0]), label="overflow",
         gradcheck=False),
    case("expm1", lambda T, a: a.expm1(), randn(3, 4)),
    case("expm1", lambda T, a: a.expm1(), values([1e-10, -1e-8, 0.0]), label="near-0"),
    case("log", lambda T, a: a.log(), pos),
    case("log", lambda T, a: T.log(a), values([1e-30, 1e-10, 1e-3, 1.0]), label="near-0",
         gradcheck=False),
    case("log", lambda T, a: a.log(), values([0.0, -1.0, 1.0]), label="at-0-and-below",
         gradcheck=False),
    case("log", lambda T, a: a.log(), uniform(0.5, 2, 0, 2), label="empty"),
    case("log1p", lambda T, a: a.log1p(), uniform(-0.5, 2, 3, 4)),
    case("log1p", lambda T, a: a.log1p(), values([1e-10, -1e-9, 0.0]), label="near-0"),
    case("log2", lambda T, a: T.log2(a), pos),
    case("sqrt", lambda T, a: a.sqrt(), pos),
    case("sqrt", lambda T, a: a.sqrt(), values([0.0, 4.0, -1.0]), label="at-0", gradcheck=False),
    case("sqrt", lambda T, a: a.sqrt(), ints(9, 4), label="int"),
    case("rsqrt", lambda T, a: a.rsqrt(), pos),
    case("rsqrt", lambda T, a: a.rsqrt(), values([0.0, 4.0]), label="at-0", gradcheck=False),
    case("abs", lambda T, a: a.abs(), randn(3, 4)),
    case("abs", lambda T, a: abs(a), values([0.0, -1.0, 2.0]), label="at-0", gradcheck=False),
    case("abs", lambda T, a: T.absolute(a), ints(5, 4, low=-5), label="int"),
    case("sign", lambda T, a: a.sign(), randn(3, 4)),
    case("sign", lambda T, a: a.sign(), values([0.0, -1.5, 2.0]), label="at-0", gradcheck=False),
    case("reciprocal", lambda T, a: a.reciprocal(), pos),
    case("reciprocal", lambda T, a: a.reciprocal(), values([0.0, 2.0]), label="at-0",
         gradcheck=False),
    case("sin", lambda T, a: a.sin(), randn(3, 4)),
    case("cos", lambda T, a: T.cos(a), randn(3, 4)),
    case("tan", lambda T, a: a.tan(), uniform(-1, 1, 3, 4)),
    case("tanh", lambda T, a: a.tanh(), randn(3, 4)),
    case("tanh", lambda T, a: F(T).tanh(a), values([-1000.0, -20.0, 0.0, 20.0, 1000.0]),
         label="large", gradcheck=False),
    case("sigmoid", lambda T, a: a.sigmoid(), randn(3, 4)),
    case("sigmoid", lambda T, a: F(T).sigmoid(a), values([-1000.0, -50.0, 0.0, 50.0, 1000.0]),
         label="large", gradcheck=False),
    case("relu", lambda T, a: a.relu(), randn(3, 4)),
    case("relu", lambda T, a: F(T).relu(a), ints(5, 4, low=-5), label="int"),
    case("erf", lambda T, a: a.erf() * 3, randn(3, 4)),
    case("erf", lambda T, a: T.erf(a), values([-6.0, -1.0, -0.5, 0.0, 1e-4, 0.9, 1.1, 3.0, 9.0]),
         label="regions"),
    # --- reductions ------------------------------------------------------------------------------
    case("sum", lambda T, a: a.sum(), randn(3, 4)),
    case("sum", lambda T, a: a.sum(1), randn(3, 4), label="dim"),
    case("sum", lambda T, a: T.sum(a, (0, 2), keepdim=True), randn(2, 3, 2), label="dims-keepdim"),
    case("sum", lambda T, a: a.sum(-1), randn(), label="0d"),
    case("sum", lambda T, a: a.sum(0), randn(0, 3), label="empty"),
    case("sum", lambda T, a: a.sum(), ints(5, 3, 4), label="int"),
    case("sum", lambda T, a: a.sum(dtype=T.float64), randn(3), label="dtype"),
    case("mean", lambda T, a: a.mean(), randn(3, 4)),
    case("mean", lambda T, a: a.mean((0, 1), keepdim=True), randn(2, 3, 2), label="dims"),
    case("mean", lambda T, a: a.mean(), randn(0), label="empty"),
    case("prod", lambda T, a: a.prod(), uniform(0.5, 1.5, 3, 4)),
    case("prod", lambda T, a: a.prod(1, keepdim=True), randn(3, 4), label="dim"),
    case("prod", lambda T, a: a.prod(), values([[1.0, 2.0], [0.0, 3.0]]), label="one-zero"),
    case("prod", lambda T, a: a.prod(), values([0.0, 2.0, 0.0]), label="two-zeros"),
    case("prod", lambda T, a: a.prod(0), values([[0.0, 2.0], [0.0, 3.0], [4.0, 0.0]]),
         label="dim-zeros"),
    case("prod", lambda T, a: a.prod(), ints(4, 3), label="int"),
    case("var", lambda T, a: a.var(), randn(3, 4)),
    case("var", lambda T, a: a.var(1, keepdim=True), randn(3, 4), label="dim"),
    case("var", lambda T, a: T.var(a, 0, False), randn(3, 4), label="biased"),
    case("var", lambda T, a: a.var(dim=(0, 2), correction=2), randn(3, 2, 4), label="correction"),
    case("var", lambda T, a: a.var(), randn(1), label="dof-0", gradcheck=False),
    case("std", lambda T, a: a.std(), randn(3, 4)),
    case("std", lambda T, a: a.std(0, unbiased=False), randn(3, 4), label="biased"),
    case("std", lambda T, a: a.std(1), values([[1.0, 1.0, 1.0], [1.0, 2.0, 3.0]]),
         label="zero-std", gradcheck=False),
    case("max", lambda T, a: a.max(), distinct(3, 4)),
    case("max", lambda T, a: a.max(1), distinct(3, 4), label="dim"),
    case("max", lambda T, a: T.max(a, 0, keepdim=True), distinct(3, 4), label="dim-keepdim"),
    case("max", lambda T, a: a.max(), values([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]]), label="ties",
         gradcheck=False),
    case("max", lambda T, a: a.max(1), values([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]]),
         label="dim-ties", gradcheck=False),
    case("max", lambda T, a: a.max(0), randn(), label="0d"),
    case("max", lambda T, a: a.max(1), ints(5, 3, 4), label="int"),
    case("min", lambda T, a: a.min(), distinct(3, 4)),
    case("min", lambda T, a: a.min(-1), distinct(2, 3, 2), label="dim"),
    case("min", lambda T, a: a.min(1), values([[1.0, 0.0, 0.0], [2.0, 2.0, 3.0]]),
         label="dim-ties", gradcheck=False),
    case("amax", lambda T, a: a.amax(1), distinct(3, 4)),
    case("amax", lambda T, a: T.amax(a, (0, 1)), distinct(2, 3, 2), label="dims"),
    case("amax", lambda T, a: a.amax(1), values([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]]),
         label="ties", gradcheck=False),
    case("amax", lambda T, a: a.amax(), values([[3.0, 3.0], [3.0, 1.0]]), label="all-ties",
         gradcheck=False),
    case("amin", lambda T, a: a.amin(0, keepdim=True), distinct(3, 4)),
    case("amin", lambda T, a: a.amin(), values([[0.0, 3.0], [0.0, 1.0]]), label="ties",
         gradcheck=False),
    case("argmax", lambda T, a: a.argmax(), values([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])),
    case("argmax", lambda T, a: a.argmax(1, keepdim=True), randn(3, 4), label="dim"),
    case("argmax", lambda T, a: a.argmax(keepdim=True), randn(3, 4), label="keepdim"),
    case("argmin", lambda T, a: T.argmin(a, 0), values([[1.0, 0.0], [1.0, -1.0]])),
    case("logsumexp", lambda T, a: a.logsumexp(1), randn(3, 4)),
    case("logsumexp", lambda T, a: T.logsumexp(a, (0, 1), keepdim=True), randn(2, 3),
         label="dims"),
    case("logsumexp", lambda T, a: a.logsumexp(0), values([1000.0, 1000.0, -1000.0]),
         label="large"),
    case("logsumexp", lambda T, a: a.logsumexp(0), values([-INF, -INF]), label="all-neg-inf",
         gradcheck=False),
    case("logsumexp", lambda T, a: a.logsumexp(1), randn(0, 3), label="empty-rows"),
    case("norm", lambda T, a: a.norm(), randn(3, 4)),
    case("norm", lambda T, a: T.norm(a, 1), randn(3, 4), label="p1"),
    case("norm", lambda T, a: a.norm(INF), distinct(3, 4), label="inf"),
    case("norm", lambda T, a: a.norm(-INF, dim=1), randn(3, 4), label="-inf"),
    case("norm", lambda T, a: a.norm(0), randn(3, 4), label="p0"),
    case("norm", lambda T, a: a.norm(3, dim=1, keepdim=True), randn(3, 4), label="p3"),
    case("norm", lambda T, a: a.norm(1.5, dim=0), randn(3, 4), label="p1.5"),
    case("norm", lambda T, a: a.norm(0.5), uniform(0.5, 2, 3), label="p0.5"),
    case("norm", lambda T, a: a.norm("fro", dim=(0, 1)), randn(3, 2, 2), label="fro"),
    case("norm", lambda T, a: a.norm(dim=1), values([[0.0, 0.0], [3.0, 4.0]]), label="zero-row",
         gradcheck=False),
    case("norm", lambda T, a: a.norm(INF), values([1.0, -3.0, 3.0]), label="inf-ties",
         gradcheck=False),
    # --- shape ------------------------------------------------------------------------------------
    case("reshape", lambda T, a: a.reshape(4, -1), randn(2, 3, 2)),
    case("reshape", lambda T, a: T.reshape(a, (1, 1)), randn(), label="0d"),
    case("reshape", lambda T, a: a.reshape(3, 0), randn(0, 3), label="empty"),
    case("view", lambda T, a: a.view(6), randn(2, 3)),
    case("flatten", lambda T, a: a.flatten(), randn(2, 3, 2)),
    case("flatten", lambda T, a: T.flatten(a, 1), randn(2, 3, 2), label="start"),
    case("flatten", lambda T, a: a.flatten(), randn(), label="0d"),
    case("squeeze", lambda T, a: a.squeeze(), randn(1, 3, 1)),
    case("squeeze", lambda T, a: a.squeeze(0), randn(1, 3, 1), label="dim"),
    case("squeeze", lambda T, a: T.squeeze(a, (0, 1)), randn(1, 3, 1), label="dims"),
    case("unsqueeze", lambda T, a: a.unsqueeze(-1), randn(2, 3)),
    case("unsqueeze", lambda T, a: T.unsqueeze(a, 0), randn(), label="0d"),
    case("transpose", lambda T, a: a.transpose(0, -1), randn(2, 3, 4)),
    case("transpose", lambda T, a: T.swapaxes(a, 0, 1), randn(2, 3), label="swapaxes"),
    case("permute", lambda T, a: a.permute(2, 0, 1), randn(2, 3, 4)),
    case("permute", lambda T, a: T.permute(a, (1, 0)), randn(2, 3), label="tuple"),
    case("t", lambda T, a: a.t(), randn(2, 3)),
    case("T", lambda T, a: a.T, randn(2, 3)),
    case("mT", lambda T, a: a.mT, randn(2, 3, 4)),
    case("expand", lambda T, a: a.expand(2, -1, 4), randn(3, 1)),
    case("expand_as", lambda T, a, b: a.expand_as(b), randn(3), const(2, 3)),
    case("broadcast_to", lambda T, a: T.broadcast_to(a, (2, 3, 4)), randn(1, 4)),
    case("sum_to_size", lambda T, a: a.sum_to_size(3, 1), randn(2, 3, 4)),
    case("clone", lambda T, a: a.clone(), randn(3)),
    case("to", lambda T, a: a.to(T.float64) * 2, randn(3)),
    case("double", lambda T, a: a.double(), randn(3)),
    case("float", lambda T, a: a.float(), randn(3), gradcheck=False),  # float32: too coarse
    case("long", lambda T, a: a.long(), values([1.5, -2.5])),
    case("int", lambda T, a: a.int(), values([1.5, -2.5])),
    case("bool", lambda T, a: a.bool(), values([1.5, 0.0])),
    case("half", lambda T, a: a.half(), randn(3), gradcheck=False),  # float16: too coarse
    case("short", lambda T, a: a.short(), values([1.5, -2.5])),
    case("char", lambda T, a: a.char(), values([1.5, -2.5])),
    case("byte", lambda T, a: a.byte(), values([1.5, 2.5])),
    case("type", lambda T, a: a.type(T.float64), randn(3)),
    case("type_as", lambda T, a, b: a.type_as(b), randn(3), ints(4, 3)),
    # --- joining and splitting -------------------------------------------------------------------
    case("cat", lambda T, a, b: T.cat([a, b], 1), randn(2, 3), randn(2, 1)),
    case("cat", lambda T, a, b, c: T.cat((a, b, c)), randn(1, 3), randn(2, 3), randn(0, 3),
         label="three-empty"),
    case("cat", lambda T, a, b: T.concat([a, b.double()], -1), randn(2, 2), randn(2, 1),
         label="promote"),
    case("cat", lambda T, a, b: T.cat([a, b]), randn(2, 3), randn(0), label="legacy-empty"),
    case("stack", lambda T, a, b: T.stack([a, b]), randn(2, 3), randn(2, 3)),
    case("stack", lambda T, a, b: T.stack((a, b), dim=-1), randn(2), randn(2), label="last"),
    case("split", lambda T, a: a.split(2), randn(5, 3)),
    case("split", lambda T, a: T.split(a, [1, 2], dim=1), randn(2, 3), label="sizes"),
    case("split", lambda T, a: a.split(2)[1], randn(5, 3), label="one-piece-used"),
    case("unbind", lambda T, a: a.unbind(), randn(3, 2)),
    case("unbind", lambda T, a: T.unbind(a, 1)[1], randn(3, 2), label="one-used"),
    case("chunk", lambda T, a: a.chunk(3), randn(5, 2)),
    case("chunk", lambda T, a: T.chunk(a, 4, 1), randn(2, 6), label="fewer"),
    # --- indexing ---------------------------------------------------------------------------------
    case("__getitem__", lambda T, a: a[1], randn(3, 4)),
    case("__getitem__", lambda T, a: a[0:3:2, 1:], randn(3, 4), label="slices"),
    case("__getitem__", lambda T, a: a[..., None, -1], randn(2, 3, 4), label="ellipsis-none"),
    case("__getitem__", lambda T, a, i: a[i], randn(3, 4), int_values([0, 2, 0, 0]),
         label="repeated-index"),
    case("__getitem__", lambda T, a, i: a[:, i], randn(3, 4), int_values([[1, 1], [3, 0]]),
         label="index-2d"),
    case("__getitem__", lambda T, a, m: a[m], randn(3, 4), mask(3, 4), label="mask"),
    case("__getitem__", lambda T, a, m: a[m, 1:], randn(3, 4), mask(3), label="row-mask"),
    case("__getitem__", lambda T, a: a[[0, 2], [1, 3]], randn(3, 4), label="lists"),
    case("__getitem__", lambda T, a: a[...], randn(2), label="all"),
    case("one_hot", lambda T, i: F(T).one_hot(i), int_values([0, 2, 1])),
    case("one_hot", lambda T, i: F(T).one_hot(i, 5), ints(5, 2, 3), label="classes"),
    case("__setitem__", lambda T, a: assign(T, a, (0, slice(1, None)), 2.0), randn(3, 4)),
    case("__setitem__", lambda T, a, m: assign(T, a, m, -1.0), randn(3, 4), mask(3, 4),
         label="mask"),
    case("__setitem__", lambda T, a, v: assign(T, a, (Ellipsis, 1), v), randn(2, 3), const(2),
         label="tensor-value"),
    case("__setitem__", lambda T, a: assign(T, a, [0, 0], 7), ints(5, 3, 2), label="int"),
    case("gather", lambda T, a, i: a.gather(1, i), randn(3, 4), int_values([[0, 0], [1, 3],
                                                                             [2, 2]])),
    case("gather", lambda T, a, i: T.gather(a, 0, i), randn(3, 4), ints(3, 2, 4), label="dim0"),
    case("embedding", lambda T, i, w: F(T).embedding(i, w), int_values([[0, 2, 1], [4, 1, 1]]),
         randn(5, 3)),
    case("embedding", lambda T, i, w: F(T).embedding(i, w, padding_idx=1), ints(5, 4),
         randn(5, 2), label="padding", gradcheck=False),  # the padding row's gradient is 0 by fiat
    # --- linear algebra ---------------------------------------------------------------------------
    case("matmul", lambda T, a, b: a @ b, randn(2, 3), randn(3, 4)),
    case("matmul", lambda T, a, b: a @ b, randn(3), randn(3), label="1d-1d"),
    case("matmul", lambda T, a, b: a @ b, randn(2, 3), randn(3), label="2d-1d"),
    case("matmul", lambda T, a, b: a @ b, randn(3), randn(3, 4), label="1d-2d"),
    case("matmul", lambda T, a, b: T.matmul(a, b), randn(2, 2, 3), randn(3), label="3d-1d"),
    case("matmul", lambda T, a, b: a @ b, randn(3), randn(2, 3, 2), label="1d-3d"),
    case("matmul", lambda T, a, b: a @ b, randn(2, 2, 3), randn(3, 2), label="3d-2d"),
    case("matmul", lambda T, a, b: a @ b, randn(2, 3), randn(2, 3, 2), label="2d-3d"),
    case("matmul", lambda T, a, b: a @ b, randn(2, 1, 2, 3), randn(3, 3, 2),
         label="batch-broadcast"),
    case("matmul", lambda T, a, b: a @ b, randn(0, 2, 3), randn(3, 2), label="empty-batch",
         node=False),
    case("mm", lambda T, a, b: T.mm(a, b), randn(2, 3), randn(3, 2)),
    case("bmm", lambda T, a, b: a.bmm(b), randn(2, 2, 3), randn(2, 3, 2)),
    case("dot", lambda T, a, b: T.dot(a, b), randn(4), randn(4)),
    case("outer", lambda T, a, b: a.outer(b), randn(3), randn(2)),
    case("linear", lambda T, x, w, b: F(T).linear(x, w, b), randn(3, 4), randn(2, 4), randn(2)),
    case("linear", lambda T, x, w: F(T).linear(x, w), randn(3, 4), randn(2, 4), label="no-bias"),
    case("linear", lambda T, x, w, b: F(T).linear(x, w, b), randn(2, 2, 3), randn(2, 3),
         randn(2), label="3d"),
    case("linear", lambda T, x, w: F(T).linear(x, w), randn(2, 2, 3), randn(2, 3),
         label="3d-no-bias"),
    case("linear", lambda T, x, w, b: F(T).linear(x, w, b), randn(3), randn(2, 3), randn(2),
         label="1d"),
    case("linear", lambda T, x, w: F(T).linear(x, w), randn(3), randn(2, 3), label="1d-no-bias"),
    # --- activations ------------------------------------------------------------------------------
    case("leaky_relu", lambda T, a: F(T).leaky_relu(a), randn(3, 4)),
    case("leaky_relu", lambda T, a: F(T).leaky_relu(a, 0.2), randn(3, 4), label="slope"),
    case("elu", lambda T, a: F(T).elu(a), randn(3, 4)),
    case("elu", lambda T, a: F(T).elu(a, alpha=0.5), randn(3, 4), label="alpha"),
    case("gelu", lambda T, a: F(T).gelu(a), randn(3, 4)),
    case("gelu", lambda T, a: F(T).gelu(a, approximate="tanh"), randn(3, 4), label="tanh"),
    case("gelu", lambda T, a: F(T).gelu(a), values([-10.0, -3.0, 0.0, 3.0, 10.0]),
         label="tails"),
    case("silu", lambda T, a: F(T).silu(a), randn(3, 4)),
    case("softplus", lambda T, a: F(T).softplus(a), randn(3, 4)),
    case("softplus", lambda T, a: F(T).softplus(a, beta=2.0, threshold=1.0), randn(3, 4),
         label="beta-threshold"),
    case("softplus", lambda T, a: F(T).softplus(a), values([-100.0, 0.0, 19.0, 25.0]),
         label="large"),
    case("softmax", lambda T, a: F(T).softmax(a, dim=1), randn(3, 4)),
    case("softmax", lambda T, a: a.softmax(0), randn(3, 4), label="dim0"),
    case("softmax", lambda T, a: T.softmax(a, -1), values([[1000.0, 0.0, -1000.0],
                                                          [5000.0, 5000.0, 1.0]]),
         label="large-logits"),
    case("softmax", lambda T, a: F(T).softmax(a), randn(2, 3), label="implicit-dim"),
    case("softmax", lambda T, a: F(T).softmax(a, 1, dtype=T.float64), randn(2, 3),
         label="dtype", dtypes=("float32",)),
    case("log_softmax", lambda T, a: F(T).log_softmax(a, dim=1), randn(3, 4)),
    case("log_softmax", lambda T, a: a.log_softmax(-1), values([[1000.0, 0.0, -1000.0],
                                                               [-5000.0, 5000.0, 1.0]]),
         label="large-logits"),
    case("log_softmax", lambda T, a: T.log_softmax(a, 0), randn(), label="0d"),
    case("dropout", lambda T, a: F(T).dropout(a, 0.5, training=False), randn(3, 4)),
    case("dropout", lambda T, a: F(T).dropout(a, 0.0), randn(3, 4), label="p0"),
    case("dropout", lambda T, a: F(T).dropout(a, 1.0), randn(3, 4), label="p1"),
    case("layer_norm", lambda T, x: F(T).layer_norm(x, (4,)), randn(3, 4)),
    case("layer_norm", lambda T, x, w, b: F(T).layer_norm(x, (2, 3), w, b, eps=1e-3),
         randn(2, 2, 3), randn(2, 3), randn(2, 3), label="affine"),
    case("layer_norm", lambda T, x, w: F(T).layer_norm(x, [3], w), randn(2, 3), randn(3),
         label="weight"),
    # --- losses -----------------------------------------------------------------------------------
    case("mse_loss", lambda T, a, b: F(T).mse_loss(a, b), randn(3, 4), randn(3, 4)),
    case("mse_loss", lambda T, a, b: F(T).mse_loss(a, b, reduction="sum"), randn(3, 4), const(3, 4),
         label="sum"),
    case("mse_loss", lambda T, a, b: F(T).mse_loss(a, b, reduction="none"), randn(3, 1), randn(4),
         label="none-broadcast"),
    case("mse_loss", lambda T, a, b, w: F(T).mse_loss(a, b, weight=w), randn(3), randn(3),
         uniform(0.5, 1, 3, grad=False), label="weight"),
    case("l1_loss", lambda T, a, b: F(T).l1_loss(a, b), randn(3, 4), randn(3, 4)),
    case("l1_loss", lambda T, a, b: F(T).l1_loss(a, b, reduction="none"), randn(3), randn(3),
         label="none"),
    case("smooth_l1_loss", lambda T, a, b: F(T).smooth_l1_loss(a, b), randn(3, 4), randn(3, 4)),
    case("smooth_l1_loss", lambda T, a, b: F(T).smooth_l1_loss(a, b, beta=0.5, reduction="sum"),
         randn(3, 4), randn(3, 4), label="beta"),
    case("smooth_l1_loss", lambda T, a, b: F(T).smooth_l1_loss(a, b, beta=0.0), randn(3),
         randn(3), label="beta0", node=False),
    case("huber_loss", lambda T, a, b: F(T).huber_loss(a, b), randn(3, 4), randn(3, 4)),
    case("huber_loss", lambda T, a, b: F(T).huber_loss(a, b, delta=0.5, reduction="none"),
         randn(3, 4), randn(3, 4), label="delta"),
    case("nll_loss", lambda T, a, t: F(T).nll_loss(a, t), randn(3, 4), ints(4, 3)),
    case("nll_loss", lambda T, a, t: F(T).nll_loss(a, t, reduction="none"), randn(3, 4),
         ints(4, 3), label="none"),
    case("nll_loss", lambda T, a, t, w: F(T).nll_loss(a, t, weight=w, ignore_index=1), randn(4, 3),
         int_values([0, 1, 2, 2]), uniform(0.5, 2, 3, grad=False), label="weight-ignore"),
    case("nll_loss", lambda T, a, t: F(T).nll_loss(a, t, reduction="sum"), randn(3),
         int_values(2), label="1d"),
    case("nll_loss", lambda T, a, t: F(T).nll_loss(a, t), randn(2, 3, 2), ints(3, 2, 2),
         label="3d", node=False),
    case("nll_loss", lambda T, a, t: F(T).nll_loss(a, t), randn(2, 3), int_values([-100, -100]),
         label="all-ignored", gradcheck=False),
    case("cross_entropy", lambda T, a, t: F(T).cross_entropy(a, t), randn(3, 4), ints(4, 3)),
    case("cross_entropy", lambda T, a, t: F(T).cross_entropy(a, t, reduction="none"),
         values([[1000.0, -1000.0, 0.0], [0.0, 5000.0, -5000.0]]), int_values([1, 0]),
         label="large-logits"),
    case("cross_entropy", lambda T, a, t, w: F(T).cross_entropy(a, t, w, ignore_index=0),
         randn(4, 3), int_values([0, 1, 2, 1]), uniform(0.5, 2, 3, grad=False),
         label="weight-ignore"),
    case("cross_entropy", lambda T, a, t: F(T).cross_entropy(a, t, label_smoothing=0.1),
         randn(3, 4), ints(4, 3), label="smoothing"),
    case("cross_entropy", lambda T, a, t, w: F(T).cross_entropy(
        a, t, w, ignore_index=2, label_smoothing=0.2), randn(4, 3), int_values([0, 1, 2, 1]),
         uniform(0.5, 2, 3, grad=False), label="smoothing-weight-ignore"),
    case("cross_entropy", lambda T, a, t: F(T).cross_entropy(a, t, reduction="sum",
                                                              label_smoothing=0.3),
         randn(3, 4), ints(4, 3), label="smoothing-sum"),
    case("cross_entropy", lambda T, a, p: F(T).cross_entropy(a, p.softmax(1)), randn(3, 4),
         const(3, 4), label="probs", node=False),
    case("cross_entropy", lambda T, a, t: F(T).cross_entropy(a, t), randn(2, 3, 2), ints(3, 2, 2),
         label="3d", node=False),
    case("cross_entropy", lambda T, a, t: F(T).cross_entropy(a, t), randn(4), int_values(1),
         label="1d"),
    case("binary_cross_entropy", lambda T, x, t: F(T).binary_cross_entropy(x, t),
         uniform(0.05, 0.95, 3, 4), uniform(0, 1, 3, 4)),
    case("binary_cross_entropy", lambda T, x, t, w: F(T).binary_cross_entropy(
        x, t, w, reduction="sum"), uniform(0.05, 0.95, 3, 4), uniform(0, 1, 3, 4, grad=False),
         uniform(0.5, 2, 4, grad=False), label="weight"),
    case("binary_cross_entropy", lambda T, x, t: F(T).binary_cross_entropy(x, t, reduction="none"),
         values([0.0, 1.0, 1e-8, 0.5]), values([0.0, 1.0, 1.0, 0.5], grad=False), label="edges",
         gradcheck=False, second=False),  # torch's double backward moves its 1e-12 epsilon
    case("binary_cross_entropy_with_logits", lambda T, x, t: F(
        T).binary_cross_entropy_with_logits(x, t), randn(3, 4), uniform(0, 1, 3, 4)),
    case("binary_cross_entropy_with_logits", lambda T, x, t, w, p: F(
        T).binary_cross_entropy_with_logits(x, t, w, pos_weight=p), randn(3, 4),
         uniform(0, 1, 3, 4), uniform(0.5, 2, 4, grad=False), uniform(0.5, 3, 4, grad=False),
         label="weights"),
    case("binary_cross_entropy_with_logits", lambda T, x, t: F(T).binary_cross_entropy_with_logits(
        x, t, reduction="none"), values([-1000.0, -50.0, 0.0, 50.0, 1000.0]),
         values([1.0, 0.0, 0.5, 1.0, 0.0], grad=False), label="large-logits"),
]

# Shape-agnostic ops once more on a 0-d tensor, an empty one and a broadcast-ready 3-D one.
SHAPES = [(), (0, 3), (2, 1, 3)]
POINTWISE = [  # (op, call, domain of the input)
    ("exp", lambda T, a: a.exp(), randn), ("expm1", lambda T, a: a.expm1(), randn),
    ("log", lambda T, a: a.log(), lambda *s: uniform(0.5, 2, *s)),
    ("log1p", lambda T, a: a.log1p(), lambda *s: uniform(-0.5, 2, *s)),
    ("log2", lambda T, a: a.log2(), lambda *s: uniform(0.5, 2, *s)),
    ("sqrt", lambda T, a: a.sqrt(), lambda *s: uniform(0.5, 2, *s)),
    ("rsqrt", lambda T, a: a.rsqrt(), lambda *s: uniform(0.5, 2, *s)),
    ("reciprocal", lambda T, a: a.reciprocal(), lambda *s: uniform(0.5, 2, *s)),
    ("abs", lambda T, a: a.abs(), randn), ("sign", lambda T, a: a.sign(), randn),
    ("neg", lambda T, a: -a, randn), ("square", lambda T, a: a.square(), randn),
    ("sin", lambda T, a: a.sin(), randn), ("cos", lambda T, a: a.cos(), randn),
    ("tan", lambda T, a: a.tan(), lambda *s: uniform(-1, 1, *s)),
    ("tanh", lambda T, a: a.tanh(), randn), ("sigmoid", lambda T, a: a.sigmoid(), randn),
    ("relu", lambda T, a: a.relu(), randn), ("erf", lambda T, a: a.erf(), randn),
    ("pow", lambda T, a: a**3, randn), ("clamp", lambda T, a: a.clamp(-0.5, 0.5), randn),
    ("leaky_relu", lambda T, a: F(T).leaky_relu(a), randn),
    ("elu", lambda T, a: F(T).elu(a), randn),
    ("gelu", lambda T, a: F(T).gelu(a), randn), ("silu", lambda T, a: F(T).silu(a), randn),
    ("softplus", lambda T, a: F(T).softplus(a), randn),
    ("softmax", lambda T, a: a.softmax(-1), randn),
    ("log_softmax", lambda T, a: a.log_softmax(-1), randn),
    ("sum", lambda T, a: a.sum(), randn), ("mean", lambda T, a: a.mean(-1), randn),
    ("prod", lambda T, a: a.prod(-1), randn), ("logsumexp", lambda T, a: a.logsumexp(-1), randn),
    ("norm", lambda T, a: a.norm(dim=-1), randn),
    ("var", lambda T, a: a.var(-1, correction=0), randn),
    ("flatten", lambda T, a: a.flatten(), randn), ("unsqueeze", lambda T, a: a.unsqueeze(0), randn),
    ("reshape", lambda T, a: a.reshape(-1), randn), ("clone", lambda T, a: a.clone(), randn),
]
BINARY = [  # (op, call): broadcast against a (3,) tensor
    ("add", lambda T, a, b: a + b), ("sub", lambda T, a, b: a - b), ("mul", lambda T, a, b: a * b),
    ("div", lambda T, a, b: a / (b.abs() + 1)), ("maximum", lambda T, a, b: T.maximum(a, b)),
    ("minimum", lambda T, a, b: T.minimum(a, b)), ("mse_loss", lambda T, a, b: F(T).mse_loss(
        a, b.expand_as(a))), ("huber_loss", lambda T, a, b: F(T).huber_loss(a, b.expand_as(a))),
]
CASES += [case(op, call, domain(*shape), label=f"shape{list(shape)}")
          for shape in SHAPES for op, call, domain in POINTWISE]
CASES += [case(op, call, randn(*shape), randn(3), label=f"shape{list(shape)}",
               gradcheck=not (op.endswith("loss") and 0 in shape))  # mean of nothing: nan
          for shape in SHAPES[1:] for op, call in BINARY]
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


def test_dropout_zeroes_and_scales_when_training():
    x = ma.ones(200, 50, dtype=ma.float64, requires_grad=True)
    ma.manual_seed(0)
    y = F(ma).dropout(x, p=0.3)
    values = np.unique(y.detach().numpy())
    np.testing.assert_allclose(values, [0.0, 1 / 0.7])
    assert abs((y.detach().numpy() == 0).mean() - 0.3) < 0.02
    y.backward(ma.ones_like(y))
    np.testing.assert_array_equal(x.grad.numpy(), y.detach().numpy())  # d y / d x = mask / 0.7
    assert y.grad_fn.name() == F(torch).dropout(torch.ones(2, requires_grad=True)).grad_fn.name()
    ma.manual_seed(0)
    np.testing.assert_array_equal(F(ma).dropout(x, p=0.3).detach().numpy(), y.detach().numpy())
    assert F(ma).dropout(x, 0.3, training=False) is x


def test_setitem_records_a_value_that_needs_its_gradient():
    x, v = ma.zeros(3), ma.ones(1, requires_grad=True)
    x[0] = v * 3  # recorded as torch's CopySlices (tests/test_semantics_inplace.py has more)
    (x * ma.tensor([2.0, 1.0, 1.0])).sum().backward()
    assert x.grad_fn.name() == "torch::autograd::CopySlices" and v.grad.tolist() == [6.0]
    with ma.no_grad():
        x[0] = v
    assert x.tolist() == [1.0, 0.0, 0.0]
