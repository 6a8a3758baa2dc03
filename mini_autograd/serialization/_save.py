"""save: pickle an object the way torch does, its tensors' storages as aligned zip records."""

from __future__ import annotations

import io
import os
import pickle
import secrets
import struct
import tempfile
import zipfile
from collections import OrderedDict
from typing import IO, Any

import numpy as np

from .. import _dtype
from .._device import device
from .._tensor import Size, Tensor
from ..nn.parameter import Parameter
from . import _format


class _Global:
    """A reference to a torch name, written as GLOBAL 'module name' (torch need not exist here)."""

    __slots__ = ("module", "name")

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def __call__(self, *args: Any) -> Any:  # pickle's save_reduce wants a callable
        raise TypeError(f"{self.module}.{self.name} is only a name in a pickle")


_GLOBALS: dict[tuple[str, str], _Global] = {}


def _g(module: str, name: str) -> _Global:
    key = (module, name)
    if key not in _GLOBALS:
        _GLOBALS[key] = _Global(module, name)
    return _GLOBALS[key]


class _StorageRef:
    """Stands for one storage in the pickle; persistent_id turns it into torch's tuple."""

    __slots__ = ("pid",)

    def __init__(self, pid: tuple[Any, ...]) -> None:
        self.pid = pid


def _root(arr: np.ndarray) -> np.ndarray:
    """The array that owns arr's memory (the storage its views share)."""
    while isinstance(arr.base, np.ndarray):
        arr = arr.base
    return arr


class _Storages:
    """The storages of the tensors being saved: one per distinct underlying buffer."""

    def __init__(self) -> None:
        self.records: list[tuple[str, np.ndarray]] = []
        self._refs: dict[int, tuple[np.ndarray, _StorageRef]] = {}

    def _add(self, flat: np.ndarray) -> _StorageRef:
        key = str(len(self.records))
        kind = _format.STORAGE_BY_DTYPE.get(flat.dtype.newbyteorder("="))
        if kind is None:
            raise TypeError(f"save: tensors of numpy dtype {flat.dtype} cannot be saved")
        ref = _StorageRef(("storage", _g("torch", kind), key, "cpu", int(flat.size)))
        self.records.append((key, flat.astype(flat.dtype.newbyteorder("<"), copy=False)))
        return ref

    def locate(self, arr: np.ndarray) -> tuple[_StorageRef, int, tuple[int, ...]]:
        """(storage, offset, stride in elements) of arr, sharing the storage of its base."""
        root = _root(arr)
        item = arr.dtype.itemsize
        offset, rem = divmod(
            arr.__array_interface__["data"][0] - root.__array_interface__["data"][0], item
        )
        strides = [s // item for s in arr.strides]
        shareable = (
            root.dtype == arr.dtype
            and root.flags.c_contiguous
            and rem == 0
            and all(s >= 0 and s % item == 0 for s in arr.strides)
        )
        if not shareable:  # a view torch cannot express (negative strides, reinterpreted dtype)
            flat = np.ascontiguousarray(arr)
            return self._add(flat.reshape(-1)), 0, _contiguous_strides(arr.shape)
        found = self._refs.get(id(root))
        if found is None:
            found = (root, self._add(root.reshape(-1)))  # holding root keeps its id unique
            self._refs[id(root)] = found
        return found[1], offset, tuple(strides)


def _contiguous_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    strides, n = [], 1
    for s in reversed(shape):
        strides.append(n)
        n *= max(s, 1)
    return tuple(reversed(strides))


class _TorchPickler(pickle._Pickler):  # the Python pickler: its dispatch can write GLOBALs
    dispatch = dict(pickle._Pickler.dispatch)

    def __init__(self, file: IO[bytes], protocol: int, storages: _Storages) -> None:
        super().__init__(file, protocol)
        self.storages = storages

    def persistent_id(self, obj: Any) -> Any:
        return obj.pid if type(obj) is _StorageRef else None

    def _save_global_ref(self, obj: _Global) -> None:
        self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode())
        self.memoize(obj)

    def _save_tensor(self, obj: Tensor) -> None:
        ref, offset, stride = self.storages.locate(obj._data)
        args = (ref, offset, tuple(obj._data.shape), stride, obj.requires_grad, OrderedDict())
        self.save_reduce(_g("torch._utils", "_rebuild_tensor_v2"), args, obj=obj)

    def _save_parameter(self, obj: Parameter) -> None:
        args = (obj.detach(), obj.requires_grad, OrderedDict())
        self.save_reduce(_g("torch._utils", "_rebuild_parameter"), args, obj=obj)

    def _save_size(self, obj: Size) -> None:
        self.save_reduce(_g("torch", "Size"), (tuple(obj),), obj=obj)

    def _save_dtype(self, obj: _dtype.dtype) -> None:
        self.save(_g("torch", obj.name))

    def _save_device(self, obj: device) -> None:
        self.save_reduce(_g("torch", "device"), (str(obj),), obj=obj)

    def _save_numpy_scalar(self, obj: np.generic) -> None:
        self.save(obj.item())  # torch's safe loader refuses numpy scalars: write the number

    dispatch[_Global] = _save_global_ref
    dispatch[Tensor] = _save_tensor
    dispatch[Parameter] = _save_parameter
    dispatch[Size] = _save_size
    dispatch[_dtype.dtype] = _save_dtype
    dispatch[device] = _save_device
    for _t in (np.float64, np.float32, np.int64, np.int32, np.bool_):
        dispatch[_t] = _save_numpy_scalar


