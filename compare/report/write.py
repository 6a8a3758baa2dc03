"""Write a report folder whole, in one step, touching nothing the harness did not write.

The new report is built in a sibling folder `.<out>.compare-new-*` (this run's files, the pages
of cases carried over from the previous report, and a hard link to every file of `out` the
harness does not own), then swapped with `out` in one system call (Linux renameat2 with
RENAME_EXCHANGE): a reader sees the old folder or the new one, whenever the process dies. Where
that call is missing, two renames are the fallback; a run killed between them leaves the old
folder as `.<out>.compare-old-*`, which the next run puts back. Runs into one folder take turns
(a lock on its parent); each removes the leftovers of killed runs before it writes.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..registry import Case
from ..results import CaseResult
from ..tolerances import DTYPES
from . import data, manifest, summary
from .manifest import Manifest, row_key

#: what a comparison run writes inside the output folder; anything else there is left alone
SUMMARY, CSV, PAGES = "summary.md", "results.csv", "cases"
#: the volatile timings (they change on every run; nothing else does, for a given seed)
TIMING_CSV = summary.TIMING_CSV
#: sibling folders of `out` the harness creates (and removes when a run left them behind)
NEW, OLD, PROBE = "compare-new", "compare-old", "compare-probe"


class ReportError(Exception):
    """`--out` cannot take the report: a usage error (exit 2), found before anything is written."""


# --- before the run: is `out` a place for a report? -----------------------------------------


def check_out(
    out: Path,
    settings: Mapping[str, Any] | None = None,
    planned: set[str] | None = None,
    known: set[str] | None = None,
) -> Manifest | None:
    """The report already in `out` (None if none); ReportError if `out` cannot take this run.

    `planned`: the "case/dtype" rows this run will produce; `known`: every case that exists.
    Refused: `out` is a file or cannot be written; it is a non-empty folder the harness did not
    write; or this run would merge rows into a report made with other settings.
    """
    out = _real(out)
    if out.exists() and not out.is_dir():
        raise ReportError(f"--out {out} is a file, not a folder")
    parent = _existing_ancestor(out)
    if not parent.is_dir():
        raise ReportError(f"--out {out}: {parent} is not a folder")
    _probe(parent if not out.exists() else out.parent, out)
    if not out.exists():
        return None
    _probe(out, out)
    try:
        existing = manifest.read(out)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ReportError(f"--out {out}: cannot read its manifest {manifest.NAME}: {exc}") from exc
    if existing is None and any(out.iterdir()):
        raise ReportError(
            f"--out {out} is a folder with files the harness did not write (no "
            f"{manifest.NAME}); refusing to write there: choose a new or empty folder"
        )
    if existing is not None and planned is not None:
        _check_merge(out, existing, dict(settings or {}), planned, known)
    return existing


def _check_merge(
    out: Path,
    existing: Manifest,
    settings: dict[str, Any],
    planned: set[str],
    known: set[str] | None,
) -> None:
    if existing.legacy and known is not None:
        everything = {f"{name}/{dtype}" for name in known for dtype in DTYPES}
        if not everything <= planned:
            raise ReportError(
                f"--out {out} was written by an older harness (no {manifest.NAME}), so a "
                "filtered run cannot merge into it: run every case once, or choose another --out"
            )
    carried = _carried(existing, planned, known)
    if not carried:
        return
    if existing.legacy:
        raise ReportError(
            f"--out {out} was written by an older harness (no {manifest.NAME}), so a filtered "
            "run cannot merge into it: run every case once, or choose another --out"
        )
    differ = {
        k: (existing.settings.get(k), v)
        for k, v in settings.items()
        if existing.settings.get(k) != v
    }
    if differ:
        what = ", ".join(f"{k} {old!r} there, {new!r} now" for k, (old, new) in differ.items())
        raise ReportError(
            f"--out {out} holds {len(carried)} rows made with other settings ({what}); a "
            "filtered run would mix them: run every case, use the same settings, or another --out"
        )


def _carried(existing: Manifest, planned: set[str], known: set[str] | None) -> list[CaseResult]:
    """The previous report's rows this run keeps: other cases' and dtypes', still registered."""
    return [
        r for r in existing.rows if row_key(r) not in planned and (known is None or r.case in known)
    ]


def _real(out: Path) -> Path:
    """An absolute path; a symlinked folder by its target, which is what gets swapped."""
    return Path(os.path.realpath(out)) if out.is_symlink() else Path(os.path.abspath(out))


