"""Atomic output: write to a temporary file beside the target, then rename."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

from .errors import GbaKgError, OutputLockedError

_T = TypeVar("_T")

LOCK_FILE = ".lock"

__all__ = ["Beside", "output_lock", "write_atomic"]


def write_atomic(path: str | Path, data: str | bytes | Iterable[str]) -> Path:
    """Replace ``path`` with ``data`` (text, bytes, or pieces of text written one after the other)
    in one rename, so readers never see half a file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, (str, bytes)):
                fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            else:
                for batch in _batches(data):
                    fh.write("".join(batch).encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


@contextmanager
def output_lock(out_dir: str | Path) -> Iterator[Path]:
    """Hold the write lock of an output folder (``OUT/.lock``, an ``flock`` released when the process
    ends, however it ends); a second holder gets ``OutputLockedError`` at once."""
    import fcntl

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise OutputLockedError(f"{out}: another build is writing this folder (pid {holder})") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield path
    finally:
        os.close(fd)


def _batches(pieces: Iterable[str], size: int = 1 << 20) -> Iterator[list[str]]:
    """Pieces of text in runs of about ``size`` characters (one encoding and one write for each run
    instead of each piece)."""
    batch: list[str] = []
    length = 0
    for piece in pieces:
        batch.append(piece)
        length += len(piece)
        if length >= size:
            yield batch
            batch, length = [], 0
    if batch:
        yield batch


def release_free_memory() -> bool:
    """Give the pages the heap holds free back to the system (glibc's ``malloc_trim``): after many
    documents' temporary objects, the freed memory between the ones kept stays resident otherwise,
    and forked processes would carry it. False where the C library has no such call."""
    import ctypes

    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return False
    trim(0)
    return True


class Beside(Generic[_T]):
    """``work()`` run in a forked process while the caller goes on; ``result()`` waits for its value
    or raises its exception. Without ``fork``, or where processes cannot fork, it runs at once in
    this one. The child shares the caller's memory as it was at the fork (nothing is pickled but
    the outcome), so fork before starting threads."""

    def __init__(self, work: Callable[[], _T], *, fork: bool = True) -> None:
        import multiprocessing

        self._outcome: tuple[bool, Any] | None = None
        self._process: Any = None
        if not fork or "fork" not in multiprocessing.get_all_start_methods():
            self._outcome = _outcome(work)
            return
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_send_outcome, args=(work, send))  # not a daemon: it may fork too
        self._process.start()
        send.close()

    def result(self) -> _T:
        if self._outcome is None:
            try:
                self._outcome = self._receive.recv()
            except EOFError:
                self._process.join()
                self._outcome = (False, GbaKgError(f"a forked build process ended with exit code {self._process.exitcode}"))
            finally:
                self._receive.close()
                self._process.join()
        ok, value = cast(tuple[bool, Any], self._outcome)
        if not ok:
            raise value
        return cast(_T, value)


def _outcome(work: Callable[[], Any]) -> tuple[bool, Any]:
    try:
        return True, work()
    except Exception as err:  # handed to the caller of Beside.result
        return False, err


def _send_outcome(work: Callable[[], Any], send: Any) -> None:
    import pickle

    ok, value = _outcome(work)
    if not ok:
        try:
            pickle.loads(pickle.dumps(value))
        except Exception:  # an exception that cannot cross processes arrives as its message
            value = GbaKgError(f"{type(value).__name__}: {value}")
    send.send((ok, value))
    send.close()
