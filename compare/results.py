"""What a case run produces, whatever its kind: checks, accuracy, timing, status."""

from __future__ import annotations

from dataclasses import dataclass, field

from .metrics import Diff

#: check categories, each a column of the summary table
VALUE, GRAD, SECOND, FD = "value", "grad", "2nd order", "finite differences"
CATEGORIES = (VALUE, GRAD, SECOND, FD)

PASS, FAIL, MISSING = "pass", "fail", "missing"


@dataclass(frozen=True)
class Check:
    """One compared quantity of one run, e.g. the gradient of input x."""

    quantity: str  # "value", "grad x", "2nd order x", "grad x vs finite differences", ...
    category: str  # one of CATEGORIES
    ok: bool
    diff: Diff | None = None
    message: str = ""  # why it failed, or a note, in the report's words
    missing: str = ""  # the torch name the candidate does not provide, if that is why

    def describe(self) -> str:
        return f"{self.quantity}: {self.message}" if self.message else f"{self.quantity}: ok"


@dataclass(frozen=True)
class Accuracy:
    """A float32 quantity's error against a float64 reference, for both frameworks."""

    quantity: str
    reference_error: float  # torch float32 against torch float64, max abs
    candidate_error: float

    def closer(self, tie: float) -> str:
        """ "reference", "candidate" or "tie" (errors within a factor `tie` of each other)."""
        r, c = self.reference_error, self.candidate_error
        if not (r == r and c == c):  # a NaN error: whichever is finite is closer
            return "tie" if (r != r) == (c != c) else ("reference" if c != c else "candidate")
        if c <= r * tie and r <= c * tie:
            return "tie"
        return "candidate" if c < r else "reference"


@dataclass(frozen=True)
class Timing:
    """Best-of-N seconds per phase ("forward", "backward") in each framework."""

    reference: dict[str, float]
    candidate: dict[str, float]

    def ratio(self, phase: str | None = None) -> float:
        """candidate time / reference time, for one phase or all of them."""
        phases = [phase] if phase else list(self.reference)
        ref = sum(self.reference[p] for p in phases)
        return sum(self.candidate[p] for p in phases) / ref if ref > 0 else float("nan")


@dataclass
class CaseResult:
    """One case run in one dtype."""

    case: str
    kind: str
    dtype: str
    candidate: str  # the candidate framework's name, e.g. "mini_autograd"
    checks: list[Check] = field(default_factory=list)
    accuracy: list[Accuracy] = field(default_factory=list)
    timing: Timing | None = None
    notes: list[str] = field(default_factory=list)
    detail: object = None  # kind-specific data for the case page

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    @property
    def status(self) -> str:
        """PASS, MISSING (only failures are names the candidate lacks) or FAIL."""
        failures = self.failures
        if not failures:
            return PASS
        return MISSING if all(c.missing for c in failures) else FAIL

    @property
    def missing(self) -> list[str]:
        return sorted({c.missing for c in self.failures if c.missing})

    def failure_message(self) -> str:
        """Every failed check of this run, in the report's words."""
        if not self.failures:
            return f"{self.case} ({self.dtype}): all checks within tolerance"
        lines = [f"{self.case} ({self.dtype}): {len(self.failures)} check(s) failed"]
        lines += [c.describe() for c in self.failures]
        return "\n\n".join(lines)
