"""Run cases in every dtype, reporting progress; the one loop behind the CLI and the tests."""

from __future__ import annotations

import time
import traceback
import warnings
from collections.abc import Callable, Sequence
from types import ModuleType

from .engines import adapter_of
from .engines.base import NotApplicable
from .registry import Case, RunContext
from .results import INAPPLICABLE, VALUE, CaseResult, Check
from .tolerances import DTYPES


def run_case(case: Case, ctx: RunContext) -> CaseResult:
    """One case in one dtype; a bug in the case or the harness fails the case, not the run."""
    adapter = adapter_of(ctx.candidate)
    if adapter is not None and case.kind != "function":
        return _inapplicable(
            case,
            ctx,
            f"the {adapter.name} adapter runs function cases only ({case.kind} "
            "cases need torch's nn and optim)",
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # frameworks' warnings are recorded per outcome
        try:
            return case.run(ctx)
        except NotApplicable as exc:
            return _inapplicable(case, ctx, str(exc))
        except Exception as exc:  # noqa: BLE001
            where = traceback.extract_tb(exc.__traceback__)[-1]
            note = (
                f"the harness itself failed: {type(exc).__name__}: {exc} "
                f"({where.filename}:{where.lineno})"
            )
            result = CaseResult(case.name, case.kind, ctx.dtype, ctx.candidate_name)
            result.checks.append(Check("harness", VALUE, ok=False, message=note))
            return result


def _inapplicable(case: Case, ctx: RunContext, reason: str) -> CaseResult:
    result = CaseResult(case.name, case.kind, ctx.dtype, ctx.candidate_name)
    result.verdict = INAPPLICABLE
    result.notes.append(reason)
    return result


def run_cases(
    cases: Sequence[Case],
    candidate: ModuleType,
    reference: ModuleType,
    dtypes: Sequence[str] = DTYPES,
    seed: int = 0,
    second_order: bool = True,
    timing: bool = True,
    progress: Callable[[str], None] | None = None,
) -> list[CaseResult]:
    """Every case in every dtype, in order; `progress` gets one line per case."""
    adapter = adapter_of(candidate)
    second_order = second_order and (adapter is None or adapter.second_order)
    results = []
    width = max((len(c.name) for c in cases), default=0)
    for i, case in enumerate(cases, 1):
        start = time.perf_counter()
        mine = [
            run_case(case, RunContext(candidate, reference, dtype, seed, second_order, timing))
            for dtype in dtypes
        ]
        results += mine
        if progress:
            took = (time.perf_counter() - start) * 1000
            states = "  ".join(f"{r.dtype} {r.status:<7}" for r in mine)
            progress(
                f"[{i:>{len(str(len(cases)))}}/{len(cases)}] {case.name:<{width}}  "
                f"{states} {took:6.0f} ms"
            )
    return results
