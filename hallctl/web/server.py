"""The HTTP server of ``hallctl serve``: Werkzeug's, with worker threads that accept connections themselves.

Werkzeug's threaded server accepts on its main thread and starts a thread for every connection (and closes
each connection after one response). Per request that is a thread's creation and start, and three more turns
at the GIL for the main thread — waking from ``select``, accepting, waiting until the new thread runs — while
the request itself waits. Here every worker thread blocks in ``accept()`` on the listening socket (the kernel
hands each connection to one of them) and serves the connection itself. When the last idle worker takes a
connection another one starts, so long-lived websockets never leave a new connection waiting; the workers
stay for the next connections. Requests are handled by Werkzeug's own ``WSGIRequestHandler``: the same HTTP,
websocket upgrades (simple-websocket) and error handling.
"""

from __future__ import annotations

import contextlib
import socket
import threading

from werkzeug.serving import BaseWSGIServer

ACCEPT_RETRY_S = 0.05


class PooledWSGIServer(BaseWSGIServer):
    """Werkzeug's WSGI server with a pool of worker threads that accept and serve connections (module docstring)."""

    multithread = True  # what WSGI's wsgi.multithread tells the app, as Werkzeug's threaded server does

    def __init__(self, host: str, port: int, app) -> None:
        super().__init__(host, port, app)
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self.idle = 0
        self.workers = 0

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        """Serve until :meth:`shutdown` (or Ctrl-C)."""
        self._add_worker()
        try:
            while not self._stopped.wait(poll_interval):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            self.shutdown()

    def shutdown(self) -> None:
        """Stop accepting; connections being served finish on their threads."""
        self._stopped.set()
        # wakes the workers blocked in accept() (closing the socket alone would not, on Linux); OSError: already shut
        with contextlib.suppress(OSError):
            self.socket.shutdown(socket.SHUT_RDWR)
        self.server_close()

    def _add_worker(self) -> None:
        with self._lock:
            self.workers += 1
            self.idle += 1
        threading.Thread(target=self._work, name=f"http-{self.workers}", daemon=True).start()

    def _work(self) -> None:
        while not self._stopped.is_set():
            try:
                request, address = self.get_request()
            except OSError:
                if self._stopped.is_set():  # the listening socket was shut
                    return
                # a failed accept (out of file descriptors, a connection reset before it was taken) must not
                # end this worker: it stays counted as idle, so no other would start in its place
                self._stopped.wait(ACCEPT_RETRY_S)
                continue
            with self._lock:
                self.idle -= 1
                last = self.idle == 0
            if last:
                self._add_worker()
            try:
                self.finish_request(request, address)
            except Exception:
                self.handle_error(request, address)
            finally:
                self.shutdown_request(request)
                with self._lock:
                    self.idle += 1
