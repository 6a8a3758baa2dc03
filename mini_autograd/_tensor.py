"""`Tensor`: a numpy array plus what autograd needs (requires_grad, grad, grad_fn)."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from . import _device, _dtype, _gcpause, _grad_mode, _version
from ._dtype import dtype as DType
from ._format import format_tensor
from ._warn_once import user_stacklevel

_grad_state = _grad_mode.state


class Tensor:
    """A multi-dimensional array that can record the operations applied to it.

    Ops, operators and most methods are attached by the op modules (`mini_autograd.ops`);
    this class holds the state and the torch attributes that are not ops.
    """

    __slots__ = (
        "_data",
        "_requires_grad",
        "_grad",
        "grad_fn",
        "_output_nr",
        "_retains_grad",
        "_hooks",
        "_rebased",
        "__weakref__",
    )

    __array_priority__ = 1000  # ndarray op Tensor defers to Tensor's reflected operator

    def __init__(self, *args: Any) -> None:
        """`Tensor(data)` or `Tensor(*sizes)` (uninitialised), as torch's legacy constructor."""
        if len(args) == 1 and not isinstance(args[0], int):
            # the legacy constructor makes Python data the default float type: Tensor([1, 2]) is
            # float32 (arrays and tensors keep their dtype here: the library wraps arrays so)
            default = _dtype.get_default_dtype().np
            data = _to_array(args[0], default, "Tensor")
            if not isinstance(args[0], np.ndarray | Tensor):
                data = data.astype(default, copy=False)
        else:  # Tensor() is empty, of shape [0]
            data = np.zeros(tuple(args) or (0,), dtype=_dtype.get_default_dtype().np)
        _init(self, data, None, 0, False)

    # --- autograd state ------------------------------------------------------------------------

    @property
    def requires_grad(self) -> bool:
        """True if gradients flow to this tensor (a leaf that asked for it, or a result of one)."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if self.grad_fn is not None:
            hint = (
                ""
                if value
                else (
                    " If you want to use a computed variable in a subgraph that doesn't require "
                    "differentiation use var_no_grad = var.detach()."
                )
            )
            raise RuntimeError("you can only change requires_grad flags of leaf variables." + hint)
        if value and self._data.dtype.kind != "f":
            raise RuntimeError(
                "only Tensors of floating point and complex dtype can require gradients "
                f"(got {self.dtype}); convert first, e.g. x.float()"
            )
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:  # type: ignore[no-redef]
        """Set requires_grad in place and return self."""
        if requires_grad and self.grad_fn is None and self._data.dtype.kind != "f":
            raise RuntimeError(  # torch's wording differs from the setter's
                "only Tensors of floating point dtype can require gradients "
                f"(got {self.dtype}); convert first, e.g. x.float()"
            )
        self.requires_grad = requires_grad
        return self

    @property
    def grad(self) -> Tensor | None:
        """The accumulated gradient: set by backward on leaves (and on tensors that retain_grad)."""
        if self.grad_fn is not None and self._grad is None and not self._retains_grad:
            _warn_non_leaf_grad()
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"assigned grad expected to be a Tensor or None but got {type(value).__name__}"
                )
            if value.shape != self.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor "
                    f"of size '{list(self.shape)}'. Please ensure that the gradient and the "
                    "tensor are the same size"
                )
            if value._data.dtype != self._data.dtype:
                from .ops._util import TORCH_DTYPE_NAMES
                from .ops.elementwise import _C_TYPES  # the ops build on this module

                raise RuntimeError(
                    "attempting to assign a gradient with dtype "
                    f"'{_C_TYPES.get(value.dtype.name, value.dtype.name)}' to a tensor with "
                    f"grad_dtype '{TORCH_DTYPE_NAMES[self.dtype.name]}'. The gradient must match "
                    "the tensor's grad_dtype (defaults to the tensor's dtype)."
                )
        self._grad = value

    @property
    def _version(self) -> int:
        """How many in-place writes this tensor's memory has had (shared by views and detach)."""
        return _version.version(self._data)

    @property
    def is_leaf(self) -> bool:
        """True for tensors not produced by a recorded op (user-created, or requires_grad=False)."""
        return self.grad_fn is None

    def retain_grad(self) -> None:
        """Keep .grad on this non-leaf after backward (a no-op on leaves)."""
        if self.grad_fn is None:
            if not self._requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        self._retains_grad = True
        self.grad_fn._watch(self)

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def register_hook(self, hook: Any) -> Any:
        """Call hook(grad) when this gradient is computed; a non-None result replaces it."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        if self.grad_fn is not None:
            self.grad_fn._watch(self)
        return _RemovableHandle(self._hooks, hook)

    def backward(
        self,
        gradient: Tensor | None = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
        inputs: Sequence[Tensor] | None = None,
    ) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's .grad (weighted by `gradient`)."""
        # autograd imports this module, so find it at call time; sys.modules skips the import
        # machinery (a `from .autograd import` here cost 0.5 us per call)
        autograd = sys.modules[f"{__package__}.autograd"]
        fn = self.grad_fn
        if fn is None or fn.generation < _gcpause.DEEP:
            autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)
            return
        # a deep graph: the collector waits from here (the set-up allocates too), see _gcpause
        _gcpause.pause()
        try:
            autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)
        finally:
            _gcpause.resume()

    def detach(self) -> Tensor:
        """A new leaf sharing this tensor's data, cut from the graph."""
        return _make(self._data)

    def detach_(self) -> Tensor:
        """Cut this tensor from the graph in place, making it a leaf."""
        self.grad_fn = None
        self._requires_grad = False
        return self

    @property
    def data(self) -> Tensor:
        """This tensor's values as a tensor outside the graph (shares memory)."""
        return _make(self._data)

    @data.setter
    def data(self, value: Tensor) -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be a Tensor, got {type(value).__name__}")
        self._data = value._data

    # --- metadata ------------------------------------------------------------------------------

    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim: int | None = None) -> Size | int:
        """The shape, or the length of one dimension."""
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim, "size")]

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        return int(self._data.size)

    def nelement(self) -> int:
        return int(self._data.size)

    @property
    def dtype(self) -> DType:
        return _dtype.from_numpy_dtype(self._data.dtype)

    @property
    def device(self) -> _device.device:
        """Where the data lives: always device(type='cpu')."""
        return _device.CPU

    @property
    def is_cuda(self) -> bool:
        return False

    def get_device(self) -> int:
        """-1 for a CPU tensor, as torch."""
        return -1

    def cpu(self) -> Tensor:
        """This tensor (already on the CPU)."""
        return self

    def cuda(self, device: Any = None, non_blocking: bool = False) -> Tensor:
        """Refused: mini_autograd runs on the CPU only."""
        _device.check("cuda" if device is None else device, "Tensor.cuda")
        return self

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    def element_size(self) -> int:
        return self._data.dtype.itemsize

    @property
    def itemsize(self) -> int:
        """Bytes per element."""
        return self._data.dtype.itemsize

    @property
    def nbytes(self) -> int:
        """Bytes of the elements this tensor shows (numel * itemsize, as torch: views too)."""
        return int(self._data.size) * self._data.dtype.itemsize

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    # --- conversion ----------------------------------------------------------------------------

    def item(self) -> float | int | bool:
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to "
                "Scalar; use .tolist() for several values"
            )
        return self._data.reshape(()).item()

    def tolist(self) -> Any:
        return np.asarray(self._data).tolist()

    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The data as a numpy array (shared memory)."""
        if self._requires_grad and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. "
                "Use tensor.detach().numpy() instead."
            )
        return np.asarray(self._data)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        a = np.asarray(self._data)
        return a if dtype is None else a.astype(dtype)

    def __format__(self, spec: str) -> str:
        """f"{loss:.4f}" formats a 0-d tensor's number, as torch."""
        if self._data.ndim == 0:
            return format(self.item(), spec)
        return object.__format__(self, spec)

    def __float__(self) -> float:
        self._check_one("float")
        return float(self.item())

    def __int__(self) -> int:
        self._check_one("int")
        return int(self.item())

    def _check_one(self, to: str) -> None:
        if self._data.size != 1:
            raise ValueError(
                f"only one element tensors can be converted to Python scalars ({to}() of a "
                f"tensor of shape {list(self.shape)})"
            )

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError(
                "Boolean value of Tensor with "
                f"{'no values' if not self._data.size else 'more than one value'} is ambiguous; "
                "use .any() or .all()"
            )
        return bool(self._data.reshape(()).item())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __reduce__(self) -> tuple:
        """Pickle (and copy.copy) the values and requires_grad only, never the graph, as torch:
        a pickled non-leaf comes back as a leaf."""
        return (_rebuild, (np.array(self._data), self._requires_grad))

    def __deepcopy__(self, memo: dict) -> Tensor:
        if self.grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                "protocol at the moment; deepcopy x.detach() (then requires_grad_()) instead"
            )
        new = _rebuild(np.array(self._data), self._requires_grad)
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = new
        return new

    # by identity, as torch (== is elementwise); object's C hash, as dicts and sets of tensors
    # (optimizer state, the engine's bookkeeping) look it up often
    __hash__ = object.__hash__

    def __repr__(self) -> str:
        extras = []
        d = self._data.dtype
        if (
            d != _dtype.get_default_dtype().np
            and d.kind != "b"
            and d != np.int64
            or (self._data.size == 0 and d.kind != "f")
        ):
            extras.append(f"dtype={self.dtype!r}")
        if self.grad_fn is not None:
            # torch prints the node's type: CopySlices, not torch::autograd::CopySlices
            name = self.grad_fn.name().removeprefix("torch::autograd::")
            extras.append(f"grad_fn=<{name}>")
        elif self._requires_grad:
            extras.append("requires_grad=True")
        return format_tensor(np.asarray(self._data), extras)

    # in-place ops (add_, zero_, +=, ...) are attached by mini_autograd._inplace


