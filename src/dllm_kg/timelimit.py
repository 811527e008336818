"""Calls with a time limit, for queries that neither engine can stop midway.

A :class:`ForkedRunner` forks a child process once; the child has everything the parent had
(the graph included) and answers calls over a pipe. A call that runs past its limit ends
the child, and the next call forks a fresh one. (``dllm-kg serve`` has its own pool of
workers, :mod:`dllm_kg.workers`: it answers many clients from processes it starts itself.)
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import threading
import weakref
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")
#: prctl(2)'s request that the kernel signal a process when its parent ends (Linux).
_PR_SET_PDEATHSIG = 1


def end_with_parent(parent: int) -> None:
    """Have the kernel kill this process when the one that started it (``parent``) ends, so
    that a query runs on in no orphan. Linux only; elsewhere, nothing."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it ended before the request was made
        os._exit(1)


class TimeLimitExceeded(Exception):
    """A call ran past its time limit and was stopped."""


class ForkedRunner(Generic[T]):
    """Runs ``function`` in a forked child process, one call at a time, each with a limit."""

    def __init__(self, function: Callable[..., T]) -> None:
        self._function = function
        self._child: BaseProcess | None = None
        self._connection: Connection | None = None
        self._lock = threading.Lock()

    def call(self, args: tuple[object, ...], timeout: float) -> T:
        """``function(*args)`` in the child: its value, or the exception it raised.

        :raises TimeLimitExceeded: when it runs past ``timeout`` seconds (the child ends).
        :raises ChildProcessError: when the child ends without an answer.
        """
        with self._lock:
            connection = self._started()
            connection.send(args)
            if not connection.poll(timeout):
                self.stop()
                raise TimeLimitExceeded
            try:
                ok, value = connection.recv()
            except EOFError:
                self.stop()
                raise ChildProcessError("the query's process ended without an answer") from None
        if not ok:
            raise value
        return value

    def _started(self) -> Connection:
        if self._child is None or not self._child.is_alive() or self._connection is None:
            self.stop()
            context = multiprocessing.get_context("fork")
            self._connection, child_end = context.Pipe()
            self._child = context.Process(
                target=_answer_calls, args=(child_end, self._function, os.getpid()), daemon=True
            )
            self._child.start()
            child_end.close()
            weakref.finalize(self, _end, self._child)  # a runner no one holds ends its child
        return self._connection

    def stop(self) -> None:
        """End the child, if there is one."""
        if self._child is not None:
            self._child.kill()
            self._child.join()
        if self._connection is not None:
            self._connection.close()
        self._child = self._connection = None


def close_inherited_pipes(keep: int) -> None:
    """Close the pipes and sockets a forked child has from its parent, but ``keep``.

    Otherwise the child holds them open: a process at their other end (a browser driver, a
    server's client) never sees them close, and waits for ever. Files stay open: the store
    reads them.
    """
    for entry in Path("/proc/self/fd").iterdir():
        descriptor = int(entry.name)
        if descriptor > 2 and descriptor != keep:
            try:
                target = os.readlink(entry)
            except OSError:
                continue
            if target.startswith(("pipe:", "socket:")):
                os.close(descriptor)


def _end(child: BaseProcess) -> None:
    if child.is_alive():
        child.kill()
        child.join()


def _answer_calls(connection: Connection, function: Callable[..., object], parent: int) -> None:
    """The child's life: answer calls until the pipe closes (or the parent ends)."""
    end_with_parent(parent)
    close_inherited_pipes(keep=connection.fileno())
    while True:
        try:
            args = connection.recv()
        except (EOFError, OSError):
            return
        try:
            answer: tuple[bool, object] = (True, function(*args))
        except Exception as error:  # sent back to be raised in the parent
            answer = (False, error)
        connection.send(answer)
