"""#14, item 8 and the interrupt tests: Ctrl-C is one line and exit 130 at any moment, and a
build stopped at any stage (Ctrl-C or SIGKILL) leaves the earlier output byte-identical.

No test waits on a clock. Each runs the real command line in a child process that stops at
a chosen moment and says so on stdout (an import hook while the command line loads; the
build's own stage callback during a build), blocked until the test has sent its signal.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from dllm_kg.pipeline import STAGES
from tests.conftest import DATA
from tests.issues.lists import tree

#: Run the console script's `main` with a stop at one moment: the import of `typer` (while
#: the command line loads), or one stage of the build.
HARNESS = r"""
import sys
from contextlib import contextmanager

moment, *args = sys.argv[1:]


def wait_here():
    print("at", moment, flush=True)
    sys.stdin.read()  # until the test's signal (stdin never closes first)


class StopAtImport:
    def find_spec(self, name, path=None, target=None):
        if name == "typer" and moment == "import":
            wait_here()
        return None


sys.meta_path.insert(0, StopAtImport())
from dllm_kg.console import main  # the console script's own first line
import dllm_kg.console as console

if moment != "import":
    import dllm_kg.cli as cli

    @contextmanager
    def progress():
        yield lambda stage: wait_here() if stage == moment else None

    cli.build_progress = progress
sys.argv = ["dllm-kg", *args]
main()
"""
EARLIER = DATA / "custom-list.md"
LATER = DATA / "svc-unicode-titles.md"


def stopped_at(moment: str, signum: int, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run ``dllm-kg ARGS``, stopped at ``moment``, and send it ``signum`` there."""
    process = subprocess.Popen(
        [sys.executable, "-c", HARNESS, moment, *map(str, args)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline() == f"at {moment}\n"
    process.send_signal(signum)
    out, err = process.communicate()
    assert process.stdin is not None
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def test_ctrl_c_while_the_command_line_loads_is_one_line_and_exit_130() -> None:
    result = stopped_at("import", signal.SIGINT, "query", "--list")
    assert (result.returncode, result.stdout, result.stderr) == (130, "", "dllm-kg: interrupted\n")


@pytest.fixture(scope="module")
def earlier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build folder of an earlier build (of another list), copied for each test."""
    out = tmp_path_factory.mktemp("earlier") / "dist"
    subprocess.run(
        [sys.executable, "-m", "dllm_kg", "build", str(EARLIER), "-o", str(out)],
        check=True,
        capture_output=True,
    )
    return out


def build_stopped(
    earlier: Path, tmp_path: Path, stage: str, signum: int
) -> tuple[Path, dict[str, bytes], subprocess.CompletedProcess[str]]:
    """A copy of the earlier build folder, its files, and a build of LATER into it stopped by
    ``signum`` at ``stage``."""
    out = tmp_path / "dist"
    subprocess.run(["cp", "-a", str(earlier), str(out)], check=True)
    before = tree(out)
    return out, before, stopped_at(stage, signum, "build", LATER, "-o", out)


@pytest.mark.parametrize("stage", STAGES)
def test_ctrl_c_at_any_stage_of_a_build_leaves_the_earlier_output_as_it_was(
    stage: str, earlier: Path, tmp_path: Path
) -> None:
    out, before, result = build_stopped(earlier, tmp_path, stage, signal.SIGINT)
    assert result.returncode == 130
    assert result.stderr == "dllm-kg: interrupted\n"
    assert tree(out) == before  # every file, the manifest included; no staging left behind


@pytest.mark.parametrize("stage", STAGES)
def test_a_build_killed_at_any_stage_leaves_the_earlier_output_and_the_next_build_completes(
    stage: str, earlier: Path, tmp_path: Path
) -> None:
    out, before, result = build_stopped(earlier, tmp_path, stage, signal.SIGKILL)
    assert result.returncode == -signal.SIGKILL
    after = tree(out)
    assert {name: after[name] for name in before} == before
    assert all(name.startswith(".dllm-kg-staging") for name in set(after) - set(before))
    rebuilt = subprocess.run(
        [sys.executable, "-m", "dllm_kg", "build", str(LATER), "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert not any(name.startswith(".dllm-kg-staging") for name in tree(out))


def test_a_first_build_interrupted_as_it_writes_leaves_no_folder(tmp_path: Path) -> None:
    result = stopped_at("write", signal.SIGINT, "build", LATER, "-o", tmp_path / "dist")
    assert (result.returncode, result.stderr) == (130, "dllm-kg: interrupted\n")
    assert list(tmp_path.iterdir()) == []
