"""Work a build runs beside its own: storing the graph and writing its downloads.

For a large graph the jobs run one after the other in one helper process
(``python -m dllm_kg.beside JOBS``), on the machine's other core, while the build checks and
draws the graph; for a small graph they run in the build's own process, where starting
another would cost more than it saves. Either way a job reads the graph's sorted N-Triples
from a file and writes into a folder of its own; both live until the block ends.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from dllm_kg.errors import DllmKgError

#: What the helper process prints when a job is done, before the job's name.
DONE = "done "
#: What the helper process prints before its error message.
ERROR = "dllm-kg: error: "


class Beside:
    """Jobs on one graph's N-Triples: ``(name, *arguments)``, run in this order.

    :param parallel: run them in a helper process (else here, as the block starts).
    """

    def __init__(self, ntriples: bytes, jobs: Sequence[tuple[str, ...]], parallel: bool) -> None:
        self.ntriples = ntriples
        self.jobs = list(jobs)
        self.parallel = parallel
        self._process: subprocess.Popen[str] | None = None
        self._done: set[str] = set()

    def __enter__(self) -> Beside:
        self._folder = tempfile.TemporaryDirectory(prefix="dllm-kg-build-")
        work = Path(self._folder.name)
        (work / "graph.nt").write_bytes(self.ntriples)
        self.folders = {name: work / name for name, *_ in self.jobs}
        plan = {
            "ntriples": str(work / "graph.nt"),
            "jobs": [[name, str(self.folders[name]), *args] for name, *args in self.jobs],
        }
        for folder in self.folders.values():
            folder.mkdir()
        if self.parallel:
            command = [sys.executable, "-m", "dllm_kg.beside", json.dumps(plan)]
            self._process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
        else:
            run_plan(plan)
        return self

    def result(self, name: str) -> Path:
        """Wait until the job is done; its folder, with what it wrote.

        :raises DllmKgError: with the helper's own one-line message, when a job failed.
        """
        process = self._process
        while process is not None and name not in self._done:
            line = process.stdout.readline() if process.stdout else ""
            if not line:
                _, stderr = process.communicate()
                lines = stderr.strip().splitlines()
                last = lines[-1].removeprefix(ERROR) if lines else "a helper process failed"
                raise DllmKgError(last)
            self._done.add(line.strip().removeprefix(DONE))
        return self.folders[name]

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()  # the build failed or was interrupted: nothing to wait for
        if self._process is not None:
            self._process.communicate()
        self._folder.cleanup()


def run_plan(plan: dict[str, object], announce: bool = False) -> None:
    """Run every job of a plan in order; ``announce`` says on stdout when each is done."""
    ntriples = Path(str(plan["ntriples"]))
    for name, folder, *args in plan["jobs"]:  # type: ignore[attr-defined]
        run_job(name, ntriples, Path(folder), args)
        if announce:
            print(f"{DONE}{name}", flush=True)


def run_job(name: str, ntriples: Path, folder: Path, args: Sequence[str]) -> None:
    """One job: ``store SOURCE LABEL`` (the stored graph) or ``serialise`` (the downloads)."""
    if name == "store":
        from dllm_kg.store import store_graph

        source, label = args
        store_graph(ntriples, Path(source), label or None)
    elif name == "serialise":
        from dllm_kg.export import write_serialisations

        write_serialisations(ntriples, folder)
    else:
        raise DllmKgError(f"no job {name!r}")


def serialised_files(folder: Path) -> dict[str, Path]:
    """The downloads the ``serialise`` job wrote, by file name."""
    return {path.name: path for path in sorted(folder.iterdir())}


def main(argv: Sequence[str] | None = None) -> int:
    """Run a plan in the helper process: exit 0, or 1 with the message on stderr."""
    try:
        run_plan(json.loads((sys.argv[1:] if argv is None else argv)[0]), announce=True)
    except DllmKgError as error:
        print(f"{ERROR}{error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
