"""The ``dllm-kg`` console script: Ctrl-C is one line and exit 130 from the first moment.

Importing the command line takes a while (Typer, rich); a Ctrl-C meanwhile would print a
traceback. This module installs its own handler before that import, and hands Ctrl-C back
to Python (``KeyboardInterrupt``, which :func:`dllm_kg.cli.main` reports) once the command
runs and may have work to undo.
"""

import os
import signal
from types import FrameType

from dllm_kg.errors import INTERRUPTED

INTERRUPTED_LINE = b"dllm-kg: interrupted\n"


def _interrupted_while_starting(signum: int, frame: FrameType | None) -> None:
    """Nothing is written yet: say so in one line and stop."""
    os.write(2, INTERRUPTED_LINE)
    os._exit(INTERRUPTED)


signal.signal(signal.SIGINT, _interrupted_while_starting)


def main() -> None:
    """Load the command line, then run it with Ctrl-C raising KeyboardInterrupt again."""
    from dllm_kg.cli import main as run

    signal.signal(signal.SIGINT, signal.default_int_handler)
    run()
