"""`TrainingCase`: a whole training run in both frameworks, compared step by step."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import ModuleType

import numpy as np

from ..execute import Raised
from ..metrics import compare_arrays
from ..registry import Case, RunContext, register
from ..results import CANDIDATE_SIDE, GRAD, VALUE, Accuracy, CaseResult, Check, Timing
from ..tolerances import Tol, tolerance
from .data import Data
from .loop import Recipe, Trajectory, train

#: trajectories are compared with these (the rest of the table's defaults apply): float64 runs
#: must agree to ~1e-6 relative over the whole run; float32 runs drift apart as rounding
#: differences compound, and the report shows by how much
TRAINING_TOL: Mapping[str, Tol] = {
    "float64": Tol(rtol=1e-6, atol=1e-9),
    "float32 value": Tol(rtol=1e-4, atol=1e-5),
}


@dataclass(frozen=True)
class TrainingDetail:
    """What a training case's page shows beyond the checks."""

    data: Data
    reference: Trajectory
    candidate: Trajectory | None
    truth: Trajectory | None  # torch in float64 from the same rounded start, for float32 runs
    error: str = ""  # what the candidate raised, if it could not train


@dataclass(eq=False)
class TrainingCase(Case):
    """Train the same model from the same weights on the same batches in torch and the
    candidate; compare the loss at every step, the first gradients and the final weights."""

    name: str
    data: Callable[[int], Data]  # steps -> the batches
    recipe: Recipe
    title: str = ""
    steps: int = 150
    tags: tuple[str, ...] = ()
    tol: Mapping[str, Tol] = field(default_factory=lambda: dict(TRAINING_TOL))
    kind: str = "training"
    trainer: Callable[..., Trajectory] = train  # (T, recipe, init, data, dtype) -> Trajectory

    def initial_weights(self, torch: ModuleType, seed: int) -> dict[str, np.ndarray]:
        """torch's default initialisation of the model under a fixed seed, in float64."""
        with torch.random.fork_rng():
            torch.manual_seed(seed)
            model = self.recipe.model(torch)
        return {k: v.detach().numpy().astype(np.float64) for k, v in model.state_dict().items()}

    def run(self, ctx: RunContext) -> CaseResult:
        with single_threaded(ctx.reference):
            return self._run(ctx)

    def _run(self, ctx: RunContext) -> CaseResult:
        dtype = ctx.dtype
        data = self.data(self.steps).cast(dtype)
        start = self.initial_weights(ctx.reference, ctx.seed)
        init = {k: v.astype(dtype) for k, v in start.items()}
        result = CaseResult(self.name, self.kind, dtype, ctx.candidate_name)
        ref = self.trainer(ctx.reference, self.recipe, init, data, dtype)
        truth = None
        if dtype != "float64":  # the same rounded start and data, trained in float64
            truth = self.trainer(
                ctx.reference, self.recipe, _upcast(init), data.cast("float64"), "float64"
            )
        try:
            cand = self.trainer(ctx.candidate, self.recipe, init, data, dtype)
        except Exception as exc:  # noqa: BLE001 - a failing candidate is a result
            raised = Raised.of(exc, ctx.candidate_name)
            result.checks.append(
                Check(
                    "training run",
                    VALUE,
                    ok=False,
                    message=f"raised {raised}",
                    missing=raised.missing,
                    error=CANDIDATE_SIDE,
                )
            )
            result.detail = TrainingDetail(data, ref, None, truth, str(raised))
            return result

        result.checks = self._checks(ref, cand, dtype)
        if truth is not None:
            result.accuracy = [
                Accuracy(
                    "loss at every step",
                    _max_abs(ref.losses, truth.losses),
                    _max_abs(cand.losses, truth.losses),
                ),
                Accuracy(
                    "final weights",
                    _max_abs_params(ref.params, truth.params),
                    _max_abs_params(cand.params, truth.params),
                ),
            ]
        if ctx.timing:
            phase = f"{self.steps} training steps"
            result.timing = Timing({phase: ref.seconds}, {phase: cand.seconds})
        result.detail = TrainingDetail(data, ref, cand, truth)
        return result

    def _checks(self, ref: Trajectory, cand: Trajectory, dtype: str) -> list[Check]:
        value_tol = tolerance(dtype, "value", self.tol)
        grad_tol = tolerance(dtype, "grad", self.tol)

        def check(
            quantity: str, category: str, actual: object, expected: object, tol: Tol
        ) -> Check:
            diff = compare_arrays(np.asarray(actual), np.asarray(expected), tol)
            return Check(quantity, category, diff.ok, diff, diff.message())

        checks = [check("loss at every step", VALUE, cand.losses, ref.losses, value_tol)]
        if self.recipe.scheduler:
            checks.append(check("learning rate at every step", VALUE, cand.lrs, ref.lrs, value_tol))
        checks.append(
            check("eval-mode loss after training", VALUE, cand.eval_loss, ref.eval_loss, value_tol)
        )
        for name, expected in ref.params.items():
            checks.append(
                check(
                    f"{name} after {self.steps} steps",
                    VALUE,
                    cand.params.get(name),
                    expected,
                    value_tol,
                )
            )
        for name, expected in ref.first_grads.items():
            checks.append(
                check(
                    f"grad of {name} at step 1",
                    GRAD,
                    cand.first_grads.get(name),
                    expected,
                    grad_tol,
                )
            )
        return checks

    def page(self, results: Sequence[CaseResult]) -> str:
        from .page import render

        return render(self, results)

    def assets(self, results: Sequence[CaseResult]) -> dict[str, str]:
        from .page import plots

        return plots(self, results)


def training_case(
    name: str,
    title: str,
    data: Callable[[int], Data],
    recipe: Recipe,
    *,
    steps: int = 150,
    tags: Sequence[str] = (),
    trainer: Callable[..., Trajectory] = train,
) -> TrainingCase:
    """Declare and register one training case (trainer: the loop, `loop.train` by default)."""
    case = TrainingCase(
        name=name,
        title=title,
        data=data,
        recipe=recipe,
        steps=steps,
        tags=("training", *tags),
        trainer=trainer,
    )
    register(case)
    return case


@contextmanager
def single_threaded(torch: ModuleType) -> Iterator[None]:
    """Run torch on one thread: for models this small its thread pool only adds overhead, and
    on a busy machine its spinning threads stall each step by milliseconds."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def _upcast(arrays: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {k: v.astype(np.float64) for k, v in arrays.items()}


def _max_abs(a: Sequence[float], b: Sequence[float]) -> float:
    return float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))))


def _max_abs_params(a: Mapping[str, np.ndarray], b: Mapping[str, np.ndarray]) -> float:
    return max(float(np.max(np.abs(a[k].astype(np.float64) - b[k]))) for k in b)
