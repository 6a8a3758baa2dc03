"""`device`: torch's device objects. mini_autograd computes on the CPU only; other devices can be
named (so `torch.device('cuda')` and `device = 'cuda' if ... else 'cpu'` work) but not used."""

from __future__ import annotations

from typing import Any

# torch's list, in torch's order (its error message names them)
_TYPES = (
    "cpu",
    "cuda",
    "ipu",
    "xpu",
    "mkldnn",
    "opengl",
    "opencl",
    "ideep",
    "hip",
    "ve",
    "fpga",
    "maia",
    "xla",
    "lazy",
    "vulkan",
    "mps",
    "meta",
    "hpu",
    "mtia",
    "privateuseone",
)


class device:  # noqa: N801 - torch's name
    """A device: `device('cpu')`, `device('cuda', 0)`, `device('cuda:1')`."""

    __slots__ = ("_type", "_index")

    def __init__(self, type: str | device, index: int | None = None) -> None:  # noqa: A002
        if isinstance(type, device):
            type, index = type.type, type.index if index is None else index  # noqa: A001
        elif isinstance(type, int) and not isinstance(type, bool):
            type, index = "cuda", type  # noqa: A001 - torch.device(0) is cuda:0
        if not isinstance(type, str):
            raise TypeError(f"device(): argument 'type' must be str, not {_tname(type)}")
        name, sep, idx = type.partition(":")
        if name not in _TYPES:
            raise RuntimeError(
                f"Expected one of {', '.join(_TYPES)} device type at start of device string: {type}"
            )
        if sep:
            if index is not None:
                raise RuntimeError(
                    f"type (string) must not include an index because index was passed "
                    f"explicitly: {type}"
                )
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}'")
            index = int(idx)
        if index is not None and (not isinstance(index, int) or index < 0):
            raise RuntimeError(f"Device index must not be negative, got {index}")
        self._type, self._index = name, index

    @property
    def type(self) -> str:
        return self._type

    @property
    def index(self) -> int | None:
        return self._index

    def __str__(self) -> str:
        return self._type if self._index is None else f"{self._type}:{self._index}"

    def __repr__(self) -> str:
        if self._index is None:
            return f"device(type='{self._type}')"
        return f"device(type='{self._type}', index={self._index})"

    def __eq__(self, other: object) -> bool:
        # as torch: a device equals only a device (device('cpu') == 'cpu' is False)
        if not isinstance(other, device):
            return NotImplemented
        return self._type == other._type and self._index == other._index

    def __hash__(self) -> int:
        return hash((self._type, self._index))

    def __reduce__(self) -> tuple[Any, ...]:
        return (device, (str(self),))

    def __enter__(self) -> device:
        check(self, "device")
        return self

    def __exit__(self, *exc: object) -> None:
        return None


CPU = device("cpu")


def _tname(obj: object) -> str:
    return type(obj).__name__


def check(dev: Any, op: str) -> device:
    """The device `dev` names (a device, a string, an int or None = cpu), or an error if it is not
    the CPU: torch's AssertionError for cuda, RuntimeError for the others."""
    if dev is None:
        return CPU
    d = dev if isinstance(dev, device) else device(dev)
    if d._type == "cpu":
        return CPU if d._index is None else d
    if d._type == "cuda":
        raise AssertionError(
            f"{op}: Torch not compiled with CUDA enabled: mini_autograd runs on the CPU only "
            f"(device '{d}' is not available; torch.cuda.is_available() is False). Use "
            "device='cpu', e.g. `device = 'cuda' if torch.cuda.is_available() else 'cpu'`"
        )
    raise RuntimeError(
        f"{op}: device '{d}' is not available: mini_autograd runs on the CPU only; use device='cpu'"
    )


def check_device(dev: Any, op: str) -> None:
    """`check` for callers that only validate (creation functions' device=, Tensor.to); an int
    is an accelerator's index, which a CPU-only machine does not have."""
    if isinstance(dev, int) and not isinstance(dev, bool):
        raise RuntimeError(
            f"Cannot access accelerator device when none is available ({op}(): device={dev}; "
            "mini_autograd computes on the CPU, use device='cpu')"
        )
    check(dev, op)


class memory_format:  # noqa: N801 - torch's name
    """torch.memory_format: accepted by conversions and clone; every tensor here is contiguous."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"torch.{self.name}"


contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")
