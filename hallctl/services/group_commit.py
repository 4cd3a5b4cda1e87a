"""Group commit: write requests from many request threads share one transaction and one durable commit.

Issuing is the hottest write in a hall. Under load, each request thread hands
its request to one writer thread, which takes every request that queued up
meanwhile and passes them to their handler together — so the handler can write
a batch with a few statements instead of a few per request — in a single
transaction that commits once (one fsync). Each caller gets its result only after
that commit, so an acknowledged ticket is as durable as with a commit of its own;
a lone request simply forms a batch of one.

Contract for a handler ``handler(uow, requests) -> outcomes``: one outcome per
request, in order — its result, or the DomainError that refuses it. A refused
request must have written nothing (check first, then write).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from hallctl.domain.errors import DomainError

from .ports import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)
MAX_BATCH = 64
Handler = Callable[[UnitOfWork, list[Any]], list[Any]]
Item = tuple[Handler, Any, "Future[Any]"]


class GroupCommit:
    """A writer thread that runs requests through their handlers in shared transactions."""

    def __init__(self, uow_factory: UnitOfWorkFactory, max_batch: int = MAX_BATCH) -> None:
        self.uow_factory = uow_factory
        self.max_batch = max_batch
        self._queue: queue.Queue[Item | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="group-commit", daemon=True)
        self._thread.start()

    def submit(self, handler: Handler, request: Any) -> Any:
        """Run ``request`` through ``handler`` in the next batch; its result once the batch has committed."""
        future: Future[Any] = Future()
        self._queue.put((handler, request, future))
        return future.result()

    def close(self) -> None:
        """Finish the queued batches, then stop the writer thread."""
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

    def _execute(self, batch: list[Item]) -> None:
        by_handler: dict[Handler, list[tuple[Any, Future[Any]]]] = {}
        for handler, request, future in batch:
            by_handler.setdefault(handler, []).append((request, future))
        settled: list[tuple[Future[Any], Any]] = []
        try:
            with self.uow_factory() as uow:
                for handler, items in by_handler.items():
                    outcomes = handler(uow, [request for request, _future in items])
                    if len(outcomes) != len(items):
                        raise RuntimeError(f"{handler.__qualname__} answered {len(outcomes)} of {len(items)} requests")
                    settled.extend(
                        (future, outcome) for (_request, future), outcome in zip(items, outcomes, strict=False)
                    )
                uow.commit()
        except BaseException as exc:  # the transaction failed: nothing in it was stored
            log.warning("a batch of %d writes failed: %s", len(batch), exc)
            for _handler, _request, future in batch:  # every caller must hear, none may wait forever
                future.set_exception(exc)
            return
        for future, outcome in settled:
            if isinstance(outcome, DomainError):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)
