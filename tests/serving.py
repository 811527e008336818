"""How the tests start `dllm-kg serve`: a real server on 127.0.0.1, on a free port."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

DLLM_KG = Path(sys.executable).parent / "dllm-kg"
#: The ready line names the endpoint.
_READY = re.compile(r"^\s*SPARQL\s+(http://\S+)/sparql\s*$")


@dataclass
class Server:
    """A running `dllm-kg serve`: its process, base URL and what it printed before it was
    ready."""

    process: subprocess.Popen[str]
    url: str
    banner: list[str]
    stderr: Path

    @property
    def endpoint(self) -> str:
        """The SPARQL endpoint's URL."""
        return f"{self.url}/sparql"

    def interrupt(self) -> tuple[int, str, str]:
        """Ctrl-C: SIGINT, then wait for the process to end; its exit code, stdout, stderr."""
        self.process.send_signal(signal.SIGINT)
        out = self.process.stdout.read() if self.process.stdout else ""
        code = self.process.wait()
        return code, out, self.stderr.read_text(encoding="utf-8")


@contextmanager
def served(*args: str) -> Iterator[Server]:
    """`dllm-kg serve --port 0 ARGS...`, ready for requests; killed at the end if still up."""
    with tempfile.TemporaryDirectory(prefix="dllm-kg-serve-") as folder:
        stderr = Path(folder) / "stderr"
        with stderr.open("w", encoding="utf-8") as err:
            process = subprocess.Popen(
                [str(DLLM_KG), "serve", "--port", "0", *args],
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
                start_new_session=True,
            )
        try:
            yield _ready(process, stderr)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            if process.stdout:
                process.stdout.close()


def _ready(process: subprocess.Popen[str], stderr: Path) -> Server:
    """Read the server's lines until the one naming its endpoint."""
    banner = []
    assert process.stdout is not None
    for line in process.stdout:
        banner.append(line)
        found = _READY.match(line)
        if found:
            return Server(process, found[1], banner, stderr)
    process.wait()
    raise AssertionError(f"the server ended before it was ready: {stderr.read_text()}")


def children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        try:
            if (
                entry.name.isdigit()
                and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid
            ):
                found.add(int(entry.name))
        except OSError:
            continue
    return found


def query_workers(pid: int) -> set[int]:
    """The query worker processes of the server ``pid``."""
    found = set()
    for child in children(pid):
        try:
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.add(child)
        except OSError:
            continue
    return found


def wait_gone(pid: int) -> bool:
    """Wait until process ``pid`` has ended (it is no child of ours: poll /proc, no clock).

    A process killed by the kernel can linger as a zombie until its new parent reaps it; a
    zombie counts as ended.
    """
    while True:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state in ("Z", "X"):
            return True
        os.sched_yield()
