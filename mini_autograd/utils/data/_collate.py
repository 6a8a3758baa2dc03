"""default_collate / default_convert: torch's rules for turning samples into batches."""

from __future__ import annotations

import collections.abc
import copy
from typing import Any

import numpy as np

from ... import _creation, _dtype
from ..._tensor import Tensor, _make
from ...ops.join import stack

_ERR = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
)
_CONVERT_ERR = (
    "default_convert: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
)


def _numpy_tensor(arr: np.ndarray | np.generic) -> Tensor:
    if arr.dtype.kind in "USO":
        raise TypeError(_ERR.format(arr.dtype))
    _dtype.from_numpy_dtype(arr.dtype)
    return _make(np.asarray(arr))


def default_collate(batch: Any) -> Any:
    """Stack a list of samples into a batch, recursively: tensors and numpy arrays are stacked,
    Python floats become a float64 tensor, ints an int64 one, strings stay a list; dicts,
    named tuples and sequences are collated field by field (tuples become lists, as torch)."""
    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(list(batch), 0)
    if isinstance(elem, np.ndarray | np.generic) and not isinstance(elem, np.str_ | np.bytes_):
        if isinstance(elem, np.ndarray) and elem.ndim:
            return default_collate([_numpy_tensor(b) for b in batch])
        return _numpy_tensor(np.asarray(batch))
    if isinstance(elem, float):
        return _creation.tensor(batch, dtype=_dtype.float64)
    if isinstance(elem, int):  # bools too: a bool tensor
        return _creation.tensor(batch)
    if isinstance(elem, str | bytes):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        fields = {key: default_collate([d[key] for d in batch]) for key in elem}
        try:
            if isinstance(elem, collections.abc.MutableMapping):
                clone = copy.copy(elem)
                clone.update(fields)
                return clone
            return type(elem)(fields)
        except TypeError:
            return fields
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # a namedtuple
        return type(elem)(*(default_collate(s) for s in zip(*batch, strict=True)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(e) != size for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = [default_collate(s) for s in zip(*batch, strict=True)]
        if isinstance(elem, tuple):
            return transposed
        try:
            if isinstance(elem, collections.abc.MutableSequence):
                clone = copy.copy(elem)
                for i, s in enumerate(transposed):
                    clone[i] = s
                return clone
            return type(elem)(transposed)
        except TypeError:
            return transposed
    raise TypeError(_ERR.format(type(elem)))


def default_convert(data: Any) -> Any:
    """What a DataLoader without batching does to each sample: numpy arrays become tensors,
    recursively in dicts and sequences; everything else is left as it is."""
    if isinstance(data, Tensor):
        return data
    if isinstance(data, np.ndarray | np.generic) and data.dtype.kind not in "USO":
        return _make(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        try:
            return type(data)({k: default_convert(v) for k, v in data.items()})
        except TypeError:
            return {k: default_convert(v) for k, v in data.items()}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, str | bytes):
        try:
            return type(data)([default_convert(d) for d in data])
        except TypeError:
            return [default_convert(d) for d in data]
    return data
