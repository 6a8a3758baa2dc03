"""torch.backends.cudnn: the flags scripts set for reproducibility; they change nothing here."""

from __future__ import annotations

enabled = True
benchmark = False
deterministic = False


def is_available() -> bool:
    """False: there is no cuDNN (nor GPU) behind mini_autograd."""
    return False


def version() -> None:
    return None
