"""`Generator`: torch's random-number generator objects, on numpy's PCG64.

`manual_seed` makes runs reproducible, but the numbers are numpy's, not torch's. The default
generator is the one behind rand/randn/dropout/nn.init; `Generator()` objects are independent
streams for samplers, random_split and shuffling DataLoaders.
"""

from __future__ import annotations

import pickle
import secrets
from typing import Any

import numpy as np

from . import _creation, _device
from ._tensor import Tensor, _make


class Generator:
    """An independent random stream: `Generator().manual_seed(0)`."""

    def __init__(self, device: Any = "cpu") -> None:
        self._device = _device.check(device, "Generator")
        self._initial_seed = secrets.randbits(63)
        self._np = np.random.default_rng(self._initial_seed)

    @property
    def device(self) -> _device.device:
        return self._device

    def manual_seed(self, seed: int) -> Generator:
        """Reseed (any int, as torch takes; negative ones wrap to 64 bits); returns self."""
        seed = int(seed)
        if seed < -(2**63) or seed >= 2**64:
            raise RuntimeError(
                "Overflow when unpacking long long: seed must be within [-0x8000_0000_0000_0000, "
                f"0xffff_ffff_ffff_ffff], got {seed}"
            )
        self._initial_seed = seed % 2**64
        self._np = np.random.default_rng(self._initial_seed)
        return self

    def seed(self) -> int:
        """Reseed from fresh entropy and return the new seed."""
        self.manual_seed(secrets.randbits(63))
        return self._initial_seed

    def initial_seed(self) -> int:
        return self._initial_seed

    def get_state(self) -> Tensor:
        """The generator's state as a tensor of byte values (restore it with set_state)."""
        raw = pickle.dumps((self._initial_seed, self._np.bit_generator.state))
        return _make(np.frombuffer(raw, np.uint8).astype(np.int64))

    def set_state(self, new_state: Tensor) -> Generator:
        try:
            raw = np.asarray(new_state._data, np.uint8).tobytes()
            seed, state = pickle.loads(raw)  # noqa: S301 - bytes get_state made
            rng = np.random.default_rng()
            rng.bit_generator.state = state
        except Exception as err:
            raise RuntimeError(f"Generator.set_state: not a state from get_state ({err})") from None
        self._initial_seed, self._np = seed, rng
        return self

    def __repr__(self) -> str:
        return f"<mini_autograd.Generator object at {id(self):#x}>"


class _DefaultGenerator(Generator):
    """The global generator: its stream is the one rand/randn and nn.init draw from."""

    def __init__(self) -> None:
        self._device = _device.CPU
        self._initial_seed = secrets.randbits(63)
        _creation._rng = np.random.default_rng(self._initial_seed)

    @property
    def _np(self) -> np.random.Generator:
        return _creation._rng

    @_np.setter
    def _np(self, rng: np.random.Generator) -> None:
        _creation._rng = rng


default_generator: Generator = _DefaultGenerator()


def manual_seed(seed: int) -> Generator:
    """Seed the default generator (rand, randn, dropout, nn.init, shuffling); returns it."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the default generator from fresh entropy; returns the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state() -> Tensor:
    return default_generator.get_state()


def set_rng_state(new_state: Tensor) -> None:
    default_generator.set_state(new_state)


def generator_rng(generator: Generator | None) -> np.random.Generator:
    """The numpy stream behind a generator argument (None: the default generator)."""
    if generator is None:
        return default_generator._np
    if not isinstance(generator, Generator):
        raise TypeError(
            f"generator must be a mini_autograd.Generator, got {type(generator).__name__}"
        )
    return generator._np
