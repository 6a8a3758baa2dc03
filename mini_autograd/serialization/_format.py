"""The facts of torch's checkpoint format, in one place.

A checkpoint is a zip archive (stored, not compressed) whose records live under one folder named
after the file (`model.pt` -> `model/`, a file object -> `archive/`):

    data.pkl                the object, pickled (protocol 2); each tensor refers to a storage by key
    .format_version         b"1"
    .storage_alignment      b"64": every record's bytes start at a multiple of 64 in the file
    byteorder               b"little"
    data/<key>              one storage's raw bytes, in that byte order
    version                 b"3\\n"
    .data/serialization_id  40 decimal digits

A tensor is pickled as `torch._utils._rebuild_tensor_v2(storage, offset, size, stride,
requires_grad, OrderedDict())`, the storage as the persistent id
`('storage', torch.<Kind>Storage, key, 'cpu', numel)`, a Parameter as
`torch._utils._rebuild_parameter(tensor, requires_grad, OrderedDict())`.
"""

from __future__ import annotations

import numpy as np

ALIGNMENT = 64
FORMAT_VERSION = b"1"
VERSION = b"3\n"
BYTEORDER = b"little"

# storage class name in the pickle <-> numpy dtype of its elements (little-endian)
STORAGE_DTYPES: dict[str, np.dtype] = {
    "DoubleStorage": np.dtype("<f8"),
    "FloatStorage": np.dtype("<f4"),
    "HalfStorage": np.dtype("<f2"),
    "LongStorage": np.dtype("<i8"),
    "IntStorage": np.dtype("<i4"),
    "ShortStorage": np.dtype("<i2"),
    "CharStorage": np.dtype("i1"),
    "ByteStorage": np.dtype("u1"),
    "BoolStorage": np.dtype("?"),
}
STORAGE_BY_DTYPE: dict[np.dtype, str] = {
    dt.newbyteorder("="): name for name, dt in STORAGE_DTYPES.items()
}

# torch names of dtypes that may appear in a pickle (torch.float32 is written 'torch float32')
TORCH_DTYPE_ALIASES = {
    "float": "float32",
    "double": "float64",
    "half": "float16",
    "long": "int64",
    "int": "int32",
    "short": "int16",
}

# every dtype name torch may write, so a dtype we lack is named as such
TORCH_DTYPES_ALL = frozenset(
    [
        "float32",
        "float64",
        "float16",
        "bfloat16",
        "int64",
        "int32",
        "int16",
        "int8",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "bool",
        "complex32",
        "complex64",
        "complex128",
        "float8_e4m3fn",
        "float8_e5m2",
        "float",
        "half",
        "double",
        "long",
        "int",
        "short",
        "cfloat",
        "cdouble",
    ]
)
