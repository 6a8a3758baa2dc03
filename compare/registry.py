"""The registry of comparison cases: the one source for the CLI, the reports and pytest.

A case is anything implementing `Case`. Function cases (`compare.function_case`) are the usual
kind; another kind (e.g. training trajectories) subclasses `Case` with its own `run` and `page`,
and registers its instances from a module in `compare/cases/`, which `discover()` imports.
"""

from __future__ import annotations

import difflib
import fnmatch
import importlib
import pkgutil
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import ModuleType

from .results import CaseResult


@dataclass(frozen=True)
class RunContext:
    """Everything a case needs to run once: the two frameworks, the dtype and the options."""

    candidate: ModuleType  # the framework under test, e.g. mini_autograd
    reference: ModuleType  # torch
    dtype: str
    seed: int = 0
    second_order: bool = True
    timing: bool = True

    @property
    def candidate_name(self) -> str:
        return self.candidate.__name__


class Case(ABC):
    """A comparison case: runs in both frameworks for one dtype, and renders its page."""

    name: str
    tags: tuple[str, ...] = ()
    kind: str = "case"
    title: str = ""  # one line saying what the case computes

    @abstractmethod
    def run(self, ctx: RunContext) -> CaseResult:
        """Run the case in ctx.dtype in both frameworks and compare everything."""

    @abstractmethod
    def page(self, results: Sequence[CaseResult]) -> str:
        """The case's markdown page (without the environment header), from its runs."""

    def assets(self, results: Sequence[CaseResult]) -> dict[str, str]:
        """Extra files the page links to (file name -> text), written next to it: e.g. a plot."""
        return {}


_CASES: dict[str, Case] = {}
_discovered = False


def register(case: Case) -> Case:
    """Add a case; names are unique."""
    if case.name in _CASES:
        raise ValueError(f"a case named {case.name!r} is already registered")
    _CASES[case.name] = case
    return case


def discover() -> None:
    """Import every module of compare/cases/ (each registers its cases), once."""
    global _discovered
    if _discovered:
        return
    from . import cases

    for info in sorted(pkgutil.iter_modules(cases.__path__), key=lambda m: m.name):
        importlib.import_module(f"{cases.__name__}.{info.name}")
    _discovered = True


def all_cases() -> list[Case]:
    """Every registered case, in module then definition order."""
    discover()
    return list(_CASES.values())


def get(name: str) -> Case:
    discover()
    return _CASES[name]


def matches(case: Case, pattern: str) -> bool:
    """A glob matches the name; a plain word matches a name containing it or an equal tag."""
    if any(ch in pattern for ch in "*?["):
        return fnmatch.fnmatchcase(case.name, pattern)
    return pattern in case.name or pattern in case.tags


def select(patterns: Iterable[str]) -> tuple[list[Case], list[str]]:
    """Cases matching any pattern (all cases when none), and the patterns that matched nothing."""
    cases = all_cases()
    patterns = [p.strip() for item in patterns for p in item.split(",") if p.strip()]
    if not patterns:
        return cases, []
    unknown = [p for p in patterns if not any(matches(c, p) for c in cases)]
    return [c for c in cases if any(matches(c, p) for p in patterns)], unknown


def suggestions(pattern: str, n: int = 3) -> list[str]:
    """Case names and tags that look like `pattern`, for an error message."""
    words = sorted({c.name for c in all_cases()} | {t for c in all_cases() for t in c.tags})
    return difflib.get_close_matches(pattern.strip("*?[]"), words, n=n, cutoff=0.5)
