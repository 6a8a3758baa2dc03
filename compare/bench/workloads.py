"""The benchmark workloads, each written once against the torch namespace `T` (registry and
helpers in workload.py): small graphs, models and large arrays (workloads_small.py), then the
networks (workloads_nets.py). WORKLOADS keeps that order, the report's.
"""

from __future__ import annotations

from . import workloads_small  # noqa: F401 - registers its workloads first

# isort: split
from . import workloads_nets  # noqa: F401 - then these
from .workload import WORKLOADS, Workload

__all__ = ["WORKLOADS", "Workload"]
