"""torch.accelerator as on a machine without one: `device = acc if is_available() else 'cpu'`."""

from __future__ import annotations


def is_available() -> bool:
    """False: mini_autograd computes on the CPU."""
    return False


def current_accelerator(check_available: bool = False) -> None:
    """None: there is no accelerator."""
    return None


def device_count() -> int:
    """0 accelerators."""
    return 0
