"""Group commit: write jobs from many request threads share one transaction and one durable commit.

Issuing is the hottest write in a hall. Under load, each request thread hands
its job to one writer thread, which runs every job that queued up meanwhile in a
single transaction and commits once (one fsync). Each caller gets its result only
after that commit, so an acknowledged ticket is as durable as with a commit of
its own; a lone request simply forms a batch of one.

Contract for a job: it may raise a DomainError only before it writes anything
(check first, then write), so a refused job never leaves rows in its batch.
"""
from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

from hallctl.domain.errors import DomainError

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_BATCH = 64


class GroupCommit:
    """A writer thread that runs jobs ``job(uow) -> result`` in shared transactions."""

    def __init__(self, uow_factory: Callable, max_batch: int = MAX_BATCH) -> None:
        self.uow_factory = uow_factory
        self.max_batch = max_batch
        self._queue: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="group-commit", daemon=True)
        self._thread.start()

    def submit(self, job: Callable[..., T]) -> T:
        """Run ``job`` in the next batch and return its result once the batch has committed."""
        future: Future = Future()
        self._queue.put((job, future))
        return future.result()

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < self.max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._queue.put(None)  # finish this batch, then stop
                    break
                batch.append(item)
            self._execute(batch)

    def _execute(self, batch: list[tuple[Callable, Future]]) -> None:
        done: list[tuple[Future, object]] = []
        try:
            with self.uow_factory() as uow:
                for job, future in batch:
                    try:
                        done.append((future, job(uow)))
                    except DomainError as exc:  # raised before the job wrote: its batch-mates go on
                        future.set_exception(exc)
                uow.commit()
        except BaseException as exc:  # the transaction failed: nothing in it was stored
            failed = [future for _job, future in batch if not future.done()]
            log.warning("a batch of %d writes failed: %s", len(failed), exc)
            for future in failed:  # including the job that raised: its caller must not wait forever
                future.set_exception(exc)
            return
        for future, result in done:
            future.set_result(result)
