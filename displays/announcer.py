"""The voice announcer: one queue, one player thread, python-vlc.

Announcements are played one at a time in the order they were made (never
overlapping, never dropped); each is recorded with its tokens, clip files,
state (queued → playing → played | failed) and times. A missing libvlc, no
plugins or no voice pack is one warning at start; announcements are then
recorded as failed with the reason and nothing else stops.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from hallctl.domain.times import iso, utcnow

from . import speech
from .voicepack import VoicePack, VoicePackError

log = logging.getLogger(__name__)
PLAY_MARGIN_S = 5.0
"""How long past its length a clip may take to play before it counts as failed."""


class PlaybackError(Exception):
    """The player could not play an announcement."""


@dataclass
class Announcement:
    """A call to announce and what became of it: tokens, clips, state (queued, playing, played, failed), times."""

    id: int
    number: str
    window: int
    service: str
    recall: bool
    tokens: list[str] = field(default_factory=list)
    clips: list[str] = field(default_factory=list)
    state: str = "queued"
    reason: str | None = None
    queued_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    seconds: float | None = None

    def as_dict(self) -> dict:
        """The announcement JSON-ready, times as ISO 8601."""
        out = asdict(self)
        for key in ("queued_at", "started_at", "finished_at"):
            out[key] = iso(out[key])
        return out


class VlcPlayer:
    """Plays one WAV file at a time through libvlc; ``problem`` says why it cannot, if it cannot.

    One libvlc media player serves every play, its end and error events attached once: python-vlc keeps a
    player's event callbacks (and what they hold) alive after the player is released, so a player per
    announcement leaked a few KiB each time.
    """

    def __init__(self, args: list[str] | None = None) -> None:
        self.args = list(args or [])
        self.problem: str | None = None
        self.instance = None
        self._ended, self._broken = threading.Event(), threading.Event()
        try:
            import vlc  # python-vlc loads libvlc lazily: a missing library shows on the first call

            self.instance = vlc.Instance(self.args)
        except (ImportError, NameError, OSError, AttributeError) as exc:
            self.problem = f"libvlc is not available ({type(exc).__name__}: {exc}); install libvlc5 and vlc-plugin-base"
            return
        if self.instance is None:
            self.problem = (
                f"libvlc could not start with {self.args or 'no arguments'} (no plugins, or a bad "
                "vlc_args entry); install vlc-plugin-base"
            )
            return
        self.player = self.instance.media_player_new()
        events = self.player.event_manager()
        events.event_attach(vlc.EventType.MediaPlayerEndReached, self._on_end)
        events.event_attach(vlc.EventType.MediaPlayerEncounteredError, self._on_error)

    def _on_end(self, _event) -> None:  # libvlc's thread
        self._ended.set()

    def _on_error(self, _event) -> None:  # libvlc's thread
        self._broken.set()
        self._ended.set()

    def play(self, path: Path, timeout_s: float) -> None:
        """Play ``path`` to its end.

        Raises:
            PlaybackError: no libvlc, the file did not play, or it did not end within ``timeout_s``.
        """
        if self.problem or self.instance is None:
            raise PlaybackError(self.problem or "libvlc is not available")
        self._ended.clear()
        self._broken.clear()
        media = self.instance.media_new_path(str(path))
        self.player.set_media(media)
        media.release()  # the player holds the media now
        try:
            if self.player.play() == -1:
                raise PlaybackError(f"libvlc refused to play {path.name}")
            if not self._ended.wait(timeout_s):
                raise PlaybackError(f"{path.name} did not finish playing within {timeout_s:.0f} s")
            if self._broken.is_set():
                raise PlaybackError(f"libvlc could not play {path.name}")
        finally:
            self.player.stop()  # synchronous: no event of this play arrives after it


class Announcer:
    """Turns calls into announcements and plays them in order on one thread.

    Args:
        pack_dir: the voice pack folder.
        workdir: where the joined WAV of each announcement is written (and removed after playing).
        player: anything with ``play(path, timeout_s)`` and ``problem`` (``VlcPlayer``).
    """

    def __init__(
        self,
        *,
        pack_dir: str | Path,
        template: str,
        repeat: int,
        english: bool,
        player,
        workdir: str | Path,
        keep: int = 500,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.template, self.repeat, self.english = template, repeat, english
        self.player = player
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.clock = clock
        self.records: deque[Announcement] = deque(maxlen=keep)
        self.totals: Counter[str] = Counter()  # made, played, failed — since start, beyond the kept records
        self.listeners: list[Callable[[dict], None]] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._queue: queue.Queue = queue.Queue()  # announcements; wait_idle markers; None stops
        self.pack: VoicePack | None = None
        self.problem = player.problem
        try:
            self.pack = VoicePack.load(pack_dir)
            speech.check_template(template, self.pack.phrases)
        except (VoicePackError, speech.TemplateError) as exc:
            self.problem = self.problem or str(exc)
        if self.problem:
            log.warning("voice announcements will fail: %s", self.problem)
        self._thread = threading.Thread(target=self._run, name="announcer", daemon=True)
        self._thread.start()

    # -- making announcements ---------------------------------------------------------------
    def announce(self, number: str, window: int, service: str, recall: bool = False) -> dict:
        """Queue an announcement (never blocks); returns its record."""
        record = Announcement(
            id=next(self._ids), number=number, window=window, service=service, recall=recall, queued_at=self.clock()
        )
        with self._lock:
            self.totals["made"] += 1
        try:
            record.tokens = speech.tokens(
                self.template,
                number,
                window,
                english=self.english,
                phrases=self.pack.phrases if self.pack else speech.PHRASES_ZH,
            )
            if self.pack:
                record.clips = [self.pack.clips.get(t, "") for t in record.tokens]
        except (speech.TemplateError, ValueError) as exc:
            self._finish(record, "failed", str(exc), keep=True)
            return record.as_dict()
        with self._lock:
            self.records.append(record)
        self._notify(record)
        self._queue.put(record)
        return record.as_dict()

    def recent(self, limit: int = 50) -> list[dict]:
        """The newest announcements first."""
        with self._lock:
            return [r.as_dict() for r in list(self.records)[::-1][:limit]]

    def listen(self, callback: Callable[[dict], None]) -> None:
        """Call ``callback(record)`` on every change of an announcement's state."""
        self.listeners.append(callback)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until everything queued so far has been played or failed (tests, shutdown)."""
        done = threading.Event()
        self._queue.put(done)
        return done.wait(timeout)

    def stop(self) -> None:
        """Stop the player thread once it has played the announcements already queued."""
        self._queue.put(None)
        self._thread.join(timeout=5)

    # -- the player thread ------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            record = self._queue.get()
            if record is None:
                return
            if isinstance(record, threading.Event):
                record.set()
                continue
            try:
                self._play(record)
            except Exception as exc:  # one broken announcement must never stop the ones after it
                log.exception("announcement %s failed", record.id)
                self._finish(record, "failed", f"{type(exc).__name__}: {exc}")

    def _play(self, record: Announcement) -> None:
        if self.problem or self.pack is None:
            self._finish(record, "failed", self.problem or "no voice pack is loaded")
            return
        audio = self.workdir / f"announcement-{record.id}.wav"
        try:
            record.seconds = round(self.pack.join(record.tokens, audio, self.repeat), 3)
        except VoicePackError as exc:
            self._finish(record, "failed", str(exc))
            return
        record.state, record.started_at = "playing", self.clock()
        self._notify(record)
        try:
            self.player.play(audio, record.seconds + PLAY_MARGIN_S)
        except PlaybackError as exc:
            self._finish(record, "failed", str(exc))
        else:
            self._finish(record, "played", None)
        finally:
            audio.unlink(missing_ok=True)

    def _finish(self, record: Announcement, state: str, reason: str | None, keep: bool = False) -> None:
        record.state, record.reason, record.finished_at = state, reason, self.clock()
        with self._lock:
            self.totals[state] += 1
            if keep:
                self.records.append(record)
        if reason:
            log.info("announcement %s (%s to window %s) %s: %s", record.id, record.number, record.window, state, reason)
        self._notify(record)

    def _notify(self, record: Announcement) -> None:
        payload = record.as_dict()
        for listener in self.listeners:
            try:
                listener(payload)
            except Exception:
                log.exception("announcement listener failed")
