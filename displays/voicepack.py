"""Voice packs: a folder of WAV clips and ``manifest.json`` naming the clip of each token.

``hallctl voice build`` makes one offline with espeak-ng (Mandarin through the
``cmn-latn-pinyin`` voice, English through ``en``), trimmed, peak-normalised and
resampled to mono 16-bit 16 kHz with the standard library. A hall replaces any
clip with a recorded human voice by dropping a WAV of the same format under the
same file name (or pointing the manifest at another file).
"""

from __future__ import annotations

import array
import json
import math
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

from . import speech

FORMAT = "hallctl-voice-1"
RATE = 16000
GAP_S = 0.06
"""Silence between clips of one announcement."""
REPEAT_GAP_S = 0.8
"""Silence between repeats."""
PEAK = 0.89  # -1 dBFS
SILENCE = 400  # of 32767: quieter than this at the ends is trimmed


class VoicePackError(Exception):
    """A pack that cannot be used: no manifest, a clip missing, a WAV of another format."""


@dataclass(frozen=True)
class VoicePack:
    """A built voice pack: its directory and the clip file of each token."""

    root: Path
    clips: dict[str, str]

    @classmethod
    def load(cls, root: str | Path) -> VoicePack:
        """The pack in ``root``, from its ``manifest.json``.

        Raises:
            VoicePackError: the manifest is missing, not JSON, or not of this format.
        """
        root = Path(root)
        try:
            manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise VoicePackError(
                f"no voice pack at {root}: manifest.json is missing (run `hallctl voice build`)"
            ) from None
        except json.JSONDecodeError as exc:
            raise VoicePackError(f"{root / 'manifest.json'} is not valid JSON: {exc}") from None
        if manifest.get("format") != FORMAT or not isinstance(manifest.get("clips"), dict):
            raise VoicePackError(f"{root / 'manifest.json'} is not a {FORMAT} manifest")
        return cls(root, {str(k): str(v) for k, v in manifest["clips"].items()})

    @property
    def phrases(self) -> list[str]:
        """The Chinese phrases the pack can say (what template text may be made of)."""
        return [t for t in self.clips if t != speech.CHIME and not t.startswith("en:")]

    def path(self, token: str) -> Path:
        """The clip file of a token.

        Raises:
            VoicePackError: the manifest has no clip for it, or the file is gone.
        """
        name = self.clips.get(token)
        if name is None:
            raise VoicePackError(f"the voice pack has no clip for {token!r}")
        path = self.root / name
        if not path.is_file():
            raise VoicePackError(f"clip {name} for {token!r} is missing from {self.root}")
        return path

    def join(self, tokens: list[str], out: Path, repeat: int = 1) -> float:
        """Write the clips of ``tokens`` as one WAV, ``repeat`` times; returns its length in seconds.

        Raises:
            VoicePackError: a clip is missing or not mono 16-bit 16 kHz.
        """
        paths = [self.path(t) for t in tokens]
        frames = bytearray()
        gap, pause = _silence(GAP_S), _silence(REPEAT_GAP_S)
        once = bytearray()
        for path in paths:
            once += _read(path) + gap
        for i in range(repeat):
            frames += (pause if i else b"") + once
        _write(out, bytes(frames))
        return len(frames) / 2 / RATE


def clip_name(token: str) -> str:
    """A file name for a token: ``zh-8bf7.wav`` for 请, ``en-please-go-to-window.wav``, ``chime.wav``."""
    if token == speech.CHIME:
        return "chime.wav"
    if token.startswith("en:"):
        return "en-" + token[3:].replace(" ", "-").lower() + ("-letter" if token[3:].isupper() else "") + ".wav"
    return "zh-" + "-".join(f"{ord(c):04x}" for c in token) + ".wav"


def _silence(seconds: float) -> bytes:
    return bytes(2 * int(RATE * seconds))


def _read(path: Path) -> bytes:
    try:
        with wave.open(str(path), "rb") as clip:
            shape = (clip.getnchannels(), clip.getsampwidth(), clip.getframerate())
            if shape != (1, 2, RATE):
                raise VoicePackError(
                    f"{path.name} is {shape[0]} ch, {8 * shape[1]}-bit, {shape[2]} Hz; "
                    f"clips must be mono 16-bit {RATE} Hz"
                )
            return clip.readframes(clip.getnframes())
    except (wave.Error, EOFError) as exc:
        raise VoicePackError(f"{path.name} is not a WAV file: {exc}") from None


def _write(path: Path, frames: bytes) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(frames)


def condition(samples: array.array, rate: int) -> array.array:
    """Trim quiet ends, resample to 16 kHz (linear), peak-normalise to -1 dBFS."""
    loud = [i for i, s in enumerate(samples) if abs(s) > SILENCE]
    if loud:
        samples = samples[max(loud[0] - rate // 100, 0) : loud[-1] + rate // 50]
    if rate != RATE and len(samples) > 1:
        step = rate / RATE
        count = int((len(samples) - 1) / step)
        resampled = array.array("h")
        for i in range(count):
            x = i * step
            j = int(x)
            resampled.append(int(samples[j] + (samples[j + 1] - samples[j]) * (x - j)))
        samples = resampled
    peak = max((abs(s) for s in samples), default=0)
    if peak:
        gain = PEAK * 32767 / peak
        samples = array.array("h", (max(-32768, min(32767, int(s * gain))) for s in samples))
    return samples


def chime() -> array.array:
    """A two-tone chime (E5 then C5, each decaying), synthesised."""
    out = array.array("h")
    for freq, seconds in ((659.25, 0.35), (523.25, 0.55)):
        n = int(RATE * seconds)
        for i in range(n):
            envelope = math.exp(-4.0 * i / n)
            out.append(int(PEAK * 32767 * envelope * math.sin(2 * math.pi * freq * i / RATE)))
    return out


def _espeak(voice: str, text: str, engine: str, workdir: Path) -> array.array:
    raw = workdir / "raw.wav"
    try:
        subprocess.run(
            [engine, "-v", voice, "-s", "150", "-w", str(raw), text], check=True, capture_output=True, timeout=30
        )
    except FileNotFoundError:
        raise VoicePackError(f"{engine} is not installed (Debian: apt-get install espeak-ng)") from None
    except subprocess.CalledProcessError as exc:
        raise VoicePackError(f"{engine} failed on {text!r}: {exc.stderr.decode(errors='replace').strip()}") from None
    with wave.open(str(raw), "rb") as clip:
        if clip.getnchannels() != 1 or clip.getsampwidth() != 2:
            raise VoicePackError(f"{engine} wrote an unexpected WAV format")
        samples = array.array("h", clip.readframes(clip.getnframes()))
        return condition(samples, clip.getframerate())


def spoken(token: str) -> tuple[str, str]:
    """(voice, text) espeak-ng reads for a token."""
    if token.startswith("en:"):
        word = token[3:]
        if word.isdigit():
            word = speech.UNITS_EN[int(word)]
        return "en", word
    return "cmn-latn-pinyin", token


def build(out: str | Path, engine: str = "espeak-ng") -> VoicePack:
    """Generate a complete pack in ``out`` (replacing its manifest and generated clips)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    clips = {}
    with tempfile.TemporaryDirectory() as tmp:
        for token in speech.all_tokens():
            samples = chime() if token == speech.CHIME else _espeak(*spoken(token), engine, Path(tmp))
            _write(out / clip_name(token), samples.tobytes())
            clips[token] = clip_name(token)
    manifest = {"format": FORMAT, "rate": RATE, "channels": 1, "sample_width": 2, "engine": engine, "clips": clips}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return VoicePack.load(out)
