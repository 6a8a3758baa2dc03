"""The everyday catalogue (issue 13) in the op table's format (see tests/opinfo.py): scans and
sorting, indexing and scatter, shape, arithmetic, trigonometry and statistics. Each case compares
values, dtypes, node names, gradients under a random upstream gradient and second derivatives
with torch, and runs gradcheck + gradgradcheck in float64 (off at kinks and ties)."""

from __future__ import annotations

import math

import pytest
from opinfo import (
    bools,
    case,
    const,
    distinct,
    int_values,
    ints,
    mask,
    randn,
    table_tests,
    uniform,
    values,
)

pytestmark = [
    pytest.mark.filterwarnings("error::RuntimeWarning"),
    pytest.mark.filterwarnings("ignore:.*degrees of freedom is <= 0:UserWarning"),
]

NAN, INF = math.nan, math.inf
pos = uniform(0.5, 2.0, 3, 4)
I2 = int_values([[0, 2], [1, 1], [3, 0]])  # a (3, 2) index along dim 1 of a (3, 4)
ROWS = int_values([2, 0, 2])  # repeated indices accumulate

# fmt: off
CASES = [
    # --- scans -----------------------------------------------------------------------------
    case("cumsum", lambda T, a: a.cumsum(1), randn(3, 4)),
    case("cumsum", lambda T, a: T.cumsum(a, dim=0), randn(), label="0d"),
    case("cumsum", lambda T, a: a.cumsum(0), ints(5, 4), label="int"),
    case("cumsum", lambda T, a: a.cumsum(-1, dtype=T.float64), randn(2, 3), label="dtype",
         dtypes=("float32",)),
    case("cumprod", lambda T, a: a.cumprod(1), uniform(0.5, 1.5, 3, 4)),
    case("cumprod", lambda T, a: T.cumprod(a, 0), values([[1.0, 2.0], [0.0, 3.0], [2.0, 0.0],
                                                          [3.0, 4.0]]), label="zeros"),
    case("cummax", lambda T, a: a.cummax(1), distinct(3, 4)),
    case("cummax", lambda T, a: T.cummax(a, 0), values([1.0, 3.0, 3.0, 2.0, 4.0]), label="ties",
         gradcheck=False),
    case("cummin", lambda T, a: a.cummin(0), distinct(4, 3)),
    case("logcumsumexp", lambda T, a: a.logcumsumexp(1), randn(3, 4)),
    case("logcumsumexp", lambda T, a: T.logcumsumexp(a, 0), values([1000.0, -1000.0, 999.0]),
         label="large", dtypes=("float64",)),  # float32: torch's formula rounds differently
    # --- sorting and selection --------------------------------------------------------------
    case("sort", lambda T, a: a.sort(1), distinct(3, 4)),
    case("sort", lambda T, a: T.sort(a, 0, descending=True), distinct(3, 4), label="descending"),
    case("sort", lambda T, a: a.sort(stable=True), values([2.0, 1.0, 2.0, NAN, 1.0]),
         label="ties-nan", gradcheck=False),
    case("sort", lambda T, a: a.sort(descending=True), values([2.0, NAN, -INF, INF, 1.0]),
         label="descending-nan-inf", gradcheck=False),
    case("argsort", lambda T, a: a.argsort(1), distinct(3, 4)),
    case("argsort", lambda T, a: T.argsort(a, descending=True), ints(5, 6), label="int"),
    case("msort", lambda T, a: T.msort(a), distinct(3, 4)),
    case("topk", lambda T, a: a.topk(2), distinct(3, 4)),
    case("topk", lambda T, a: T.topk(a, 2, dim=0, largest=False), distinct(3, 4),
         label="smallest"),
    case("kthvalue", lambda T, a: a.kthvalue(2, 1), distinct(3, 4)),
    case("kthvalue", lambda T, a: T.kthvalue(a, 3, 0, keepdim=True), distinct(3, 4),
         label="keepdim"),
    case("median", lambda T, a: a.median(), distinct(3, 4)),
    case("median", lambda T, a: a.median(), values([1.0, 2.0, 2.0, 3.0]), label="ties",
         gradcheck=False),
    case("median", lambda T, a: a.median(1), distinct(3, 5), label="dim"),
    case("median", lambda T, a: T.median(a, 0, keepdim=True), distinct(4, 3), label="even"),
    case("median", lambda T, a: a.median(0), values([[1.0, NAN], [2.0, 1.0], [3.0, 0.0]]),
         label="nan", gradcheck=False),
    case("nanmedian", lambda T, a: a.nanmedian(), distinct(3, 4)),
    case("nanmedian", lambda T, a: T.nanmedian(a), values([[1.0, NAN, 3.0], [2.0, NAN, 2.0]]),
         label="nan", gradcheck=False),
    case("nanmedian", lambda T, a: a.nanmedian(1), distinct(3, 5), label="dim"),
    case("nanmedian", lambda T, a: T.nanmedian(a, 0, keepdim=True), distinct(4, 3),
         label="keepdim"),
    case("nanmedian", lambda T, a: a.nanmedian(1),
         values([[1.0, NAN, 3.0, 2.0], [NAN, 5.0, NAN, 4.0]]), label="dim-nan", gradcheck=False),
    case("mode", lambda T, a: a.mode(1), int_values([[1, 2, 2, 3], [4, 4, 1, 1]])),
    case("mode", lambda T, a: a.mode(), values([[1.0, 2.0, 2.0], [3.0, 3.0, 1.0]]),
         label="float", gradcheck=False),
    case("unique", lambda T, a: T.unique(a, return_inverse=True, return_counts=True),
         int_values([3, 1, 3, 2, 1])),
    case("unique", lambda T, a: a.unique(dim=0), int_values([[1, 2], [0, 1], [1, 2]]),
         label="dim"),
    case("searchsorted", lambda T, s, v: T.searchsorted(s, v), values([1.0, 2.0, 2.0, 4.0]),
         values([0.0, 2.0, 3.0, 5.0])),
    case("searchsorted", lambda T, s, v: T.searchsorted(s, v, right=True),
         values([[1.0, 3.0], [2.0, 4.0]]), values([[3.0], [1.0]]), label="right-batched"),
    case("bucketize", lambda T, v, b: T.bucketize(v, b), values([0.5, 2.0, 9.0]),
         values([1.0, 2.0, 3.0])),
    # --- indexing and scatter -----------------------------------------------------------------
    case("index_select", lambda T, a, i: a.index_select(0, i), randn(3, 4), ROWS),
    case("index_select", lambda T, a, i: T.index_select(a, -1, i), randn(2, 4),
         int_values([3, 3]), label="last"),
    case("index_add", lambda T, a, i, s: a.index_add(0, i, s, alpha=2.0), randn(3, 4), ROWS,
         randn(3, 4)),
    case("index_copy", lambda T, a, i, s: a.index_copy(1, i, s), randn(3, 4), int_values([2, 0]),
         randn(3, 2)),
    case("index_fill", lambda T, a, i: a.index_fill(1, i, -1.0), randn(3, 4), int_values([1, 3])),
    case("index_fill", lambda T, a, i, v: T.index_fill(a, 0, i, v), randn(3, 2),
         int_values([0, 2]), randn(), label="tensor-value"),
    case("masked_select", lambda T, a, m: a.masked_select(m), randn(3, 4), mask(3, 4)),
    case("masked_select", lambda T, a, m: T.masked_select(a, m), randn(4), mask(3, 4),
         label="broadcast"),
    case("masked_scatter", lambda T, a, m, s: a.masked_scatter(m, s), randn(3, 4), mask(3, 4),
         randn(3, 4)),
    case("scatter", lambda T, a, i, s: a.scatter(1, i, s), randn(3, 4), I2, randn(3, 2),
         label="src", gradcheck=False),  # the duplicate index (1, 1) writes twice
    case("scatter", lambda T, a, i, s: a.scatter(1, i, s), randn(3, 4),
         int_values([[0, 2], [1, 3], [3, 0]]), randn(3, 2), label="distinct"),
    case("scatter", lambda T, a, i: T.scatter(a, 0, i, 2.5), randn(3, 4),
         int_values([[0, 1, 2, 0]]), label="value"),
    case("scatter_add", lambda T, a, i, s: a.scatter_add(1, i, s), randn(3, 4), I2, randn(3, 2)),
    case("scatter_reduce", lambda T, a, i, s: a.scatter_reduce(1, i, s, "sum"), randn(3, 4), I2,
         randn(3, 2)),
    case("scatter_reduce", lambda T, a, i, s: a.scatter_reduce(1, i, s, "mean",
                                                                include_self=False),
         randn(3, 4), I2, randn(3, 2), label="mean"),
    case("scatter_reduce", lambda T, a, i, s: a.scatter_reduce(1, i, s, "amax"), distinct(3, 4),
         int_values([[0, 2], [1, 3], [3, 0]]), distinct(3, 2), label="amax"),
    case("scatter_reduce", lambda T, a, i, s: a.scatter_reduce(0, i, s, "amin",
                                                                include_self=False),
         distinct(3, 2), int_values([[0, 1], [0, 1]]), distinct(2, 2), label="amin"),
    case("scatter_reduce", lambda T, a, i, s: a.scatter_reduce(1, i, s, "prod"),
         uniform(0.5, 2, 3, 4), I2, uniform(0.5, 2, 3, 2), label="prod"),
    case("take", lambda T, a, i: a.take(i), randn(3, 4), int_values([[0, 11], [5, -1]])),
    case("take_along_dim", lambda T, a, i: T.take_along_dim(a, i, 1), randn(3, 4), I2),
    case("take_along_dim", lambda T, a, i: a.take_along_dim(i, dim=1), randn(3, 4),
         int_values([[0, 3]]), label="broadcast"),
    case("take_along_dim", lambda T, a, i: T.take_along_dim(a, i), randn(3, 4),
         int_values([0, 7]), label="flat"),
    case("nonzero", lambda T, a: a.nonzero(), int_values([[0, 1, 0], [2, 0, 3]])),
    case("nonzero", lambda T, a: T.nonzero(a, as_tuple=True), bools([True, False, True]),
         label="tuple"),
    case("argwhere", lambda T, a: T.argwhere(a), int_values([[0, 1], [1, 0]])),
    case("index_put", lambda T, a, i, v: a.index_put((i,), v), randn(3, 4), int_values([2, 0]),
         randn(4)),
    case("index_put", lambda T, a, i, v: T.index_put(a, (i,), v, accumulate=True), randn(3, 4),
         ROWS, randn(3, 4), label="accumulate"),
    case("index_put_", lambda T, a, i, v: a.detach().clone().index_put_((i,), v), randn(3, 2),
         int_values([1]), const(2)),
    case("index_put_", lambda T, a, i: a.detach().clone().index_put_(
        (i,), T.ones((), dtype=a.dtype), accumulate=True),
         randn(3), int_values([0, 0, 2]), label="accumulate"),
    # --- slices and diagonals -----------------------------------------------------------------
    case("narrow", lambda T, a: a.narrow(1, 1, 2), randn(3, 4)),
    case("narrow", lambda T, a: T.narrow(a, 0, -2, 2), randn(3, 4), label="negative-start"),
    case("select", lambda T, a: a.select(1, -1), randn(3, 4)),
    case("diagonal", lambda T, a: a.diagonal(), randn(3, 4)),
    case("as_strided", lambda T, a: a.as_strided((2, 2), (1, 2), 1), randn(3, 4)),
    case("as_strided", lambda T, a: T.as_strided(a, (3, 3), (1, 1)), randn(6), label="windows"),
    case("as_strided", lambda T, a: a[1:].as_strided((2, 3), (3, 1)), randn(4, 3), label="view"),
    case("diagonal", lambda T, a: T.diagonal(a, 1, 0, 2), randn(3, 2, 4), label="offset-dims"),
    case("diagonal", lambda T, a: a.diagonal(-1), randn(3, 3), label="below"),
    case("diag", lambda T, a: T.diag(a), randn(3, 4)),
    case("diag", lambda T, a: a.diag(1), randn(3), label="1d"),
    case("diag_embed", lambda T, a: T.diag_embed(a), randn(2, 3)),
    case("diag_embed", lambda T, a: a.diag_embed(-1, 0, 2), randn(2, 3), label="offset-dims"),
    case("tril", lambda T, a: a.tril(), randn(3, 4)),
    case("tril", lambda T, a: T.tril(a, -1), randn(2, 3, 3), label="batched"),
    case("triu", lambda T, a: a.triu(1), randn(3, 4)),
    case("trace", lambda T, a: a.trace(), randn(3, 4)),
    case("trace", lambda T, a: T.trace(a), ints(5, 3, 3), label="int"),
]
# fmt: on

test_against_torch, test_gradcheck = table_tests(CASES)
