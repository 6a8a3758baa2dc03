"""torch.save / torch.load in torch's own file format, without torch.

A file written by `torch.save` loads here, and a file written here loads with
`torch.load(..., weights_only=True)`. `load` is safe by default: like torch's `weights_only=True`
it unpickles only tensors, containers and primitive values and refuses anything else.
"""

from __future__ import annotations

import os
import pickle
import struct
import zipfile
from typing import IO, Any

from ._load import _Reader, location_mapper, source_name
from ._safe import add_safe_globals, clear_safe_globals, get_safe_globals, safe_globals
from ._save import save

__all__ = [
    "add_safe_globals",
    "clear_safe_globals",
    "get_safe_globals",
    "load",
    "safe_globals",
    "save",
]


def load(
    f: str | os.PathLike | IO[bytes],
    map_location: Any = None,
    pickle_module: Any = None,
    *,
    weights_only: bool | None = None,
    mmap: bool | None = None,
    **pickle_load_args: Any,
) -> Any:
    """Load an object saved by `save` or by `torch.save` (torch's zip format).

    weights_only (the default, as in torch >= 2.6) allows only tensors, Parameters, dicts,
    OrderedDicts, lists, tuples, sets, numbers, strings, torch.Size, dtypes and devices, plus what
    `add_safe_globals` allows; weights_only=False unpickles anything (trusted files only).
    map_location may be None, 'cpu', a device, a dict {'cuda:0': 'cpu'} or a function
    (storage, location); everything is loaded onto the CPU. mmap is accepted; the data is read
    into memory.
    """
    if pickle_module is not None and pickle_module is not pickle:
        raise NotImplementedError("load: only the standard pickle module is supported")
    source = source_name(f)
    map_fn = location_mapper(map_location)
    opened = isinstance(f, str | os.PathLike)
    fileobj = open(os.fspath(f), "rb") if opened else f  # noqa: SIM115 - closed below
    try:
        start = fileobj.tell()
        head = fileobj.read(4)
        fileobj.seek(start)
        if head[:1] == b"\x80" and head != b"PK\x03\x04":
            raise RuntimeError(
                f"load: {source} is in torch's legacy format (torch < 1.6 or "
                "_use_new_zipfile_serialization=False), which mini_autograd does not read; "
                "re-save it with torch.save in the default (zip) format"
            )
        try:
            reader = _Reader(fileobj, source)
            return reader.unpickle(weights_only is not False, map_fn)
        except zipfile.BadZipFile as err:
            raise RuntimeError(
                f"load: {source} is not a readable checkpoint ({err}): the file is truncated, "
                "corrupted or not written by save/torch.save"
            ) from None
        except pickle.UnpicklingError as err:
            if str(err).startswith("Weights only load failed"):
                raise pickle.UnpicklingError(f"{err}\n\n(file: {source})") from None
            raise RuntimeError(f"load: {source} is corrupted: {err}") from None
        except (EOFError, ValueError, IndexError, struct.error, AttributeError) as err:
            raise RuntimeError(
                f"load: {source} is corrupted or truncated ({type(err).__name__}: {err})"
            ) from None
    finally:
        if opened:
            fileobj.close()
