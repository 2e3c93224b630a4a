"""What the study's forkserver imports before it forks workers (``set_forkserver_preload``).

The workers' code is imported here once, so each worker forks with it loaded. The server also gets
an exception hook for its forked children: a worker the server is still starting when the study is
stopped (Ctrl-C, SIGTERM) finds the parent's queues and semaphores gone and fails while unpickling
its start-up data. The parent has already told the user how the study stopped, so that failure is
dropped instead of printed as a traceback on the user's terminal; any other exception is printed as
usual. This module is imported only by the forkserver process, never by the parent.
"""

from __future__ import annotations

import sys
from types import TracebackType

import samsim.study.executors  # noqa: F401  (preloaded: the workers fork with it imported)

# What a worker's bootstrap raises when the parent has gone: its semaphores unlinked, its pipes closed.
PARENT_GONE_ERRORS: tuple[type[BaseException], ...] = (FileNotFoundError, EOFError, ConnectionError)

_print_exception = sys.excepthook


def quiet_when_parent_gone(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    """``sys.excepthook`` of the forkserver's children: silent for a start-up cut short by the
    parent stopping, the usual traceback otherwise."""
    if issubclass(exc_type, PARENT_GONE_ERRORS):
        return
    _print_exception(exc_type, exc, tb)


sys.excepthook = quiet_when_parent_gone
