"""load: read torch's checkpoint format, unpickling only what torch's weights_only allows."""

from __future__ import annotations

import codecs
import collections
import os
import pickle
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from typing import IO, Any

import numpy as np

from .. import _device, _dtype
from .._tensor import Size, Tensor, _make
from ..nn.parameter import Parameter
from . import _format
from ._safe import safe_global, unsupported_global


class _StorageKind:
    """What `torch.FloatStorage` etc. unpickle to: the element type of a storage."""

    __slots__ = ("name", "dtype")

    def __init__(self, name: str, dtype: np.dtype) -> None:
        self.name, self.dtype = name, dtype


class _Storage:
    """A loaded storage: a flat array its tensors are views of."""

    __slots__ = ("array", "location")

    def __init__(self, array: np.ndarray, location: str) -> None:
        self.array, self.location = array, location


def _ints(value: Any, what: str) -> tuple[int, ...]:
    if not isinstance(value, tuple | list) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value
    ):
        raise pickle.UnpicklingError(f"tensor {what} must be a tuple of non-negative ints")
    return tuple(value)


def _rebuild_tensor_v2(
    storage: Any,
    storage_offset: int,
    size: Any,
    stride: Any,
    requires_grad: bool,
    backward_hooks: Any,
    metadata: Any = None,
) -> Tensor:
    """A tensor viewing `storage` (torch._utils._rebuild_tensor_v2), bounds-checked."""
    if not isinstance(storage, _Storage):
        raise pickle.UnpicklingError("_rebuild_tensor_v2: the storage is not a storage record")
    shape, strides = _ints(size, "size"), _ints(stride, "stride")
    if len(shape) != len(strides) or not isinstance(storage_offset, int) or storage_offset < 0:
        raise pickle.UnpicklingError("_rebuild_tensor_v2: size, stride and offset do not agree")
    flat = storage.array
    if all(shape):
        last = storage_offset + sum((n - 1) * s for n, s in zip(shape, strides, strict=True))
        if last >= flat.size:
            raise pickle.UnpicklingError(
                f"_rebuild_tensor_v2: a tensor of size {list(shape)}, stride {list(strides)} "
                f"and offset {storage_offset} does not fit in its storage of {flat.size} elements"
            )
    item = flat.dtype.itemsize
    if all(shape):
        arr = np.ndarray(
            shape, flat.dtype, buffer=flat, offset=storage_offset * item,
            strides=tuple(s * item for s in strides),
        )  # fmt: skip
    else:
        arr = np.empty(shape, flat.dtype)
    t = _make(arr)
    if requires_grad:
        t.requires_grad = True
    return t


def _rebuild_parameter(data: Any, requires_grad: bool, backward_hooks: Any) -> Parameter:
    if not isinstance(data, Tensor):
        raise pickle.UnpicklingError("_rebuild_parameter: data is not a tensor")
    return Parameter(data, requires_grad)


def _rebuild_parameter_with_state(
    data: Any, requires_grad: bool, backward_hooks: Any, state: Any
) -> Parameter:
    return _rebuild_parameter(data, requires_grad, backward_hooks)


def _torch_global(module: str, name: str) -> Any:
    """Our object for a torch name found in a pickle, or None."""
    if module == "torch._utils":
        return {
            "_rebuild_tensor_v2": _rebuild_tensor_v2,
            "_rebuild_parameter": _rebuild_parameter,
            "_rebuild_parameter_with_state": _rebuild_parameter_with_state,
        }.get(name)
    if module != "torch":
        return None
    if name in _format.STORAGE_DTYPES:
        return _StorageKind(name, _format.STORAGE_DTYPES[name])
    if name == "Size":
        return Size
    if name == "device":
        return _device.device
    top = sys.modules[__package__.rpartition(".")[0]]
    found = getattr(top, _format.TORCH_DTYPE_ALIASES.get(name, name), None)
    return found if isinstance(found, _dtype.dtype) else None


_PLAIN_GLOBALS = {
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("builtins", "set"): set,
    ("builtins", "frozenset"): frozenset,
    ("builtins", "bytearray"): bytearray,
    ("builtins", "complex"): complex,
    ("_codecs", "encode"): codecs.encode,  # how protocol 2 writes bytes
}


_PY2_MODULES = {"__builtin__": "builtins", "copy_reg": "copyreg"}


class _Unpickler(pickle.Unpickler):
    def __init__(
        self, file: IO[bytes], reader: _Reader, weights_only: bool, map_fn: Callable
    ) -> None:
        super().__init__(file, encoding="utf-8")
        self.reader, self.weights_only, self.map_fn = reader, weights_only, map_fn

    def find_class(self, module: str, name: str) -> Any:
        module = _PY2_MODULES.get(module, module)  # protocol 2 writes Python 2's names
        found = _torch_global(module, name)
        if found is None:
            found = _PLAIN_GLOBALS.get((module, name))
        if found is None:
            found = safe_global(module, name)
        if found is not None:
            return found
        if module == "torch" and name.endswith("Storage"):
            raise TypeError(f"load: {module}.{name} tensors are not supported by mini_autograd")
        if module == "torch" and name in _format.TORCH_DTYPES_ALL:
            raise TypeError(f"load: the dtype torch.{name} is not supported by mini_autograd")
        if self.weights_only:
            raise unsupported_global(module, name)
        return super().find_class(module, name)

    def persistent_load(self, pid: Any) -> Any:
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"load: unknown persistent id {pid!r:.80}")
        _, kind, key, location, numel = pid
        if not isinstance(kind, _StorageKind) or not isinstance(key, str):
            raise pickle.UnpicklingError(f"load: malformed storage reference {pid!r:.80}")
        if not isinstance(numel, int) or numel < 0 or not isinstance(location, str):
            raise pickle.UnpicklingError(f"load: malformed storage reference {pid!r:.80}")
        storage = _Storage(self.reader.storage(key, kind, numel), location)
        mapped = self.map_fn(storage, location)
        return storage if mapped is None else mapped


