"""Work a build runs beside its own: storing the graph and writing its downloads.

For a large graph each job runs in a helper process (``python -m dllm_kg.beside JOB ...``),
on this machine's other cores, while the build checks and draws the graph; for a small graph
it runs in the build's own process, where starting another would cost more than it saves.
Either way a job reads the graph's sorted N-Triples from a file and writes into a folder of
its own; both live until the block ends.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from dllm_kg.errors import DllmKgError


class Beside:
    """Jobs on one graph's N-Triples, in helper processes or in this one."""

    def __init__(self, ntriples: bytes, parallel: bool) -> None:
        self.ntriples = ntriples
        self.parallel = parallel
        self._jobs: list[Job] = []

    def __enter__(self) -> Beside:
        self._folder = tempfile.TemporaryDirectory(prefix="dllm-kg-build-")
        self.path = Path(self._folder.name) / "graph.nt"
        self.path.write_bytes(self.ntriples)
        return self

    def run(self, job: str, *args: str) -> Job:
        """Start a job of :data:`JOBS` with its arguments; :meth:`Job.result` waits for it."""
        folder = Path(tempfile.mkdtemp(dir=self._folder.name))
        argv = [job, str(self.path), str(folder), *args]
        if not self.parallel:
            run_job(argv)
            return Job(folder, None)
        command = [sys.executable, "-m", "dllm_kg.beside", *argv]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._jobs.append(Job(folder, process))
        return self._jobs[-1]

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        for job in self._jobs:
            job.stop()
        self._folder.cleanup()


class Job:
    """One job: its folder, and its process while it runs in another."""

    def __init__(self, folder: Path, process: subprocess.Popen[bytes] | None) -> None:
        self.folder = folder
        self.process = process

    def result(self) -> Path:
        """Wait for the job; its folder, with what it wrote.

        :raises DllmKgError: with the job's own one-line message, when it failed.
        """
        if self.process is not None:
            _, stderr = self.process.communicate()
            if self.process.returncode != 0:
                lines = stderr.decode("utf-8", "replace").strip().splitlines()
                raise DllmKgError(lines[-1] if lines else "a helper process of the build failed")
        return self.folder

    def stop(self) -> None:
        """End the process if it still runs (the build failed or was interrupted)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def serialised_files(folder: Path) -> dict[str, Path]:
    """The downloads the ``serialise`` job wrote, by file name."""
    return {path.name: path for path in sorted(folder.iterdir())}


def run_job(argv: Sequence[str]) -> None:
    """Run one job: ``store NTRIPLES FOLDER SOURCE LABEL`` or ``serialise NTRIPLES FOLDER``."""
    job, ntriples, folder, *args = argv
    if job == "store":
        from dllm_kg.store import store_graph

        source, label = args
        store_graph(Path(ntriples), Path(source), label or None)
    elif job == "serialise":
        from dllm_kg.export import write_serialisations

        write_serialisations(Path(ntriples), Path(folder))
    else:
        raise DllmKgError(f"no job {job!r}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run a job in a helper process: exit 0, or 1 with its message on stderr."""
    try:
        run_job(sys.argv[1:] if argv is None else argv)
    except DllmKgError as error:
        print(f"dllm-kg: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
