"""torch.backends.mps: Apple's GPU backend, never available here."""

from __future__ import annotations


def is_available() -> bool:
    """False: mini_autograd computes on the CPU."""
    return False


def is_built() -> bool:
    """False."""
    return False