def _archive_name(f: Any) -> str:
    """torch's record folder: the file's name without its last extension, else 'archive'."""
    if isinstance(f, str | os.PathLike):
        base = os.path.basename(os.fspath(f))
        stem = os.path.splitext(base)[0]
        return stem or "archive"
    return "archive"


class _AlignedZip(zipfile.ZipFile):
    """A stored zip whose records start on 64-byte boundaries, padded by an 'FB' extra field."""

    def write_record(self, name: str, data: Any) -> None:
        view = memoryview(data).cast("B")
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_STORED
        info.file_size = view.nbytes
        zip64 = info.file_size * 1.05 > zipfile.ZIP64_LIMIT  # zipfile's own rule
        start = self.fp.tell() + 30 + len(name.encode()) + (20 if zip64 else 0)
        pad = (-(start + 4)) % _format.ALIGNMENT
        info.extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
        with self.open(info, "w", force_zip64=zip64) as out:
            out.write(view)


def _write(obj: Any, fileobj: IO[bytes], name: str, protocol: int) -> None:
    storages = _Storages()
    pkl = io.BytesIO()
    _TorchPickler(pkl, protocol, storages).dump(obj)
    with _AlignedZip(fileobj, "w", zipfile.ZIP_STORED, allowZip64=True) as z:
        z.write_record(f"{name}/data.pkl", pkl.getbuffer())
        z.write_record(f"{name}/.format_version", _format.FORMAT_VERSION)
        z.write_record(f"{name}/.storage_alignment", str(_format.ALIGNMENT).encode())
        z.write_record(f"{name}/byteorder", _format.BYTEORDER)
        for key, flat in storages.records:
            z.write_record(f"{name}/data/{key}", flat.reshape(-1).view(np.uint8))
        z.write_record(f"{name}/version", _format.VERSION)
        serial = "".join(str(secrets.randbelow(10)) for _ in range(40))
        z.write_record(f"{name}/.data/serialization_id", serial.encode())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def save(
    obj: object,
    f: str | os.PathLike | IO[bytes],
    pickle_module: Any = None,
    pickle_protocol: int = 2,
    _use_new_zipfile_serialization: bool = True,
    _disable_byteorder_record: bool = False,
) -> None:
    """Save obj in torch's checkpoint format (a zip of data.pkl plus one record per storage).

    Tensors that share memory (views of one another) share one storage in the file, as in torch.
    A path is written to a temporary file in the same folder and renamed into place, so a crash
    never leaves half a checkpoint; a file object is written as it is.
    """
    if not _use_new_zipfile_serialization:
        raise NotImplementedError(
            "save: only torch's zip format is written (_use_new_zipfile_serialization=True)"
        )
    if pickle_module is not None and pickle_module is not pickle:
        raise NotImplementedError("save: only the standard pickle module is supported")
    name = _archive_name(f)
    if not isinstance(f, str | os.PathLike):
        _write(obj, f, name, pickle_protocol)
        return
    path = os.fspath(f)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            _write(obj, out, name, pickle_protocol)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file open() would get
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
