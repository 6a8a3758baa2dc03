"""The registry of comparison cases: the one source for the CLI, the reports and pytest.

A case is anything implementing `Case`. Function cases (`compare.function_case`) are the usual
kind; another kind (e.g. training trajectories) subclasses `Case` with its own `run` and `page`,
and registers its instances from a module in `compare/cases/`, which `discover()` imports.
"""

from __future__ import annotations

import difflib
import fnmatch
import importlib
import importlib.util
import pkgutil
import traceback
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
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
_BROKEN: list[BrokenModule] = []
_discovered = False


@dataclass(frozen=True)
class BrokenModule:
    """A module of compare/cases/ that failed to import: where, and what it raised."""

    module: str
    file: str
    line: int
    error: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: cannot import {self.module}: {self.error}"


def register(case: Case) -> Case:
    """Add a case; names are unique."""
    if case.name in _CASES:
        raise ValueError(f"a case named {case.name!r} is already registered")
    _CASES[case.name] = case
    return case


def discover() -> None:
    """Import every module of compare/cases/ (each registers its cases), once.

    A module that fails to import is recorded (`broken_modules()`), and the others still load.
    """
    global _discovered
    if _discovered:
        return
    from . import cases

    for info in sorted(pkgutil.iter_modules(cases.__path__), key=lambda m: m.name):
        name = f"{cases.__name__}.{info.name}"
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - a broken case module must not break the rest
            _BROKEN.append(_broken(name, exc))
    _discovered = True


def _broken(module: str, exc: Exception) -> BrokenModule:
    """Where in the module's own file it failed (the deepest frame there), or where it raised."""
    spec = importlib.util.find_spec(module)
    path = spec.origin if spec and spec.origin else module
    error = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, SyntaxError) and exc.filename:
        return BrokenModule(module, _shown(exc.filename), exc.lineno or 0, error)
    frames = traceback.extract_tb(exc.__traceback__)
    own = [f for f in frames if f.filename == path] or frames[-1:]
    line = (own[-1].lineno or 0) if own else 0
    return BrokenModule(module, _shown(own[-1].filename if own else path), line, error)


def _shown(path: str) -> str:
    """A path relative to the working directory when it is inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return path


def broken_modules() -> list[BrokenModule]:
    """The case modules that failed to import."""
    discover()
    return list(_BROKEN)


def all_cases() -> list[Case]:
    """Every registered case, in module then definition order."""
    discover()
    return list(_CASES.values())


def get(name: str) -> Case:
    discover()
    return _CASES[name]


#: the prefix of a pattern that selects by tag only
TAG = "tag:"


def matches(case: Case, pattern: str) -> bool:
    """`tag:T` matches a tag; a glob (`*?[`) matches the name; a plain word a name containing it
    or an equal tag. (`select` tries an exact name first.)"""
    if pattern.startswith(TAG):
        return pattern[len(TAG) :] in case.tags
    if any(ch in pattern for ch in "*?["):
        return fnmatch.fnmatchcase(case.name, pattern)
    return pattern in case.name or pattern in case.tags


def split_patterns(patterns: Iterable[str]) -> list[str]:
    return [p.strip() for item in patterns for p in item.split(",") if p.strip()]


def select(patterns: Iterable[str]) -> tuple[list[Case], list[str]]:
    """Cases matching any pattern (all cases when none), and the patterns that matched nothing.

    A pattern equal to a case's name selects exactly that case; otherwise see `matches`.
    """
    cases = all_cases()
    patterns = split_patterns(patterns)
    if not patterns:
        return cases, []
    names = {c.name for c in cases}

    def hit(case: Case, pattern: str) -> bool:
        return case.name == pattern if pattern in names else matches(case, pattern)

    unknown = [p for p in patterns if not any(hit(c, p) for c in cases)]
    return [c for c in cases if any(hit(c, p) for p in patterns)], unknown


def tag_counts() -> dict[str, int]:
    """Every tag with the number of cases that have it, by name."""
    counts: dict[str, int] = {}
    for c in all_cases():
        for t in c.tags:
            counts[t] = counts.get(t, 0) + 1
    return dict(sorted(counts.items()))


def suggestions(pattern: str, n: int = 3) -> list[str]:
    """Case names and tags that look like `pattern`, for an error message."""
    if pattern.startswith(TAG):
        words = sorted(tag_counts())
        close = difflib.get_close_matches(pattern[len(TAG) :], words, n=n, cutoff=0.5)
        return [TAG + w for w in close]
    words = sorted({c.name for c in all_cases()} | {t for c in all_cases() for t in c.tags})
    return difflib.get_close_matches(pattern.strip("*?[]"), words, n=n, cutoff=0.5)
