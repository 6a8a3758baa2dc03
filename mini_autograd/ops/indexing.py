"""Indexing: `x[key]`, gather, embedding and one_hot; gradients scatter-add back (repeated indices
accumulate)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .. import _inplace, _version, _views
from .._function import Function
from .._tensor import Tensor, _make, _wrap_dim
from .._warn_once import user_stacklevel
from ._registry import register
from ._util import Node, data, tensor_arg
from .elementwise import Where


class Index(_views.View, Node):
    """y = x[key]: the gradient is scattered back into zeros of x's shape (adding repeats)."""

    saves = ()  # backward needs only x's shape

    def __init__(self, key: Any, node: str = "IndexBackward0") -> None:
        self.key, self.node = key, node
        # a basic key (ints, slices, None, ...) gives a view: in-place writes go to the base
        self.view_key = key if node != "IndexBackward0" and _is_basic(key) else None
        if self.view_key is None:
            self.is_view = False

    def forward(self, x):
        y = x[self.key]
        if self.view_key is not None and type(y) is not np.ndarray and isinstance(x, np.ndarray):
            y = x[(*self.key, Ellipsis)]  # a 0-d view, not a copy: x[1].zero_() writes into x
        return y

    def backward(self, gy, x):
        return IndexPut.apply(gy, key=self.key, shape=np.shape(x))


class IndexPut(Function):
    """zeros(shape) with gy added at key: the adjoint of indexing, whose gradient indexes again."""

    def __init__(self, key: Any, shape: tuple[int, ...]) -> None:
        self.key, self.shape = key, shape

    def forward(self, gy):
        gx = np.zeros(self.shape, dtype=np.asarray(gy).dtype)
        if _is_basic(self.key):
            gx[self.key] = gy  # a basic index never repeats an element
        else:
            np.add.at(gx, self.key, gy)
        return gx

    def backward(self, ggx, gy):
        return Index.apply(ggx, key=self.key)


class CopySlices(Node):
    """y = x with y[key] = v (torch's node for x[key] = v): x's gradient is gy with zeros at key,
    v's is gy[key] (summed to v's shape by the engine)."""

    saves = ()

    def __init__(self, key: Any, value: Any = None) -> None:
        self.key, self.value = key, value
        self.node = "torch::autograd::CopySlices" if _is_basic(key) else "IndexPutBackward0"

    def forward(self, x, v=None):
        y = np.array(x, copy=True)
        y[self.key] = _fit(self.value if v is None else v, y[self.key])
        return y

    def backward(self, gy, x, v=None):
        keep = np.ones(np.shape(x), dtype=bool)
        keep[self.key] = False
        gx = Where.apply(keep, gy, 0.0)
        if v is None:
            return gx
        gv = Index.apply(gy, key=self.key)
        if np.ndim(gv) < np.ndim(v):  # v had leading size-1 dims that the write dropped
            gv = gv.reshape(np.shape(v)) if data(gv).size == data(v).size else gv
        need_x, need_v = self.needs_input_grad
        return (gx if need_x else None), (gv if need_v else None)

    @staticmethod
    def write(base: Tensor, key: tuple, value: Any) -> None:
        """base[key] = value on the memory itself (value broadcast, cast), bumping its version."""
        if value is None or isinstance(value, str | bytes | dict):
            raise TypeError(
                f"can't assign a {type(value).__name__} to a mini_autograd tensor of dtype "
                f"{base.dtype} (x[key] = value takes a number or a tensor)"
            )
        v = value._data if isinstance(value, Tensor) else value
        if type(base._data) is not np.ndarray:
            base._data = np.array(base._data)
        try:
            target = base._data[key]
            if target.base is not None:  # a basic index: a view, written as a whole
                _inplace.check_overlap(target, "index_put_")
            base._data[key] = _fit(v, target)
        except IndexError as err:
            msg = str(err).replace("axis", "dimension")
            raise IndexError(f"{msg} (indexing a tensor of shape {list(base.shape)})") from None
        except ValueError as err:
            raise RuntimeError(
                f"index_put_: {err} (tensor of shape {list(base._data.shape)}, value "
                f"of shape {list(np.shape(v))})"
            ) from None
        _version.bump(base._data)


def _fit(v: Any, target: Any) -> Any:
    """torch drops a value's leading size-1 dims: x[0] = ones(1, 3) is fine."""
    if np.ndim(v):
        lead = np.ndim(v) - np.ndim(target)
        while lead > 0 and np.shape(v)[0] == 1:
            v, lead = v[0], lead - 1
    return v


