"""`device`: mini_autograd computes on the CPU only; `device=` arguments are checked to say so."""

from __future__ import annotations

from typing import Any

_KNOWN = [
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
]


class device:  # noqa: N801 - torch's name
    """torch.device: a type ('cpu', 'cuda', ...) and an optional index; only 'cpu' holds data."""

    __slots__ = ("type", "index")

    def __init__(self, type: str | device | int, index: int | None = None) -> None:  # noqa: A002
        if isinstance(type, device):
            type, index = type.type, type.index if index is None else index
        elif isinstance(type, int):
            type, index = "cuda", type
        elif isinstance(type, str) and ":" in type:
            type, _, idx = type.partition(":")
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}:{idx}'")
            index = int(idx)
        if not isinstance(type, str) or type not in _KNOWN:
            raise RuntimeError(
                f"Expected one of {', '.join(_KNOWN)} device type at start of device string: {type}"
            )
        self.type, self.index = type, index

    def __eq__(self, other: object) -> bool:
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __repr__(self) -> str:
        idx = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{idx})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"


def check_device(dev: Any, op: str) -> None:
    """Accept device=None, 'cpu', 'cpu:0' or device('cpu'); refuse the rest, as torch without
    that accelerator does."""
    if dev is None:
        return
    if isinstance(dev, int) and not isinstance(dev, bool):  # an accelerator's index
        raise RuntimeError(
            f"Cannot access accelerator device when none is available ({op}(): device={dev}; "
            "mini_autograd computes on the CPU, use device='cpu')"
        )
    d = dev if isinstance(dev, device) else device(dev)
    if d.type == "cpu":
        return
    msg = (
        f"{op}(): device='{d}' is not available: mini_autograd computes on the CPU with numpy; "
        "use device='cpu' (or leave device out)"
    )
    if d.type == "cuda":
        raise AssertionError(f"Torch not compiled with CUDA enabled ({msg})")
    raise RuntimeError(msg)


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
