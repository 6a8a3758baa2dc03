"""The environment header every report starts with (the comparison run and the benchmarks)."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sys
from collections.abc import Mapping
from datetime import datetime, timezone

from .tolerances import describe_defaults


def package_version(name: str) -> str:
    """The version of an installed package, preferring an already imported module's own."""
    module = sys.modules.get(name)
    if module is not None and isinstance(getattr(module, "__version__", None), str):
        return module.__version__
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def environment(
    seed: int | None = None,
    candidate: str = "mini_autograd",
    candidate_version: str = "",
    **extra: str,
) -> dict[str, str]:
    """Date, versions, machine, seed and tolerances, as ordered (label, text) pairs."""
    env = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "numpy": package_version("numpy"),
        "torch": package_version("torch"),
        candidate: candidate_version or package_version(candidate),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
    }
    torch = sys.modules.get("torch")
    if torch is not None:
        env["torch threads"] = str(torch.get_num_threads())
    if seed is not None:
        env["seed"] = str(seed)
    env["tolerances"] = describe_defaults()
    env.update(extra)
    return env


def header(env: Mapping[str, str]) -> str:
    """The environment as a two-column markdown table."""
    rows = ["| environment | |", "|:--|:--|"]
    rows += [f"| {key} | {value} |" for key, value in env.items()]
    return "\n".join(rows)
