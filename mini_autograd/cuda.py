"""torch.cuda as on a machine without a GPU: nothing is available, seeding is a no-op."""

from __future__ import annotations


def is_available() -> bool:
    """False: mini_autograd computes on the CPU."""
    return False


def device_count() -> int:
    """0 GPUs."""
    return 0


def manual_seed(seed: int) -> None:
    """Accepted and ignored, as torch does without a GPU."""


def manual_seed_all(seed: int) -> None:
    """Accepted and ignored, as torch does without a GPU."""