class Gather(Function):
    """y = take_along_axis(x, index, dim): the gradient scatter-adds back along dim."""

    def __init__(self, dim: int, index: np.ndarray) -> None:
        self.dim, self.index = dim, index

    def forward(self, x):
        return np.take_along_axis(x, self.index, axis=self.dim)

    def backward(self, gy, x):
        return ScatterAdd.apply(gy, dim=self.dim, index=self.index, shape=np.shape(x))


class ScatterAdd(Function):
    """zeros(shape) with gy added along dim at index: the adjoint of gather."""

    def __init__(self, dim: int, index: np.ndarray, shape: tuple[int, ...]) -> None:
        self.dim, self.index, self.shape = dim, index, shape

    def forward(self, gy):
        gx = np.zeros(self.shape, dtype=np.asarray(gy).dtype)
        if self.index.shape[self.dim] == 1:  # one index per slice (max, nll_loss): no repeats
            np.put_along_axis(gx, self.index, gy, axis=self.dim)
        else:
            full = list(np.indices(self.index.shape, sparse=True))
            full[self.dim] = self.index
            np.add.at(gx, tuple(full), gy)
        return gx

    def backward(self, ggx, gy):
        return Gather.apply(ggx, dim=self.dim, index=self.index)


def _is_basic(key: tuple) -> bool:
    return all(k is None or k is Ellipsis or isinstance(k, int | slice) for k in key)


def normalize_key(key: Any, shape: tuple[int, ...]) -> tuple[tuple, str]:
    """torch's index key as a numpy key, plus the name of the node torch would record."""
    if isinstance(key, list) and any(
        k is None or k is Ellipsis or isinstance(k, list | tuple | slice | Tensor | np.ndarray)
        for k in key
    ):
        warnings.warn(  # torch's (and old numpy's) reading of x[[[0, 1], [1, 2]]]
            "Using a non-tuple sequence for multidimensional indexing is deprecated; use "
            "x[tuple(seq)] instead of x[seq]",
            UserWarning,
            stacklevel=user_stacklevel(),
        )
        key = tuple(key)
    if not isinstance(key, tuple):
        key = (key,)
    out: list[Any] = []
    node = "AliasBackward0"
    advanced = False
    for k in key:
        if isinstance(k, Tensor):
            k = k._data
            if k.dtype.kind not in "iub":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            if k.dtype == np.uint8:
                warnings.warn(
                    "indexing with dtype uint8 is now deprecated, please use a dtype bool "
                    "instead (the uint8 tensor is read as a mask)",
                    UserWarning,
                    stacklevel=user_stacklevel(),
                )
                k = k.astype(bool)
            if k.ndim == 0 and k.dtype.kind in "iu":
                k, node = int(k), "SelectBackward0"
            else:
                advanced = True
        elif isinstance(k, list | np.ndarray):
            k = np.asarray(k)
            if k.dtype.kind not in "iub" and k.size:
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            if not k.size:
                k = k.astype(np.int64)
            advanced = True
        elif isinstance(k, bool):
            advanced = True
        elif isinstance(k, int | np.integer):
            k, node = int(k), "SelectBackward0"
        elif isinstance(k, slice):
            if k.step is not None and k.step <= 0:
                raise ValueError("step must be greater than zero")
            node = "SliceBackward0"
        elif k is None:
            node = "UnsqueezeBackward0"
        elif isinstance(k, str | bytes | dict | float):
            raise TypeError(
                f"only integers, slices (`:`), ellipsis (`...`), None and long or byte tensors "
                f"are valid indices (got {type(k).__name__})"
            )
        elif k is not Ellipsis:
            raise IndexError(
                "only integers, slices (`:`), ellipsis (`...`), None and long or "
                f"byte Variables are valid indices (got {type(k).__name__})"
            )
        out.append(k)
    return tuple(out), "IndexBackward0" if advanced else node


def _split_ints(key: tuple) -> tuple[tuple, tuple]:
    """(the ints of key with ':' elsewhere, the rest of key without the ints)."""
    ints: list[Any] = []
    for k in key:
        if type(k) is int or k is Ellipsis:
            ints.append(k)
        elif isinstance(k, bool) or (isinstance(k, np.ndarray) and k.dtype == bool):
            ints.extend([slice(None)] * np.ndim(k))  # a mask spans its own dims
        elif k is not None:
            ints.append(slice(None))
    rest = tuple(k for k in key if type(k) is not int)
    return tuple(ints), rest


@register("__getitem__", top=False)
def getitem(input: Tensor, key: Any) -> Tensor:
    """x[key] with ints, slices (positive steps), None, ..., integer tensors/lists, bool masks."""
    np_key, node = normalize_key(key, input._data.shape)
    try:
        if node == "IndexBackward0" and any(type(k) is int for k in np_key):
            # torch selects the ints first, then indexes the rest: x[0, :, [0, 1]] is (4, 2),
            # where numpy would broadcast the int with the list and put their dims first
            ints, rest = _split_ints(np_key)
            return Index(rest)._run(Index(ints, "SelectBackward0")._run(input))
        return Index(np_key, node)._run(input)
    except IndexError as err:
        msg = str(err).replace("axis", "dimension")
        raise IndexError(f"{msg} (indexing a tensor of shape {list(input._data.shape)})") from None


