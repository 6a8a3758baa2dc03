"""torch.Generator: a seedable random stream for `generator=` (numpy's PCG64, not torch's
numbers)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._device import check_device


class Generator:
    """A random number generator of its own, for rand/randn/randint/randperm(generator=...)."""

    def __init__(self, device: Any = "cpu") -> None:
        check_device(device, "Generator")
        self._seed = int(np.random.SeedSequence().entropy % (2**63))
        self.rng = np.random.default_rng(self._seed)

    def manual_seed(self, seed: int) -> Generator:
        """Reseed; returns the generator, as torch's (`Generator().manual_seed(0)`)."""
        self._seed = int(seed)
        self.rng = np.random.default_rng(self._seed)
        return self

    def seed(self) -> int:
        """Reseed from fresh entropy and return the seed."""
        self.manual_seed(int(np.random.SeedSequence().entropy % (2**63)))
        return self._seed

    def initial_seed(self) -> int:
        """The seed last set."""
        return self._seed

    @property
    def device(self) -> str:
        return "cpu"
