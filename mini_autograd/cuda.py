"""torch.cuda as a CPU-only machine sees it: no GPU, so training scripts pick the CPU."""

from __future__ import annotations

from . import _device


def is_available() -> bool:
    """False: mini_autograd runs on the CPU only."""
    return False


def device_count() -> int:
    return 0


def is_initialized() -> bool:
    return False


def manual_seed(seed: int) -> None:
    """Accepted and ignored (there is no GPU generator to seed), as torch does without CUDA."""


def manual_seed_all(seed: int) -> None:
    """Accepted and ignored (there is no GPU generator to seed), as torch does without CUDA."""


def synchronize(device: object = None) -> None:
    _device.check("cuda", "torch.cuda.synchronize")


def current_device() -> int:
    _device.check("cuda", "torch.cuda.current_device")
    return 0


def get_device_name(device: object = None) -> str:
    _device.check("cuda", "torch.cuda.get_device_name")
    return ""
