"""The benchmark: mini_autograd against torch on the same workloads, time and peak memory.

`python -m compare bench` (see `compare.bench.cli`) writes reports/bench.md.
"""

from __future__ import annotations

from .cli import main

__all__ = ["main"]
