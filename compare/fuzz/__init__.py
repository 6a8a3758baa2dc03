"""`python -m compare fuzz`: random torch programs in both frameworks, mismatches shrunk to cases.

A program is a small DAG of ops drawn from one table (`table_*.py`, keyed by the engine's op
names), written as torch code against `T`; the harness's own checks compare the two runs.
"""

from . import table_math, table_nn, table_struct  # noqa: F401 - each fills specs.SPECS
from .specs import SPECS
