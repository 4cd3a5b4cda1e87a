"""The hall's RS-485 devices: window LEDs follow calls, evaluators invite and record ratings,
caller keypads drive their window. One :class:`BusWorker` per configured bus."""

from __future__ import annotations

import logging
import queue
import threading

from devices.bus import BusTiming, BusWorker
from devices.frame_line import FrameLineWorker
from devices.registry import DeviceRegistry
from devices.worker import PortWorker
from displays import hallbus as hb
from displays.text import fit_columns
from hallctl.domain import events as ev
from hallctl.domain.errors import DomainError
from hallctl.domain.model import HoldKind, Outcome, WindowState
from hallctl.labels import device_words as words
from hallctl.services import queries, ratings, windows
from hallctl.services.context import Hall
from hallctl.services.windows import WindowAction

log = logging.getLogger(__name__)
THANKS_S = 3.0


class HallDevices:
    """The windows' RS-485 devices (LED, evaluator, caller) driven from the hall's events, and their key presses.

    Starts a worker per bus (a frame-line worker for vendor screens), shows each window's present state,
    then follows the hall's events.

    Args:
        timing: bus timing for every bus (tests); default: each bus's configured reply timeout.
    """

    def __init__(self, hall: Hall, registry: DeviceRegistry, timing: BusTiming | None = None) -> None:
        self.hall = hall
        config = hall.config
        self.window_of: dict[str, int] = {}
        self.of_window: dict[tuple[int, str], str] = {}
        for window in config.windows:
            for role in ("led", "evaluator", "caller"):
                name = getattr(window, role)
                if name:
                    self.window_of[name] = window.number
                    self.of_window[(window.number, role)] = name
        self.device = {d.name: d for d in config.devices}
        self.workers: dict[str, BusWorker] = {}
        self.frame_lines: dict[str, FrameLineWorker] = {}
        self.sequence: dict[str, int] = {}
        for bus in config.buses:
            members = [d for d in config.devices if d.bus == bus.name]
            bus_timing = timing or BusTiming(reply_margin_s=bus.timeout_ms / 1000)
            if members and members[0].protocol == "frame":
                self.frame_lines[bus.name] = FrameLineWorker(
                    bus.name, bus.url, bus.baudrate, members, registry, bus_timing.backoff
                ).start()
            else:
                self.workers[bus.name] = BusWorker(
                    bus.name, bus.url, bus.baudrate, members, registry, self.on_press, bus_timing
                ).start()
        self._presses: queue.Queue = queue.Queue()
        threading.Thread(target=self._handle_presses, name="hallbus-presses", daemon=True).start()
        self.restore()
        if config.buses:
            hall.bus.subscribe("hallbus", self.on_domain_events, remote=True, wants=self.wants)

    @staticmethod
    def wants(event: ev.Event) -> bool:
        """What the windows' devices follow: every event at a window."""
        return event.window is not None

    def stop(self) -> None:
        """Stop following the hall's events and handling presses, then stop every bus worker."""
        self.hall.bus.unsubscribe("hallbus")
        self._presses.put(None)
        workers: list[PortWorker] = [*self.workers.values(), *self.frame_lines.values()]
        for worker in workers:
            worker.stop()

    # -- output -----------------------------------------------------------------------------------------
    def _write(self, name: str | None, start: int, values: list[int]) -> None:
        worker = self.workers.get(self.device[name].bus or "") if name else None
        if name and worker:
            worker.write(name, start, values)

    def _led(self, window: int, text: str, effect: int = hb.EFFECT_STATIC) -> None:
        name = self.of_window.get((window, "led"))
        if not name:
            return
        width, frame_line = self.device[name].width, self.frame_lines.get(self.device[name].bus or "")
        if width:
            text = fit_columns(text, width)
        if frame_line:  # vendor screens: text only, no effects
            frame_line.show(name, text)
        else:
            self.sequence[name] = self.sequence.get(name, 0) + 1
            self._write(name, hb.LED_BLOCK_START, hb.led_block(text, self.sequence[name], effect, 10 if effect else 0))

    def _reset(self, window: int, text: str | None = None) -> None:
        """The evaluator idle and the LED showing ``text`` (default: its idle text)."""
        name = self.of_window.get((window, "led"))
        if name:
            self._led(window, text or self.device[name].idle_text.format(window=window))
        self._write(
            self.of_window.get((window, "evaluator")), hb.EVAL_BLOCK_START, hb.evaluator_block(hb.MODE_IDLE, "")
        )

    def restore(self) -> None:
        """Show on every window's devices what the window is doing now, from the database: at start — also when
        this process takes the devices over from a leader that died mid-day — and when events may have been
        missed (the message queue was down)."""
        for window in self.hall.config.windows:
            self._restore(window.number)
            self._caller_display(window.number)

    def _restore(self, window: int) -> None:
        name = self.of_window.get((window, "led"))
        summary = queries.window_summary(self.hall, window)
        text = None
        if name and summary["state"] == WindowState.PAUSED:
            text = words.LED_PAUSED
        elif name and summary["current"]:
            text = self.device[name].template.format(number=summary["current"]["number"], window=window)
        self._reset(window, text)

    def _caller_display(self, window: int) -> None:
        name = self.of_window.get((window, "caller"))
        if not name:
            return
        view = queries.window_view(self.hall, window)
        if view["window"]["staff"] is None:
            text = words.CALLER_LOG_IN_FIRST
        else:
            current = view["current"]["number"] if view["current"] else "—"
            text = words.CALLER_STATUS.format(current=current, waiting=len(view["queue"]))
        self._write(name, hb.CALLER_TEXT, hb.caller_text(text))

    def on_domain_events(self, batch: list[ev.Event]) -> None:
        """Update the LEDs, evaluators and caller displays of the windows these events touched."""
        touched = set()
        for event in batch:
            if event.window is None:
                continue
            touched.add(event.window)
            if isinstance(event, ev.TicketCalled):
                name = self.of_window.get((event.window, "led"))
                if name:
                    text = self.device[name].template.format(number=event.number, window=event.window)
                    self._led(event.window, text, hb.EFFECT_BLINK if event.recall else hb.EFFECT_STATIC)
            elif isinstance(event, ev.WindowPaused):
                self._led(event.window, words.LED_PAUSED)
            elif isinstance(
                event,
                (
                    ev.WindowUnpaused,
                    ev.WindowOpened,
                    ev.WindowClosed,
                    ev.TicketFinished,
                    ev.TicketNoShow,
                    ev.TicketTransferred,
                    ev.TicketHeld,
                ),
            ):
                name = self.of_window.get((event.window, "led"))
                if name:
                    self._led(event.window, self.device[name].idle_text.format(window=event.window))
            elif isinstance(event, ev.EvaluatorInvited):
                staff = words.EVALUATOR_STAFF.format(staff=event.staff) if event.staff else ""
                evaluator = self.of_window.get((event.window, "evaluator"))
                self._write(evaluator, hb.EVAL_BLOCK_START, hb.evaluator_block(hb.MODE_INVITING, staff))
        for window in touched:
            self._caller_display(window)

    # -- input --------------------------------------------------------------------------------------------
    def on_press(self, device: str, key: int, presses: int) -> None:
        """From a bus thread: hand the press over, so the line never waits on the database."""
        self._presses.put((device, key, presses))

    def _handle_presses(self) -> None:
        while True:
            item = self._presses.get()
            if item is None:
                return
            device, key, presses = item
            try:
                if self.device[device].kind == "evaluator":
                    self._rate(device, key, presses)
                else:
                    self._caller_key(device, key)
            except Exception:  # a press must never stop the next one
                log.exception("handling a press on %s failed", device)

    def _rate(self, device: str, key: int, presses: int) -> None:
        window = self.window_of.get(device)
        if window is None or key not in range(1, 6):
            log.warning("%s: press with key %s ignored (no window, or not 1..5)", device, key)
            return
        result = ratings.record_rating(self.hall, window, key)
        if presses > 1:
            log.warning("%s: %d presses between polls; recorded the last key only", device, presses)
        if result["bound"]:
            self._write(device, hb.EVAL_BLOCK_START, hb.evaluator_block(hb.MODE_THANKS, words.EVALUATOR_THANKS))
            idle = hb.evaluator_block(hb.MODE_IDLE, "")
            threading.Timer(THANKS_S, self._write, (device, hb.EVAL_BLOCK_START, idle)).start()

    def _caller_key(self, device: str, key: int) -> None:
        window = self.window_of.get(device)
        action = hb.KEY_ACTIONS.get(key)
        if window is None or action is None:
            log.warning("%s: key %s ignored", device, key)
            return
        with self.hall.uow(write=False) as uow:
            at_window = uow.windows.get(window)
            staff = at_window.staff if at_window else None
        if staff is None:
            self._write(device, hb.CALLER_TEXT, hb.caller_text(words.CALLER_LOG_IN_FIRST))
            return
        act = WindowAction(window, staff)
        try:
            self._apply(act, action, window)
        except DomainError as exc:
            log.info("caller %s: %s refused: %s", device, action, exc.message)
            self._write(device, hb.CALLER_TEXT, hb.caller_text(exc.message[:30]))

    def _apply(self, act: WindowAction, action: str, window: int) -> None:
        if action == "call":
            windows.call(self.hall, act)
        elif action == "finish":
            windows.finish(self.hall, act, Outcome.COMPLETED)
        elif action == "hold":
            windows.hold(self.hall, act, HoldKind.NOT_HOLDING)
        elif action == "pause_toggle":
            with self.hall.uow(write=False) as uow:
                at_window = uow.windows.get(window)
                paused = bool(at_window and at_window.paused)
            if paused:
                windows.unpause(self.hall, act)
            else:
                windows.pause(self.hall, act, words.KEYPAD_PAUSE)
        else:
            getattr(windows, action)(self.hall, act)
