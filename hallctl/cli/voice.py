"""``hallctl voice build``: a complete voice pack, generated offline with espeak-ng."""

from __future__ import annotations

import argparse
import sys

from hallctl.cli.common import EXIT_USAGE, Subcommands


def add_voice(sub: Subcommands) -> None:
    """Register ``voice build``."""
    voice = sub.add_parser("voice", help="voice announcements").add_subparsers(dest="voice_command", required=True)
    p = voice.add_parser("build", help="generate a complete voice pack offline with espeak-ng")
    p.add_argument("--engine", default="espeak-ng", help="the espeak-ng command (default: espeak-ng)")
    p.add_argument("--out", default="voices/zh-CN", help="the pack folder (default: voices/zh-CN)")
    p.set_defaults(func=voice_build)


def voice_build(args: argparse.Namespace) -> int:
    """Build the pack in ``--out``; print how many clips, or the error (exit 2)."""
    from displays.voicepack import VoicePackError, build

    try:
        pack = build(args.out, args.engine)
    except VoicePackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(
        f"built {len(pack.clips)} clips (mono 16-bit 16 kHz) in {pack.root}; "
        f"point [voice] pack at it, or replace clips there with recorded ones of the same format"
    )
    return 0