def _existing_ancestor(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _probe(folder: Path, out: Path) -> None:
    """Create and remove a folder in `folder`: the only sure test that the run can write there."""
    try:
        probe = Path(tempfile.mkdtemp(prefix=f".{out.name}.{PROBE}-", dir=folder))
        with contextlib.suppress(FileNotFoundError):  # a run cleaning leftovers took it
            probe.rmdir()
    except OSError as exc:
        raise ReportError(f"--out {out}: cannot write in {folder}: {exc.strerror}") from exc


# --- the write ------------------------------------------------------------------------------


def write_reports(
    out: Path,
    cases: Sequence[Case],
    results: Sequence[CaseResult],
    env: Mapping[str, str],
    settings: Mapping[str, Any] | None = None,
    order: Sequence[str] | None = None,
) -> Path:
    """Write summary.md (and its chart), results.csv, timing.csv and cases/<name>.md into `out`;
    returns the summary's path.

    Rows of the previous report for other cases or dtypes are kept (marked not fresh), as are
    their pages, so a filtered run leaves the report whole; `order` names every case that
    exists, in registry order (rows of cases not in it are dropped). Raises ReportError if
    `out` cannot take the report; on any failure `out` is as it was.
    """
    out = _real(out)
    settings = dict(settings or {})
    order = list(order) if order is not None else _registry_order(cases)
    with _locked(out.parent if out.parent.exists() else _existing_ancestor(out)):
        _recover(out)
        planned = {row_key(r) for r in results}
        existing = check_out(out, settings, planned, set(order))
        carried = _carried(existing, planned, set(order)) if existing else []
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.{NEW}-", dir=out.parent))
        try:
            new = _render(staging, out, cases, results, carried, existing, env, settings, order)
            linked = _link_foreign(out, staging, manifest.owned(existing)) if existing else {}
            (staging / manifest.NAME).write_text(new.dumps(), encoding="utf-8")
            os.chmod(staging, _mode(out))
            swapped = _swap(staging, out)
            if swapped is not None:
                old, trash = swapped
                _rescue_foreign(old, out, manifest.owned(existing), linked)
                shutil.rmtree(trash, ignore_errors=True)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return out / SUMMARY


def _registry_order(cases: Sequence[Case]) -> list[str]:
    from .. import registry

    names = [c.name for c in registry.all_cases()]
    return names + [c.name for c in cases if c.name not in set(names)]


def _render(
    staging: Path,
    out: Path,
    cases: Sequence[Case],
    results: Sequence[CaseResult],
    carried: Sequence[CaseResult],
    existing: Manifest | None,
    env: Mapping[str, str],
    settings: Mapping[str, Any],
    order: Sequence[str],
) -> Manifest:
    """This run's pages, the carried cases' old pages, summary.md and results.csv."""
    pages = staging / PAGES
    pages.mkdir()
    new = Manifest(settings=dict(settings), order=list(order))
    by_case: dict[str, list[CaseResult]] = {}
    for r in results:
        by_case.setdefault(r.case, []).append(r)
    carried_by_case: dict[str, list[CaseResult]] = {}
    for r in carried:
        carried_by_case.setdefault(r.case, []).append(r)
    for case in cases:
        mine = by_case.get(case.name, [])
        files = {f"{case.name}.md": case.page(mine) + _earlier(carried_by_case.get(case.name))}
        for file_name, content in case.assets(mine).items():
            files[file_name] = content
        for file_name, content in files.items():
            (pages / file_name).write_text(content, encoding="utf-8")
        new.pages[case.name] = [f"{PAGES}/{f}" for f in files]
    run_names = {c.name for c in cases}
    for name in dict.fromkeys(r.case for r in carried):
        if name in run_names:
            continue
        kept = existing.pages.get(name, []) if existing else []
        for rel in kept:
            if (out / rel).is_file():
                _link_or_copy(out / rel, staging / rel)
        new.pages[name] = kept
    rows = _in_order(list(results) + list(carried), order)
    new.rows = rows
    assets = summary.assets(rows, order)
    for name, content in assets.items():
        (staging / name).write_text(content, encoding="utf-8")
    (staging / SUMMARY).write_text(summary.render(rows, env, order), encoding="utf-8")
    data.frame(rows).to_csv(staging / CSV, index=False)
    timing = data.timing_frame(results)
    if carried:  # their timings are not in the manifest (it is stable): the old file has them
        timing = data.carried_timing(timing, out / TIMING_CSV, {row_key(r) for r in carried})
    timing = timing.iloc[_sorted_by_row(timing, order)]
    timing.to_csv(staging / TIMING_CSV, index=False)
    new.files = [SUMMARY, CSV, TIMING_CSV, *assets]
    new.files += [f for fs in new.pages.values() for f in fs]
    return new


def _rank(order: Sequence[str]) -> Callable[[str, str], tuple[int, int, str, str]]:
    """The sort key of a (case, dtype) row: registry order, then DTYPES order."""
    case_at = {name: i for i, name in enumerate(order)}
    dtype_at = {d: i for i, d in enumerate(DTYPES)}

    def key(case: str, dtype: str) -> tuple[int, int, str, str]:
        return (case_at.get(case, len(case_at)), dtype_at.get(dtype, len(dtype_at)), case, dtype)

    return key


def _in_order(rows: Sequence[CaseResult], order: Sequence[str]) -> list[CaseResult]:
    """The rows in the order of a full run, whichever run produced them: a filtered run then
    rewrites results.csv and the manifest only where its rows changed."""
    key = _rank(order)
    return sorted(rows, key=lambda r: key(r.case, r.dtype))


def _sorted_by_row(table: Any, order: Sequence[str]) -> list[int]:
    """The positions of a table with case and dtype columns in `_in_order`'s order (stable)."""
    key = _rank(order)
    pairs = list(zip(table["case"].astype(str), table["dtype"].astype(str), strict=True))
    return sorted(range(len(pairs)), key=lambda i: key(*pairs[i]))


def _earlier(rows: Sequence[CaseResult] | None) -> str:
    """A note on a page whose case also has rows from an earlier run (other dtypes)."""
    if not rows:
        return ""
    dtypes = ", ".join(sorted(r.dtype for r in rows))
    return (
        f"\n{dtypes}: not run this time; the summary shows its row from an earlier run "
        "(run the case in every dtype to see them here).\n"
    )


# --- files the harness did not write --------------------------------------------------------


def _link_foreign(out: Path, staging: Path, owned: set[str]) -> dict[str, tuple[int, int]]:
    """Hard-link (or copy) every file of `out` the harness does not own into the staging folder;
    returns what each was, (inode, mtime), to notice a change before the swap."""
    linked = {}
    for root, dirs, files in os.walk(out):
        rel_root = Path(root).relative_to(out)
        for d in list(dirs):
            source, target = Path(root) / d, staging / rel_root / d
            if source.is_symlink():  # a link to a folder: linked as it is, not entered
                dirs.remove(d)
                if (rel_root / d).as_posix() not in owned:
                    os.symlink(os.readlink(source), target)
            elif not target.exists():
                target.mkdir()
                shutil.copystat(source, target)
        for f in files:
            rel = (rel_root / f).as_posix()
            if rel in owned:
                continue
            source = Path(root) / f
            st = source.lstat()
            _link_or_copy(source, staging / rel)
            linked[rel] = (st.st_ino, st.st_mtime_ns)
    return linked


def _rescue_foreign(
    old: Path, out: Path, owned: set[str], linked: Mapping[str, tuple[int, int]]
) -> None:
    """Foreign files written into the old folder while the report was being built: move them
    into the new one, so the swap loses nothing of anyone else's."""
    for root, _, files in os.walk(old):
        for f in files:
            source = Path(root) / f
            rel = source.relative_to(old).as_posix()
            if rel in owned:
                continue
            st = source.lstat()
            if linked.get(rel) == (st.st_ino, st.st_mtime_ns):
                continue
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, out / rel)


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_symlink():
        os.symlink(os.readlink(source), target)
        return
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _mode(out: Path) -> int:
    """The folder's permissions: the old folder's, or the umask's default for a new one."""
    if out.is_dir():
        return out.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o777 & ~umask


# --- the swap -------------------------------------------------------------------------------

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    done = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _swap(staging: Path, out: Path) -> tuple[Path, Path] | None:
    """Put `staging` at `out`; returns where the old folder went and what to remove (None if
    there was no old folder)."""
    if not out.exists():
        os.rename(staging, out)
        return None
    if _exchange(staging, out):
        return staging, staging
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.{OLD}-", dir=out.parent))
    os.rename(out, old / "report")  # a kill here leaves it in `old`: _recover puts it back
    os.rename(staging, out)
    return old / "report", old


def _recover(out: Path) -> None:
    """Undo what killed runs left: put back a folder the fallback swap moved away, and remove
    every leftover sibling `.<out>.compare-*` (the caller holds the lock: none is in use)."""
    leftovers = sorted(out.parent.glob(f".{out.name}.compare-*"))
    if not out.exists():
        for old in (p for p in leftovers if p.name.startswith(f".{out.name}.{OLD}-")):
            if (old / "report").is_dir():
                os.rename(old / "report", out)
                break
    for path in leftovers:
        shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on `folder` (its parent): concurrent runs into `out` take turns."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for another run writing into {folder} ...", file=sys.stderr)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
