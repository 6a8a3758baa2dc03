"""`python -m compare fuzz`: random torch programs in both frameworks, mismatches shrunk to cases.

A program is a small DAG of ops drawn from one table (`table_*.py`, keyed by the engine's op
names), written as torch code against `T`; the harness's own checks compare the two runs.
"""

# each table module fills specs.SPECS; their order is the order programs draw from
# isort: off
from . import table_math, table_nn, table_struct, table_index  # noqa: F401
from . import table_catalogue, table_reduce, table_vision  # noqa: F401

# isort: on
from .specs import SPECS
