"""The report folder: filtered runs merge, nothing foreign is deleted, a kill at any step of the
write leaves the old or the new report, and concurrent runs take turns."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest

pytest.importorskip("pandas")

from compare.registry import Case, RunContext  # noqa: E402
from compare.report import manifest, write  # noqa: E402
from compare.report.write import ReportError, check_out, write_reports  # noqa: E402
from compare.results import VALUE, CaseResult, Check, Timing  # noqa: E402


class Note(Case):
    """A case kind without frameworks: its page says which version of the report wrote it."""

    kind = "note"

    def __init__(self, name: str, version: str = "v1") -> None:
        self.name, self.version, self.tags = name, version, ("note",)

    def run(self, ctx: RunContext) -> CaseResult:
        raise NotImplementedError

    def page(self, results: Sequence[CaseResult]) -> str:
        return f"# {self.name} {self.version}\n" + "".join(f"{r.dtype}\n" for r in results)

    def assets(self, results: Sequence[CaseResult]) -> dict[str, str]:
        return {f"{self.name}-plot.svg": f"<svg>{self.version}</svg>"}


NAMES = ["alpha", "beta", "gamma"]
ENV = {"date": "2026-01-01 00:00 UTC", "seed": "0"}
SETTINGS = {"seed": 0, "engine": "eng", "second_order": True}


def result(name: str, dtype: str, ok: bool = True, timing: Timing | None = None) -> CaseResult:
    r = CaseResult(name, "note", dtype, "eng", timing=timing)
    r.checks = [Check("value", VALUE, ok=ok, message="" if ok else "off")]
    return r


def write_version(out: Path, version: str, names=NAMES, dtypes=("float32", "float64"), **kw):
    cases = [Note(n, version) for n in names]
    timed = kw.get("timing", {})
    results = [
        result(n, d, ok=version != "v2" or n != "beta", timing=timed.get(d))
        for n in names
        for d in dtypes
    ]
    env = {**ENV, "date": f"date of {version}"}
    return write_reports(out, cases, results, env, SETTINGS, kw.get("order", NAMES))


def snapshot(out: Path) -> dict[str, bytes]:
    if not out.exists():
        return {}
    return {
        p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
    }


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.glob(f".{out.name}.compare-*"))


# --- merging and ownership ------------------------------------------------------------------


def test_a_filtered_run_merges_its_rows_and_keeps_every_other_page(tmp_path):
    out = tmp_path / "reports"
    write_version(out, "v1")
    write_version(out, "v2", names=["beta"], dtypes=("float64",))
    files = snapshot(out)
    assert files["cases/alpha.md"] == b"# alpha v1\nfloat32\nfloat64\n"  # kept as it was
    assert files["cases/alpha-plot.svg"] == b"<svg>v1</svg>"
    assert files["cases/beta.md"].startswith(b"# beta v2\nfloat64\n")
    assert b"float32: not run this time" in files["cases/beta.md"]
    summary = files["summary.md"].decode()
    assert "**3 cases × 2 dtypes = 6 runs" in summary  # every row, not just this run's
    assert "This run produced 1 of these 6 rows; the other 5 (marked ↺)" in summary
    # a theme's table: one row per case, a cell per dtype (↺: kept from an earlier run)
    rows = re.findall(r"^\| \[(\w+)\]\(cases/\w+\.md\) +\| (.+?) +\| (.+?) +\|", summary, re.M)
    rows = [row for row in rows if not row[1].startswith("float")]  # not the failures' table
    cells = [(n, d, c) for n, *pair in rows for d, c in zip(("float32", "float64"), pair)]
    assert sorted((n, d, c.endswith("↺")) for n, d, c in cells) == [
        (n, d, not (n == "beta" and d == "float64")) for n in NAMES for d in ("float32", "float64")
    ]
    assert [(n, d) for n, d, c in cells if c.startswith("❌")] == [("beta", "float64")]
    csv = files["results.csv"].decode().splitlines()
    assert len(csv) == 1 + 6
    kept = manifest.read(out)
    assert {manifest.row_key(r) for r in kept.rows} == {
        f"{n}/{d}" for n in NAMES for d in ("float32", "float64")
    }
    assert not any(r.fresh for r in kept.rows)  # read back as rows kept from an earlier run
    assert b"date of" not in files[manifest.NAME]  # no dates: only the summary has one


def test_a_filtered_run_keeps_the_other_rows_timings(tmp_path):
    out = tmp_path / "reports"
    timed = {"float32": Timing({"forward": 1.0}, {"forward": 2.0})}
    write_version(out, "v1", timing=timed)
    write_version(out, "v2", names=["beta"], dtypes=("float64",))  # untimed this time
    rows = (out / "timing.csv").read_text().splitlines()
    assert rows[0] == "case,kind,dtype,phase,torch_seconds,candidate_seconds,ratio"
    assert sorted(rows[1:]) == [f"{n},note,float32,forward,1.0,2.0,2.0" for n in NAMES]
    assert b"forward" not in (out / manifest.NAME).read_bytes()  # timings live in the CSV only


def test_a_full_run_replaces_every_row(tmp_path):
    out = tmp_path / "r"
    write_version(out, "v1")
    write_version(out, "v2")
    assert "↺" not in (out / "summary.md").read_text()
    assert (out / "cases" / "alpha.md").read_text().startswith("# alpha v2")


def test_a_foreign_file_survives_and_only_stale_own_files_go(tmp_path):
    out = tmp_path / "r"
    write_version(out, "v1")
    (out / "bench.md").write_text("someone else's")
    (out / "cases" / "notes.txt").write_text("mine, not the harness's")
    (out / "extra").mkdir()
    (out / "extra" / "data.bin").write_bytes(b"\0\1")
    os.symlink("bench.md", out / "link.md")
    write_version(out, "v2", names=["alpha", "beta"], order=["alpha", "beta"])  # gamma is gone
    files = snapshot(out)
    assert files["bench.md"] == b"someone else's" and files["extra/data.bin"] == b"\0\1"
    assert files["cases/notes.txt"] == b"mine, not the harness's"
    assert os.readlink(out / "link.md") == "bench.md"
    assert "cases/gamma.md" not in files and "cases/gamma-plot.svg" not in files
    assert "gamma" not in files["summary.md"].decode()
    assert leftovers(out) == []


def test_writing_into_a_folder_the_harness_did_not_write_is_refused(tmp_path):
    (tmp_path / "mine.py").write_text("print('hello')")
    with pytest.raises(ReportError, match="files the harness did not write"):
        check_out(tmp_path)
    with pytest.raises(ReportError, match="did not write"):
        write_version(tmp_path, "v1")
    assert snapshot(tmp_path) == {"mine.py": b"print('hello')"}
    assert check_out(tmp_path / "new") is None and not (tmp_path / "new").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert check_out(empty) is None


def test_a_filtered_run_with_other_settings_is_refused(tmp_path):
    out = tmp_path / "r"
    write_version(out, "v1")
    with pytest.raises(ReportError, match=r"other settings \(seed 0 there, 1 now\)"):
        check_out(out, {**SETTINGS, "seed": 1}, {"beta/float64"}, set(NAMES))
    # a run that covers every row may change them
    planned = {f"{n}/{d}" for n in NAMES for d in ("float32", "float64")}
    assert check_out(out, {**SETTINGS, "seed": 1}, planned, set(NAMES)) is not None


def test_a_report_written_before_manifests_is_adopted(tmp_path):
    out = tmp_path / "reports"
    (out / "cases").mkdir(parents=True)
    (out / "summary.md").write_text("# mini_autograd vs torch: parity report\n")
    (out / "cases" / "old_case.md").write_text("old")
    (out / "bench.md").write_text("bench")
    legacy = manifest.read(out)
    assert legacy.legacy and set(legacy.files) == {"summary.md", "cases/old_case.md"}
    with pytest.raises(ReportError, match="older harness"):
        check_out(out, SETTINGS, {"alpha/float32"}, {"alpha"})
    write_version(out, "v1")
    files = snapshot(out)
    assert "cases/old_case.md" not in files and files["bench.md"] == b"bench"


# --- a kill at any step ---------------------------------------------------------------------

#: the steps of a write that move or remove folders, each a place to be killed (the files
#: written inside the staging folder are not: no reader sees them before the swap)
STEPS = [
    (os, "rename"),
    (os, "replace"),
    (write.shutil, "rmtree"),
    (write.tempfile, "mkdtemp"),
    (write, "_exchange"),
]


def killed_at(out: Path, step: int, exchange: bool) -> int:
    """Write v2 in a child process that dies (os._exit) at its `step`-th file-system step."""
    pid = os.fork()
    if pid == 0:  # the child: count the steps, die at the chosen one
        try:
            count = [0]
            if not exchange:
                write._exchange = lambda a, b: False
            for owner, name in STEPS:
                original = getattr(owner, name)

                def counted(*args, _original=original, **kwargs):
                    if count[0] == step:
                        os._exit(9)
                    count[0] += 1
                    return _original(*args, **kwargs)

                setattr(owner, name, counted)
            write_version(out, "v2", names=["beta", "gamma"], dtypes=("float64",))
            os._exit(0)
        except BaseException:  # noqa: BLE001
            os._exit(3)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2 exchange", "fallback"])
def test_a_kill_at_any_step_of_the_write_leaves_the_old_or_the_new_report(tmp_path, exchange):
    out = tmp_path / "reports"
    write_version(out, "v1")
    (out / "bench.md").write_text("not the harness's")
    old = snapshot(out)
    assert killed_at(out, 10_000, exchange) == 0
    new = snapshot(out)
    assert new != old and new["bench.md"] == b"not the harness's"
    restore = {**old}
    step = 0
    while True:
        write_version(out, "v1")  # back to the old report (this also cleans up)
        (out / "bench.md").write_text("not the harness's")
        assert snapshot(out) == restore and leftovers(out) == []
        code = killed_at(out, step, exchange)
        if code == 0:
            break
        assert code == 9
        seen = snapshot(out)
        if not seen and not exchange:
            # the fallback's one window: the old folder is set aside; the next run puts it back
            write._recover(out)
            seen = snapshot(out)
        assert seen in (old, new), f"killed at step {step}: a mix of old and new"
        step += 1
    assert step >= 4  # the kills did hit the write: probing, staging, swapping, cleaning


# --- concurrent runs ------------------------------------------------------------------------


def test_concurrent_runs_into_one_folder_take_turns(tmp_path):
    out = tmp_path / "r"
    write_version(out, "v0")
    errors: list[BaseException] = []

    def one(version: str) -> None:
        try:
            for _ in range(3):
                write_version(out, version)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(f"v{i}",)) for i in (1, 2, 3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    pages = {(out / "cases" / f"{n}.md").read_text().split()[2] for n in NAMES}
    assert len(pages) == 1 and pages <= {"v1", "v2", "v3"}  # one run's report, whole
    assert leftovers(out) == []


def test_a_symlinked_out_is_written_through_its_link(tmp_path):
    target = tmp_path / "real"
    link = tmp_path / "reports"
    write_version(target, "v1")
    os.symlink(target, link)
    write_version(link, "v2")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert (link / "cases" / "alpha.md").read_text().startswith("# alpha v2")
    assert leftovers(target) == [] and leftovers(link) == []