@register("__setitem__", top=False)
def setitem(input: Tensor, key: Any, value: Tensor | float) -> None:
    """x[key] = value in place, value broadcast and cast to x's dtype; recorded (torch's
    CopySlices) when x or value is part of the graph."""
    _inplace.set_slice(input, key, value)


@register()
def gather(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """out[i][j] = input[index[i][j]][j] (for dim=0): pick along `dim` by an int64 index."""
    x = tensor_arg(input, "gather")
    idx = tensor_arg(index, "gather", "index")._data
    shape = x._data.shape
    if idx.dtype.kind not in "iu":
        raise RuntimeError("gather(): Expected dtype int32/int64 for index")
    if not shape:  # a 0-d input: index 0, in the index's shape, as torch
        if idx.size and (idx.min() < -1 or idx.max() > 0):
            raise RuntimeError(
                f"index {int(idx.max())} is out of bounds for dimension 0 with size 1"
            )
        return Index((np.zeros(idx.shape, np.int64),), "GatherBackward0")._run(x.reshape(1))
    if idx.ndim != len(shape) and not (idx.ndim <= 1 and len(shape) <= 1) and idx.size:
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    d = _wrap_dim(dim, len(shape), "gather")
    if not idx.size and idx.ndim != len(shape):  # torch allows an empty index of any rank
        return Index((np.zeros(idx.shape, np.int64),) * len(shape), "GatherBackward0")._run(x)
    for i, (n, m) in enumerate(zip(idx.shape, shape, strict=False)):
        if i != d and n > m:
            raise RuntimeError(
                f"Size does not match at dimension {i} expected index "
                f"{list(idx.shape)} to be no larger than self {list(shape)} apart "
                f"from dimension {d}"
            )
    size = shape[d] if shape else 1
    if idx.size and (idx.min() < 0 or idx.max() >= size):
        bad = int(idx.min()) if idx.min() < 0 else int(idx.max())
        raise RuntimeError(f"index {bad} is out of bounds for dimension {d} with size {size}")
    if not shape:
        return Index((), "GatherBackward0")._run(x)
    key = list(np.indices(idx.shape, sparse=True))
    key[d] = idx
    return Index(tuple(key), "GatherBackward0")._run(x)


class Embedding(Index):
    """weight[input]: rows scatter-add back, except the padding row, which never gets a gradient."""

    def __init__(self, key: Any, padding_idx: int | None) -> None:
        super().__init__(key, "EmbeddingBackward0")
        self.padding_idx = padding_idx

    def backward(self, gy, weight):
        gw = IndexPut.apply(gy, key=self.key, shape=np.shape(weight))
        if self.padding_idx is None:
            return gw
        rows = np.zeros((np.shape(weight)[0], 1), dtype=bool)
        rows[self.padding_idx] = True
        return Where.apply(rows, 0.0, gw)


@register(top=False, method=False, functional=True)
def embedding(
    input: Tensor,
    weight: Tensor,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """Rows of `weight` picked by the integer tensor `input` (shape input.shape + (dim,))."""
    idx = tensor_arg(input, "embedding")._data
    w = tensor_arg(weight, "embedding", "weight")
    if idx.dtype.kind not in "iu":
        raise RuntimeError(
            f"Expected tensor for argument #1 'indices' to have one of the "
            f"following scalar types: Long, Int; but got {input.type()} instead "
            "(while checking arguments for embedding)"
        )
    if w._data.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    if max_norm is not None or scale_grad_by_freq or sparse:
        raise NotImplementedError(
            "embedding: max_norm, scale_grad_by_freq and sparse are not supported"
        )
    n = w._data.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise IndexError(
            f"index out of range in self (embedding of {n} rows, got index "
            f"{int(idx.max()) if idx.max() >= n else int(idx.min())})"
        )
    if padding_idx is not None and padding_idx < 0:
        padding_idx += n
    return Embedding((idx,), padding_idx)._run(w)


@register(top=False, method=False, functional=True)
def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """int64 one-hot rows: out[..., c] = 1 where tensor == c (num_classes=-1: max + 1)."""
    t = tensor_arg(tensor, "one_hot", "tensor")._data
    if t.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if t.size and t.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        if not t.size:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(t.max()) + 1
    elif t.size and t.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return _make((t[..., None] == np.arange(num_classes)).astype(np.int64))
