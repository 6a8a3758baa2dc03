"""Every registered case in every dtype, mini_autograd against torch, as `python -m compare` does.

A case the engine cannot run yet because it lacks a torch name (an op not implemented) is an
expected failure whose reason names it; any other difference fails with the report's words.
"""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

import mini_autograd  # noqa: E402
from compare import registry  # noqa: E402
from compare.registry import RunContext  # noqa: E402
from compare.results import MISSING, PASS  # noqa: E402
from compare.run import run_case  # noqa: E402
from compare.tolerances import DTYPES  # noqa: E402

PARAMS = [
    pytest.param(case, dtype, id=f"{case.name}-{dtype}")
    for case in registry.all_cases()
    for dtype in DTYPES
]


@pytest.mark.parametrize(("case", "dtype"), PARAMS)
def test_parity(case: registry.Case, dtype: str) -> None:
    result = run_case(case, RunContext(mini_autograd, torch, dtype, timing=False))
    if result.status == MISSING:
        pytest.xfail(result.failure_message())
    if result.status != PASS:
        pytest.fail(result.failure_message(), pytrace=False)