class _Reader:
    """The records of one checkpoint archive; storages are read once, straight into arrays."""

    def __init__(self, fileobj: IO[bytes], source: str) -> None:
        self.fileobj, self.source = fileobj, source
        self.zip = zipfile.ZipFile(fileobj)
        names = self.zip.namelist()
        pkl = [n for n in names if n.endswith("data.pkl") and n.count("/") == 1]
        if not pkl:
            raise RuntimeError(
                f"load: {source} is a zip archive but not a checkpoint (no data.pkl record)"
            )
        self.prefix = pkl[0].rpartition("/")[0]
        order = self.record("byteorder", required=False)
        self.byteorder = "<" if order in (None, b"little") else ">"
        self._cache: dict[str, np.ndarray] = {}

    def record(self, name: str, required: bool = True) -> bytes | None:
        try:
            return self.zip.read(f"{self.prefix}/{name}")
        except KeyError:
            if required:
                raise RuntimeError(f"load: {self.source} has no record '{name}'") from None
            return None

    def storage(self, key: str, kind: _StorageKind, numel: int) -> np.ndarray:
        arr = self._cache.get(key)
        if arr is None:
            arr = self._read_storage(key, kind, numel)
            self._cache[key] = arr
        return arr

    def _read_storage(self, key: str, kind: _StorageKind, numel: int) -> np.ndarray:
        dt = kind.dtype.newbyteorder(self.byteorder)
        exact = _dtype.from_numpy_dtype(dt.newbyteorder("="))
        if exact.np != dt.newbyteorder("="):
            raise TypeError(
                f"load: {self.source} holds torch.{kind.name} tensors; mini_autograd has no "
                f"{dt.newbyteorder('=')} dtype (its dtypes: float32, float64, int32, int64, bool)"
            )
        name = f"{self.prefix}/data/{key}"
        try:
            info = self.zip.getinfo(name)
        except KeyError:
            raise RuntimeError(f"load: {self.source} has no storage record 'data/{key}'") from None
        if info.file_size != numel * dt.itemsize:
            raise RuntimeError(
                f"load: {self.source}: storage 'data/{key}' holds {info.file_size} bytes, "
                f"expected {numel} x {dt.itemsize}"
            )
        raw = self._read_bytes(info)
        flat = raw.view(dt)
        if dt.byteorder == ">":
            flat = flat.astype(dt.newbyteorder("="))
        return flat

    def _read_bytes(self, info: zipfile.ZipInfo) -> np.ndarray:
        raw = np.empty(info.file_size, np.uint8)
        if info.compress_type != zipfile.ZIP_STORED:
            raw[:] = np.frombuffer(self.zip.read(info.filename), np.uint8)
            return raw
        f = self.fileobj
        f.seek(info.header_offset)
        header = f.read(30)
        if len(header) != 30 or header[:4] != b"PK\x03\x04":
            raise RuntimeError(f"load: {self.source}: bad local header for '{info.filename}'")
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        f.seek(info.header_offset + 30 + name_len + extra_len)
        got = f.readinto(memoryview(raw))
        if got != info.file_size:
            raise RuntimeError(f"load: {self.source} is truncated in '{info.filename}'")
        if zlib.crc32(raw) != info.CRC:
            raise RuntimeError(
                f"load: {self.source} is corrupted: the checksum of '{info.filename}' is wrong"
            )
        return raw

    def unpickle(self, weights_only: bool, map_fn: Callable) -> Any:
        with self.zip.open(f"{self.prefix}/data.pkl") as pkl:
            return _Unpickler(pkl, self, weights_only, map_fn).load()


def location_mapper(map_location: Any) -> Callable[[Any, str], Any]:
    """map_location as torch takes it (None, a device or its name, a dict, a function); every
    storage must end up on the CPU."""

    def target(location: str) -> None:
        if isinstance(map_location, dict):
            location = map_location.get(location, location)
        elif map_location is not None:
            location = map_location
        try:
            _device.check(location, "load")
        except AssertionError:
            raise RuntimeError(
                "Attempting to deserialize object on a CUDA device but "
                "torch.cuda.is_available() is False. If you are running on a CPU-only machine, "
                "please use torch.load with map_location=torch.device('cpu') to map your "
                "storages to the CPU."
            ) from None

    if callable(map_location):
        return lambda storage, location: map_location(storage, location)
    return lambda storage, location: target(location)


def source_name(f: Any) -> str:
    if isinstance(f, str | os.PathLike):
        return f"'{os.fspath(f)}'"
    name = getattr(f, "name", None)
    return f"'{name}'" if isinstance(name, str) else f"the file object {type(f).__name__}"