class Size(tuple):
    """torch.Size: a tuple of ints with torch's repr."""

    def __repr__(self) -> str:
        return f"mini_autograd.Size({list(self)})"

    def numel(self) -> int:
        return int(np.prod(self, dtype=np.int64))


class _RemovableHandle:
    def __init__(self, hooks: list, hook: Any) -> None:
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


def _warn_non_leaf_grad() -> None:
    warnings.warn(
        "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
        "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
        "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. "
        "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor "
        "instead. See github.com/pytorch/pytorch/pull/30531 for more information.",
        UserWarning,
        stacklevel=user_stacklevel(),
    )


def _init(t: Tensor, data: Any, grad_fn: Any, output_nr: int, requires_grad: bool) -> None:
    t._data = data
    t.grad_fn = grad_fn
    t._requires_grad = requires_grad
    t._grad = None
    t._output_nr = output_nr
    t._retains_grad = False
    t._hooks = None
    t._rebased = None


def _rebuild(data: np.ndarray, requires_grad: bool) -> Tensor:
    """A leaf from pickled values."""
    t = _make(data)
    t._requires_grad = requires_grad
    return t


def _make(data: Any, grad_fn: Any = None, output_nr: int = 0) -> Tensor:
    """Wrap an array (the hot path of every op: no checks)."""
    t = Tensor.__new__(Tensor)
    t._data = data
    t.grad_fn = grad_fn
    t._requires_grad = grad_fn is not None
    t._grad = None
    t._output_nr = output_nr
    t._retains_grad = False
    t._hooks = None
    t._rebased = None  # [(epoch, old grad_fn, old output_nr)] once written in place in the graph
    return t


