"""Padding layers: ZeroPad, ConstantPad, ReflectionPad, ReplicationPad and CircularPad in 1-3 dims,
each F.pad with its padding given as an int or a tuple (left, right, top, bottom, ...)."""

from __future__ import annotations

from collections.abc import Sequence

from ..._tensor import Tensor
from .. import functional as F
from .module import Module


class _PadNd(Module):
    _nd = 2
    _mode = "constant"

    def __init__(self, padding: int | Sequence[int], value: float = 0.0) -> None:
        super().__init__()
        if isinstance(padding, int):
            padding = (padding,) * (2 * self._nd)
        padding = tuple(int(p) for p in padding)
        if len(padding) != 2 * self._nd:
            raise ValueError(
                f"{type(self).__name__}: padding must be an int or a {2 * self._nd}-tuple, "
                f"got {padding}"
            )
        self.padding = padding
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        if self._mode == "constant":
            return F.pad(input, self.padding, "constant", self.value)
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self) -> str:
        if self._mode == "constant" and not isinstance(self, _Zero):
            return f"padding={self.padding}, value={self.value}"
        return f"{self.padding}"


class _Zero(_PadNd):
    def __init__(self, padding: int | Sequence[int]) -> None:
        super().__init__(padding, 0.0)


def _layer(name: str, nd: int, mode: str, base: type, doc: str) -> type:
    return type(name, (base,), {"_nd": nd, "_mode": mode, "__doc__": doc, "__module__": __name__})


ConstantPad1d = _layer("ConstantPad1d", 1, "constant", _PadNd, "Pad the last dim with a value.")
ConstantPad2d = _layer("ConstantPad2d", 2, "constant", _PadNd, "Pad the last 2 dims with a value.")
ConstantPad3d = _layer("ConstantPad3d", 3, "constant", _PadNd, "Pad the last 3 dims with a value.")
ZeroPad1d = _layer("ZeroPad1d", 1, "constant", _Zero, "Pad the last dim with zeros.")
ZeroPad2d = _layer("ZeroPad2d", 2, "constant", _Zero, "Pad the last 2 dims with zeros.")
ZeroPad3d = _layer("ZeroPad3d", 3, "constant", _Zero, "Pad the last 3 dims with zeros.")
ReflectionPad1d = _layer("ReflectionPad1d", 1, "reflect", _Zero, "Pad by reflecting the edge.")
ReflectionPad2d = _layer("ReflectionPad2d", 2, "reflect", _Zero, "Pad by reflecting the edges.")
ReflectionPad3d = _layer("ReflectionPad3d", 3, "reflect", _Zero, "Pad by reflecting the edges.")
ReplicationPad1d = _layer("ReplicationPad1d", 1, "replicate", _Zero, "Pad by repeating the edge.")
ReplicationPad2d = _layer("ReplicationPad2d", 2, "replicate", _Zero, "Pad by repeating edges.")
ReplicationPad3d = _layer("ReplicationPad3d", 3, "replicate", _Zero, "Pad by repeating edges.")
CircularPad1d = _layer("CircularPad1d", 1, "circular", _Zero, "Pad by wrapping around.")
CircularPad2d = _layer("CircularPad2d", 2, "circular", _Zero, "Pad by wrapping around.")
CircularPad3d = _layer("CircularPad3d", 3, "circular", _Zero, "Pad by wrapping around.")
