"""The device-worker base: capped back-off with jitter, retry timing, requests in order, stop after the queue."""

import threading

import pytest

from devices.registry import DeviceRegistry
from devices.transport import DeviceError
from devices.worker import Backoff, PortWorker, Retry


def test_the_back_off_doubles_up_to_its_cap():
    backoff = Backoff(first_s=0.5, factor=2, cap_s=30, jitter=0)
    assert [backoff.delay_s(n) for n in (1, 2, 3, 7, 8)] == [0.5, 1.0, 2.0, 30.0, 30.0]
    assert backoff.delay_s(100_000) == 30.0  # a device silent for weeks


def test_jitter_only_shortens_a_wait_by_at_most_its_share():
    backoff = Backoff(first_s=1, cap_s=8, jitter=0.25)
    assert backoff.delay_s(4, draw=lambda: 0.0) == 8.0
    assert backoff.delay_s(4, draw=lambda: 0.999) == pytest.approx(6.002)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"first_s": 0}, "first_s"),
        ({"factor": 0.5}, "factor"),
        ({"first_s": 2, "cap_s": 1}, "cap_s"),
        ({"jitter": 1}, "jitter"),
    ],
)
def test_back_off_settings_out_of_range_are_refused(settings, message):
    with pytest.raises(ValueError, match=message):
        Backoff(**settings)


def test_a_retry_is_due_after_its_back_off_and_at_once_after_a_success():
    now = [100.0]
    retry = Retry(Backoff(first_s=1, cap_s=4, jitter=0), clock=lambda: now[0])
    assert retry.due()
    retry.failed()
    retry.failed()
    assert not retry.due() and retry.wait_s() == 2.0
    now[0] += 2
    assert retry.due()
    retry.failed()
    retry.try_now()
    assert retry.due() and retry.failures == 3
    retry.succeeded()
    retry.failed()
    assert retry.wait_s() == 1.0


class Recorder(PortWorker[str]):
    """A worker whose port opens on the second try; it records what it handled."""

    def __init__(self, registry):
        super().__init__("recorder", registry, Backoff(first_s=0.01, cap_s=0.01))
        self.handled: list[str] = []
        self.opened = False
        self.attempts = 0
        self.closed = threading.Event()

    def _handle(self, request: str) -> float | None:
        self.handled.append(request)
        return None

    def _tick(self) -> float | None:
        if self.open_port():
            self._cycle_completed()
            return None
        return self.port_retry.wait_s()

    def _open(self):
        self.attempts += 1
        if self.attempts == 1:
            raise DeviceError("not_found", "no such port")
        self.opened = True

    def _is_open(self):
        return self.opened

    def _close(self):
        self.closed.set()

    def _port_failed(self, reason):
        self.registry.set_state("dev", "offline", reason)


def test_a_worker_opens_its_port_after_back_off_handles_requests_in_order_and_stops_after_them():
    published = []
    registry = DeviceRegistry(
        [type("Device", (), {"name": "dev", "kind": "printer", "address": None, "url": "x", "bus": None})],
        published.extend,
    )
    worker = Recorder(registry).start()
    assert worker.wait_for_cycles(1)
    assert worker.attempts == 2
    assert [(e.device, e.state, e.detail) for e in published] == [("dev", "offline", "no such port")]
    for request in ("a", "b", "c"):
        worker.submit(request)
    worker.stop()
    assert worker.handled == ["a", "b", "c"] and worker.closed.is_set()