def _wrap_dim(dim: int, ndim: int, op: str) -> int:
    """Normalise a possibly negative dim, raising IndexError as torch does."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(
            f"{op}: Dimension out of range (expected to be in range of "
            f"[{-n}, {n - 1}], but got {dim})"
        )
    return dim % n


def _to_array(data: Any, float_dtype: np.dtype | None, op: str) -> np.ndarray:
    """Turn tensor-like data into a fresh array with torch's dtype inference.

    Python floats become `float_dtype` (the default dtype), ints int64, bools bool; numpy arrays
    keep their dtype. Strings, dicts, None, arbitrary objects and ragged lists are refused.
    """
    if isinstance(data, Tensor):
        return np.array(data._data)
    if isinstance(data, np.ndarray | np.generic):
        arr = np.array(data)
        _dtype.from_numpy_dtype(arr.dtype)  # refuses str/object arrays
        return arr
    if isinstance(data, str | bytes):
        raise TypeError(f"{op}(): invalid data type '{type(data).__name__}'")
    if not isinstance(data, bool | int | float | list | tuple | range):
        raise RuntimeError(
            f"{op}(): Could not infer dtype of {type(data).__name__}; pass numbers, "
            "(nested) lists of numbers, a numpy array or a Tensor"
        )
    if isinstance(data, range):
        data = list(data)
    if isinstance(data, list | tuple):
        first = data
        while isinstance(first, list | tuple) and len(first):  # torch reads dims off the firsts
            first = first[0]
        if isinstance(first, str | bytes):
            raise ValueError(f"too many dimensions '{type(first).__name__}'")
        typed: list = []
        data = _check_nested(data, op, typed=typed)
        if typed:  # numpy scalars or tensors in the list: their dtypes count, as torch's
            target = _promoted(data, typed, float_dtype or _dtype.get_default_dtype().np)
            return np.array(data, dtype=target)
    try:
        arr = np.array(data)
    except ValueError as err:
        raise ValueError(
            f"{op}(): ragged nested sequence, all rows must have the same length ({err})"
        ) from None
    kind = arr.dtype.kind
    if kind == "f" and float_dtype is not None:
        arr = arr.astype(float_dtype)
    elif kind == "i":
        arr = arr.astype(np.int64)
    elif kind == "u" or (kind == "O" and _has_int(data)):  # ints beyond int64
        raise ValueError("Overflow when unpacking long long")
    elif kind == "O" or kind in "US":
        raise TypeError(f"{op}(): invalid data type in {data!r:.40}; expected numbers")
    return arr


def _has_int(data: Any) -> bool:
    if isinstance(data, list | tuple):
        return any(_has_int(d) for d in data)
    return isinstance(data, int) and not isinstance(data, bool)


def _check_nested(seq: Sequence[Any], op: str, dim: int = 0, typed: list | None = None) -> list:
    """Walk a nested list, raising torch's errors for strings, objects and ragged rows; returns
    it with one-element tensors replaced by their numbers (as torch reads them), numpy arrays by
    lists, and the dtypes of numpy scalars and tensors in `typed`."""
    if dim >= 64:
        raise ValueError(
            f"{op}(): nested sequences deeper than 64 levels are not supported (numpy's limit "
            "on dimensions)"
        )
    first_len = None
    out = list(seq)
    for i, item in enumerate(seq):
        if isinstance(item, np.ndarray) and item.ndim:  # as torch: its values, its dtype
            if dim == 0 and i == 0:
                _warn_ndarrays()
            item = list(item)  # rows, or numpy scalars that keep the dtype
        if isinstance(item, list | tuple | range):
            out[i] = _check_nested(item, op, dim + 1, typed)
            if first_len is None:
                first_len = len(item)
            elif len(item) != first_len:
                raise ValueError(
                    f"{op}(): expected sequence of length {first_len} at dim "
                    f"{dim + 1} (got {len(item)})"
                )
        elif isinstance(item, str | bytes):
            raise TypeError(f"{op}(): invalid data type '{type(item).__name__}'")
        elif isinstance(item, Tensor):
            if item._data.size != 1:
                raise ValueError(
                    f"only one element tensors can be converted to Python scalars ({op}() got "
                    f"a tensor of shape {list(item.shape)} inside a list)"
                )
            out[i] = item._data.reshape(()).item()
            if typed is not None:
                typed.append(item._data.dtype)
        elif isinstance(item, np.generic | np.ndarray):
            if typed is not None:
                typed.append(item.dtype)
        elif not isinstance(item, bool | int | float):
            raise RuntimeError(f"{op}(): Could not infer dtype of {type(item).__name__}")
    return out


def _warn_ndarrays() -> None:
    warnings.warn(
        "Creating a tensor from a list of numpy.ndarrays is extremely slow. Please consider "
        "converting the list to a single numpy.ndarray with numpy.array() before converting to "
        "a tensor.",
        UserWarning,
        stacklevel=user_stacklevel(),
    )


def _promoted(data: Any, typed: list, float_dtype: np.dtype) -> np.dtype:
    """torch's dtype for a list holding numpy scalars or tensors: their dtypes promoted with those
    of the Python numbers beside them (bool, int64, the default float), as torch.promote_types."""
    out = typed[0]
    for d in typed[1:]:
        out = _dtype.promote_types(out, d)
    stack = [data]
    while stack:
        for item in stack.pop():
            if isinstance(item, list | tuple):
                stack.append(item)
            elif type(item) in (bool, int, float):
                py = _dtype._scalar_dtype(item) if type(item) is not float else float_dtype
                out = _dtype.promote_types(out, np.dtype(py))
    return out
