"""Run cases in every dtype, reporting progress; the one loop behind the CLI and the tests.

Each case runs in a worker thread with a deadline (`timeout`): a case still running then is
marked TIMEOUT and the run goes on. The worker is asked to stop (an exception raised in it at
its next Python instruction); one stuck inside a single C call finishes in the background, its
result discarded.
"""

from __future__ import annotations

import contextlib
import ctypes
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Sequence
from types import ModuleType

from .engines import adapter_of
from .engines.base import NotApplicable
from .registry import Case, RunContext
from .results import CASE_SIDE, INAPPLICABLE, TIMEOUT, VALUE, CaseResult, Check
from .tolerances import DTYPES

#: seconds a case may take in one dtype before it is marked as timed out (`--timeout`)
DEFAULT_TIMEOUT = 60.0
#: the workers' stack: deep graphs are freed recursively by some frameworks
WORKER_STACK = 512 * 1024 * 1024


class CaseTimeout(BaseException):
    """Raised inside a worker whose case ran past its deadline (not an Exception: a case's own
    `except Exception` must not swallow it)."""


def run_case(case: Case, ctx: RunContext, timeout: float | None = None) -> CaseResult:
    """One case in one dtype; a bug in the case or the harness fails the case, not the run.

    With `timeout` (seconds), the case runs in a worker thread and is TIMEOUT past it.
    """
    if timeout is None:
        return _run_guarded(case, ctx)
    box: list[CaseResult] = []
    worker = _start(lambda: box.append(_run_guarded(case, ctx)), case.name)
    worker.join(timeout)
    if box:
        return box[0]
    _interrupt(worker)
    result = CaseResult(case.name, case.kind, ctx.dtype, ctx.candidate_name, verdict=TIMEOUT)
    result.notes.append(f"timed out after {timeout:g} s")
    return result


def _run_guarded(case: Case, ctx: RunContext) -> CaseResult:
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
            result.checks.append(Check("harness", VALUE, ok=False, message=note, error=CASE_SIDE))
            return result


def _inapplicable(case: Case, ctx: RunContext, reason: str) -> CaseResult:
    result = CaseResult(case.name, case.kind, ctx.dtype, ctx.candidate_name)
    result.verdict = INAPPLICABLE
    result.notes.append(reason)
    return result


def _start(target: Callable[[], None], name: str) -> threading.Thread:
    def body() -> None:
        with contextlib.suppress(CaseTimeout):
            target()

    previous = threading.stack_size(WORKER_STACK)
    try:
        worker = threading.Thread(target=body, name=f"case {name}", daemon=True)
        worker.start()
    finally:
        threading.stack_size(previous)
    return worker


def _interrupt(worker: threading.Thread) -> None:
    """Raise CaseTimeout in the worker at its next Python instruction."""
    ident = worker.ident
    if ident is not None:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(ident), ctypes.py_object(CaseTimeout)
        )


def run_cases(
    cases: Sequence[Case],
    candidate: ModuleType,
    reference: ModuleType,
    dtypes: Sequence[str] = DTYPES,
    seed: int = 0,
    second_order: bool = True,
    timing: bool = True,
    progress: Callable[[str], None] | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> list[CaseResult]:
    """Every case in every dtype, in order; `progress` gets one line per case."""
    adapter = adapter_of(candidate)
    second_order = second_order and (adapter is None or adapter.second_order)
    results = []
    width = max((len(c.name) for c in cases), default=0)
    for i, case in enumerate(cases, 1):
        start = time.perf_counter()
        mine = [
            run_case(
                case, RunContext(candidate, reference, dtype, seed, second_order, timing), timeout
            )
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
