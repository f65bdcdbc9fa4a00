"""A pool of OCR worker processes: one Tesseract per core, one thread each.

Tesseract's OpenMP threads fight each other on a small machine (NOTES.md:
3-5 times slower with the default threads), so parallelism comes from
processes instead: ``workers`` processes (default: one per core), each with
``OMP_THREAD_LIMIT=1``, each reading one page at a time.  Pages of one
document and pages of many documents go into the same queue, so a 10-page
PDF and ten one-page scans keep all cores busy alike.

The pool only reads pages; everything that writes to the store stays in the
calling process.  A document's bytes are spooled to a temporary file once and
each worker reads its page from there, rather than pickling the whole
document once per page.  Workers are forked from a ``forkserver`` that has
imported only the OCR code: they start in milliseconds and inherit no
database connections, threads or locks from the caller.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import select
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from ocr.document import OcrOptions, read_page
from ocr.tesseract import PageText
from pismo.errors import OcrError


def worker_count(setting: int) -> int:
    """``settings.ocr.workers``, where 0 means one per core this process may use."""
    if setting > 0:
        return setting
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _init_worker(owner: int) -> None:
    os.environ["OMP_THREAD_LIMIT"] = "1"
    threading.Thread(target=_exit_with, args=(owner,), daemon=True, name="owner-watch").start()


def _exit_with(owner: int) -> None:
    """End this worker when the process that owns the pool ends, however it ends.

    A worker is the forkserver's child, not the owner's, and each holds the pipe
    that keeps the forkserver alive: after a SIGKILL of the owner, workers,
    forkserver and resource tracker would all wait for each other for good.  A
    pidfd becomes readable when its process exits; Tesseract runs with the GIL
    released, so this thread gets its turn even mid-page."""
    try:
        watched = os.pidfd_open(owner)
    except (AttributeError, OSError):  # no pidfd (old kernel): look once a second
        while _alive(owner):
            time.sleep(1.0)
    else:
        select.select([watched], [], [])
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _started() -> None:
    """A no-op job: submitting one per worker makes the pool start them all."""


def _read_spooled_page(path: str, index: int, options: OcrOptions) -> PageText:
    return read_page(Path(path).read_bytes(), index, options)


@contextlib.contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Start worker processes without the caller's main module.

    multiprocessing runs the parent's ``__main__`` script again in every new
    worker (for functions defined there; the pool's are all in this module).
    Here that script is the whole CLI: each worker spent 1-2 s importing
    SQLAlchemy, WeasyPrint and pymorphy3 before reading its first page
    (measured with bench/ocr.py: the first Tesseract started 5 s in)."""
    main = sys.modules["__main__"]
    file, spec = getattr(main, "__file__", None), getattr(main, "__spec__", None)
    if file is not None:
        del main.__file__
    main.__spec__ = None
    try:
        yield
    finally:
        if file is not None:
            main.__file__ = file
        main.__spec__ = spec


class OcrPool:
    """Reads document pages in worker processes; started on first use."""

    def __init__(self, workers: int) -> None:
        self.workers = worker_count(workers)
        self._executor: ProcessPoolExecutor | None = None
        self._starting = threading.Lock()  # documents are read from several threads
        self._retrying = threading.Lock()

    def start(self) -> None:
        """Start the workers now rather than on the first page."""
        self._pool()

    def _pool(self) -> ProcessPoolExecutor:
        with self._starting:
            if self._executor is None:
                context = multiprocessing.get_context("forkserver")
                # The server imports only the OCR code; by default it would import
                # the main module (the whole CLI) first.
                context.set_forkserver_preload(["ocr.pool"])
                executor = ProcessPoolExecutor(
                    max_workers=self.workers,
                    mp_context=context,
                    initializer=_init_worker,
                    initargs=(os.getpid(),),
                )
                # All workers now, while the main module is hidden: the executor starts
                # one per job until it has ``workers``, and never starts one again.
                with _main_module_hidden():
                    started = [executor.submit(_started) for _ in range(self.workers)]
                for f in started:
                    f.result()
                self._executor = executor
            return self._executor

    def read_pages(self, data: bytes, count: int, options: OcrOptions) -> list[PageText]:
        """Pages 0..count-1 of one document, read in parallel; a ``PageMapper``.

        Safe to call from several threads at once: their pages share the queue.
        A worker that dies (a crash in Tesseract, or killed: out of memory) takes
        every page in flight with it.  Each document then reads once more, one
        retrying document at a time, so only one that kills a worker again fails."""
        with tempfile.NamedTemporaryFile(prefix="pismo-ocr-", suffix=".scan") as spool:
            spool.write(data)
            spool.flush()
            with contextlib.suppress(BrokenProcessPool):
                return self._read(spool.name, count, options)
            with self._retrying:
                try:
                    return self._read(spool.name, count, options)
                except BrokenProcessPool as exc:
                    raise OcrError(f"an OCR worker died reading this document: {exc}") from exc

    def _read(self, path: str, count: int, options: OcrOptions) -> list[PageText]:
        executor = self._pool()
        futures: list[Future[PageText]] = []
        try:
            futures = [executor.submit(_read_spooled_page, path, n, options) for n in range(count)]
            return [f.result() for f in futures]
        except BrokenProcessPool:
            with self._starting:
                if self._executor is executor:  # not a fresh pool another thread started
                    self._executor = None
            raise
        finally:
            for f in futures:
                f.cancel()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
