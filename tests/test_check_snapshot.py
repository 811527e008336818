"""What `dllm-kg check` reports on the bundled list: reviewed by hand, and kept as a snapshot.

The snapshot (tests/snapshots/awesome-distributed-LLM.check.txt) holds every finding as the
text report prints it, so that any change in what is reported, or how, shows as a diff.
After a change that is meant to alter the findings, review the new ones and rewrite it::

    DLLM_KG_UPDATE_SNAPSHOT=1 .venv/bin/python -m pytest tests/test_check_snapshot.py

``test_reviewed_findings`` does not depend on the snapshot: it states, row by row, the
defects a careful reader finds in the list, checked against the list itself.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from dllm_kg.pipeline import CheckResult, check
from dllm_kg.records import Severity

SNAPSHOT = Path(__file__).parent / "snapshots" / "awesome-distributed-LLM.check.txt"
#: Set to 1 to rewrite the snapshot from what the check reports now.
UPDATE = os.environ.get("DLLM_KG_UPDATE_SNAPSHOT") == "1"

V, W, I = Severity.VIOLATION, Severity.WARNING, Severity.INFO  # noqa: E741


def line(table: str, row: int) -> int:
    """The line of a row of the bundled list: its tables' first rows are at lines 35, 141, 159."""
    return {"I": 34, "II": 140, "III": 158}[table] + row


#: The defects of data/awesome-distributed-LLM.md, found by reading it: (line, severity, code).
REVIEWED: set[tuple[int, Severity, str]] = {
    # Eight arXiv ids are each the link of two different papers (table I): 2305.05920 (rows 2,
    # 7), 2406.02613 (3, 4), 2406.04845 (15, 24), 2409.15723 (17, 18), 2406.09831 (19, 36),
    # 2406.10630 (21, 23), 2403.06131 (26, 27), 2310.17491 (29, 30; row 30 without ".pdf").
    *((line("I", row), V, "shared-identifier")
      for row in (2, 7, 3, 4, 15, 24, 17, 18, 19, 36, 21, 23, 26, 27, 29, 30)),
    # Code links to a GitHub account instead of a repository (table I) ...
    *((line("I", row), W, "code-not-repository") for row in (2, 3, 7, 8, 10, 11, 12, 20, 29, 31)),
    # ... and to project pages (table II: LLaVA's llava-vl.github.io, minigpt-4.github.io).
    (line("II", 4), W, "code-not-repository"),
    (line("II", 5), W, "code-not-repository"),
    # Two of those accounts are each given for two papers: rows 2 and 3, rows 10 and 11.
    *((line("I", row), W, "shared-repository") for row in (2, 3, 10, 11)),
    # Three papers are listed twice: I.25 and II.12; I.74 and I.99; I.100 and II.6.
    (line("I", 25), W, "listed-twice"),
    (line("I", 74), W, "listed-twice"),
    (line("I", 100), W, "listed-twice"),
    # Row 74's link is [Link]([arXiv](IEEE)); the reader takes the IEEE page, as row 99 has.
    (line("I", 74), W, "nested-link"),
    # Model names that do not match their links: 'inyBERT' (TinyBERT), 'MiniCPM-1.2B' linked
    # to MiniCPM-V-2_6, an 8B vision-language model.
    (line("III", 6), W, "model-name-mismatch"),
    (line("III", 21), W, "model-name-mismatch"),
    # Tracking parameters removed: casa_token on IEEE links, utm_source on Gemini Nano's.
    *((line("I", row), I, "tracking-parameter") for row in (1, 28, 45, 74, 90, 96, 99)),
    (line("III", 11), I, "tracking-parameter"),
    # Claude Instant's size is '<=1B', only a bound.
    (line("III", 12), I, "size-bound"),
}  # fmt: skip


@pytest.fixture(scope="module")
def bundled_check() -> CheckResult:
    return check()


def test_reviewed_findings(bundled_check: CheckResult) -> None:
    found = sorted((f.line, f.severity, f.code) for f in bundled_check.findings)
    assert len(found) == len(set(found)), "a defect is reported twice"
    assert found == sorted(REVIEWED)
    assert bundled_check.conforms is False


def test_snapshot(bundled_check: CheckResult) -> None:
    now = "".join(f"{finding}\n" for finding in bundled_check.findings)
    if UPDATE:
        SNAPSHOT.write_text(now, encoding="utf-8")
        pytest.skip(f"rewrote {SNAPSHOT.name}; review it with git diff")
    before = SNAPSHOT.read_text(encoding="utf-8")
    diff = "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            now.splitlines(keepends=True),
            "snapshot",
            "now",
        )
    )
    assert not diff, (
        f"the findings on the bundled list changed:\n{diff}\nIf this is meant, review and run: "
        "DLLM_KG_UPDATE_SNAPSHOT=1 .venv/bin/python -m pytest tests/test_check_snapshot.py"
    )
