"""What a case run produces, whatever its kind: checks, accuracy, timing, status."""

from __future__ import annotations

from dataclasses import dataclass, field

from .metrics import Diff

#: check categories, each a column of the summary table
VALUE, GRAD, SECOND, FD = "value", "grad", "2nd order", "finite differences"
CATEGORIES = (VALUE, GRAD, SECOND, FD)

# --- the status of one case in one dtype: exactly one of these ------------------------------
PASS = "pass"  # every value, gradient and 2nd-order gradient within tolerance
EXPECTED_ERROR = "expected error"  # the case declares raises=E and both frameworks raised an E
FAIL = "fail"  # a compared quantity differs (value, dtype, shape), or the expected error differs
ERROR = "error"  # an exception where the case expects none, in torch, the candidate or both
MISSING = "missing"  # the only failures are torch names the candidate does not provide
TIMEOUT = "timeout"  # the case did not finish within the time limit (--timeout)
INAPPLICABLE = "not applicable"  # the engine (adapter) declares it cannot run this case

#: every status, with its meaning in one line (the README and the summary legend say the same)
STATUSES: dict[str, str] = {
    PASS: "every value, gradient and second-order gradient within tolerance",
    EXPECTED_ERROR: "the case expects an error and both frameworks raised that exception type",
    FAIL: "something is out of tolerance, has another dtype or shape, or the expected error "
    "was not raised alike",
    ERROR: "an exception where the case expects none (see error_side: torch, the candidate, "
    "both, or the case itself)",
    MISSING: "the only failures are torch names the candidate lacks",
    TIMEOUT: "the case did not finish within the time limit",
    INAPPLICABLE: "the engine declares it cannot run this case",
}
#: statuses that count as agreement: the run exits 0 when every row has one of them
OK_STATUSES = frozenset({PASS, EXPECTED_ERROR, INAPPLICABLE})
#: the summary's order: what needs attention first
STATUS_ORDER = (ERROR, FAIL, TIMEOUT, MISSING, EXPECTED_ERROR, PASS, INAPPLICABLE)

# --- who raised, for ERROR (Check.error and CaseResult.error_side) -------------------------
REFERENCE_SIDE = "reference"  # torch raised: the case is broken, or torch rejects its inputs
CANDIDATE_SIDE = "candidate"  # only the candidate raised: the candidate is broken
BOTH_SIDES = "both"  # both raised although the case expects no error: the case is broken
CASE_SIDE = "case"  # the case returned something the harness cannot compare, or the harness failed
ERROR_SIDES = (REFERENCE_SIDE, CANDIDATE_SIDE, BOTH_SIDES, CASE_SIDE)


@dataclass(frozen=True)
class Check:
    """One compared quantity of one run, e.g. the gradient of input x."""

    quantity: str  # "value", "grad x", "2nd order x", "grad x vs finite differences", ...
    category: str  # one of CATEGORIES
    ok: bool
    diff: Diff | None = None
    message: str = ""  # why it failed, or a note, in the report's words
    missing: str = ""  # the torch name the candidate does not provide, if that is why
    error: str = ""  # one of ERROR_SIDES when the check failed because of an unexpected exception

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
    expects: str = ""  # the exception type the case declares (raises=), "" when none
    verdict: str = ""  # TIMEOUT or INAPPLICABLE, set by whoever decided it; else derived
    fresh: bool = True  # False for a row carried over from an earlier run into a merged report

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    @property
    def status(self) -> str:
        """One of STATUSES: the verdict if set, else derived from the checks."""
        if self.verdict:
            return self.verdict
        failures = self.failures
        if not failures:
            return EXPECTED_ERROR if self.expects else PASS
        if all(c.missing for c in failures):
            return MISSING
        return ERROR if any(c.error for c in failures) else FAIL

    @property
    def ok(self) -> bool:
        """Whether this row counts as agreement (exit status 0)."""
        return self.status in OK_STATUSES

    @property
    def error_side(self) -> str:
        """For ERROR: who raised (one of ERROR_SIDES, the first failing check's); else ""."""
        if self.status != ERROR:
            return ""
        return next(c.error for c in self.failures if c.error)

    @property
    def missing(self) -> list[str]:
        return sorted({c.missing for c in self.failures if c.missing})

    def failure_message(self) -> str:
        """Every failed check of this run, in the report's words."""
        if self.verdict:
            return f"{self.case} ({self.dtype}): {self.verdict}: " + "; ".join(self.notes)
        if not self.failures:
            return f"{self.case} ({self.dtype}): all checks within tolerance"
        lines = [f"{self.case} ({self.dtype}): {len(self.failures)} check(s) failed"]
        lines += [c.describe() for c in self.failures]
        return "\n\n".join(lines)
