"""Voice: calls (and recalls) on the event bus become announcements, on the bus's own subscriber thread."""

from __future__ import annotations

import tempfile
from pathlib import Path

from displays.announcer import Announcer, VlcPlayer
from hallctl.domain import events as ev

WORKDIR = Path(tempfile.gettempdir()) / "hallctl-announcements"
"""Where each announcement's joined WAV lives while it plays."""


def start_announcer(hall, player=None, workdir: Path = WORKDIR) -> Announcer:
    """Start the announcer of ``[voice]``, subscribe it to ``TicketCalled`` and tell ``hall.announcement_listeners``.

    Args:
        player: the player to use (default: python-vlc with ``vlc_args``).
    """
    voice = hall.config.voice
    announcer = Announcer(
        pack_dir=voice.pack,
        template=voice.template,
        repeat=voice.repeat,
        english=voice.english,
        player=player or VlcPlayer(voice.vlc_args),
        workdir=workdir,
        clock=hall.now,
    )

    def tell_listeners(record: dict) -> None:
        for listener in hall.announcement_listeners:
            listener(record)

    announcer.listen(tell_listeners)

    def on_domain_events(batch: list[ev.TicketCalled]) -> None:
        for event in batch:
            if event.window is not None:  # what wants() lets through
                announcer.announce(event.number, event.window, event.service, event.recall)

    hall.bus.subscribe("voice", on_domain_events, remote=True, wants=wants)
    return announcer


def wants(event: ev.Event) -> bool:
    """What the announcer speaks: calls to a window."""
    return isinstance(event, ev.TicketCalled) and event.window is not None


def stop_announcer(hall) -> None:
    """Stop the hall's voice announcer: no more calls reach it, and it finishes what it has queued."""
    hall.bus.unsubscribe("voice")
    hall.announcer.stop()
    hall.announcer = None
