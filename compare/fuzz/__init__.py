"""`python -m compare fuzz`: random torch programs in both frameworks, mismatches shrunk to cases.

A program is a small DAG of ops drawn from one table (`table_*.py`, keyed by the engine's op
names), written as torch code against `T`; the harness's own checks compare the two runs.
"""

# each table module fills specs.SPECS; their order is the order programs draw from
from . import table_math, table_nn, table_struct, table_index, table_catalogue, table_vision  # noqa: F401, I001
from .specs import SPECS
