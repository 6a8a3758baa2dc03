"""Every registered case in every dtype, mini_autograd against torch, as `python -m compare` does.

Any difference fails with the report's words, including a torch name the engine lacks.
"""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

import mini_autograd  # noqa: E402
from compare import registry  # noqa: E402
from compare.registry import RunContext  # noqa: E402
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
    if not result.ok:  # pass, or the error the case expects
        pytest.fail(result.failure_message(), pytrace=False)
