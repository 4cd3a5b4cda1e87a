"""HallBus Modbus profile v1: register layouts of window/hall LED screens, evaluators and caller keypads.

Pure encoding and decoding (no I/O). Text is GB18030, two bytes per register,
big-endian, zero-padded (PRODUCT.md §4.5; docs/protocols/hallbus-modbus.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from displays.text import fit_bytes

ENCODING = "gb18030"

# Register addresses of the profile, one group per device kind. Each names its row in the profile's tables
# (docs/protocols/hallbus-modbus.md, summarised in PRODUCT.md §4.5).

# -- window_led / hall_led (profile: "Window LED and hall LED"): one FC16 write of 0x0000-0x004F per update --
LED_EFFECT = 0x0000  # holding: 0 static, 1 blink, 2 scroll
LED_BLINK_S = 0x0001  # holding: blink seconds (0 = until the next update)
LED_LENGTH = 0x0002  # holding: text length in bytes
LED_SEQUENCE = 0x0003  # holding: the screen shows the text when this changes
LED_TEXT = 0x0010  # holding 0x0010-0x004F: the text, 128 bytes
LED_TEXT_BYTES = 128
LED_BLOCK_START = 0x0000  # one update writes LED_BLOCK registers from here
LED_BLOCK = 0x0050  # registers in one update (0x0000-0x004F)
LED_SHOWN = 0x0000  # input: the sequence shown
EFFECT_STATIC, EFFECT_BLINK, EFFECT_SCROLL = 0, 1, 2

# -- evaluator (profile: "Evaluator") ---------------------------------------------------------------------
EVAL_COUNTER = 0x0000  # input: press counter, u16, wraps
EVAL_KEY = 0x0001  # input: last key 1..5
EVAL_AGE_S = 0x0002  # input: seconds since that press
EVAL_INPUTS = 3  # input registers polled: 0x0000-0x0002
EVAL_MODE = 0x0000  # holding: 0 idle, 1 inviting a rating, 2 thanks
EVAL_TEXT = 0x0010  # holding 0x0010-0x002F: staff text, 64 bytes
EVAL_TEXT_BYTES = 64
EVAL_BLOCK_START = 0x0000  # one update writes EVAL_BLOCK registers from here
EVAL_BLOCK = 0x0030  # registers in one update (0x0000-0x002F)
MODE_IDLE, MODE_INVITING, MODE_THANKS = 0, 1, 2

# -- caller keypad (profile: "Caller keypad") -------------------------------------------------------------
CALLER_COUNTER = 0x0000  # input: press counter, u16, wraps
CALLER_KEY = 0x0001  # input: last key
CALLER_INPUTS = 2  # input registers polled: 0x0000-0x0001
CALLER_TEXT = 0x0010  # holding 0x0010-0x002F: display text, 64 bytes
CALLER_TEXT_BYTES = 64


@dataclass(frozen=True)
class KeypadInputs:
    """The input registers a device with keys is polled for: ``count`` from ``start``, holding the press counter
    and the last key at the addresses ``counter`` and ``key``."""

    start: int
    count: int
    counter: int
    key: int

    def presses(self, registers: Sequence[int]) -> tuple[int, int]:
        """``(press counter, last key)`` from the registers read."""
        return registers[self.counter - self.start], registers[self.key - self.start]


KEYPAD_INPUTS = {
    "evaluator": KeypadInputs(EVAL_COUNTER, EVAL_INPUTS, EVAL_COUNTER, EVAL_KEY),
    "caller": KeypadInputs(CALLER_COUNTER, CALLER_INPUTS, CALLER_COUNTER, CALLER_KEY),
}
"""The device kinds the bus polls for presses, by kind."""

KEY_ACTIONS = {1: "call", 2: "recall", 3: "no_show", 4: "start", 5: "finish", 6: "pause_toggle", 8: "hold"}


def pack_text(text: str, max_bytes: int) -> tuple[list[int], int]:
    """``(registers, length)``: GB18030 bytes cut at ``max_bytes`` without splitting a character,
    zero-padded to ``max_bytes`` (even), two bytes per register, big-endian."""
    if max_bytes % 2:
        raise ValueError("text areas are whole registers: max_bytes must be even")
    data = fit_bytes(text, ENCODING, max_bytes)
    length = len(data)
    padded = data.ljust(max_bytes, b"\x00")
    return [padded[i] << 8 | padded[i + 1] for i in range(0, max_bytes, 2)], length


def unpack_text(registers: list[int], length: int) -> str:
    """The text a screen shows from its text registers and the length register."""
    data = b"".join(r.to_bytes(2, "big") for r in registers)[:length]
    return data.decode(ENCODING, errors="replace")


def led_block(text: str, sequence: int, effect: int = EFFECT_STATIC, blink_s: int = 0) -> list[int]:
    """Registers 0x0000-0x004F of a LED update (one FC16 write)."""
    words, length = pack_text(text, LED_TEXT_BYTES)
    block = [0] * LED_BLOCK
    block[LED_EFFECT], block[LED_BLINK_S], block[LED_LENGTH] = effect, blink_s, length
    block[LED_SEQUENCE] = sequence & 0xFFFF
    block[LED_TEXT : LED_TEXT + len(words)] = words
    return block


def evaluator_block(mode: int, staff_text: str) -> list[int]:
    """Registers 0x0000-0x002F of an evaluator update: mode and staff text."""
    words, _length = pack_text(staff_text, EVAL_TEXT_BYTES)
    block = [0] * EVAL_BLOCK
    block[EVAL_MODE] = mode
    block[EVAL_TEXT : EVAL_TEXT + len(words)] = words
    return block


def caller_text(text: str) -> list[int]:
    """Registers 0x0010-0x002F of a caller keypad's display."""
    return pack_text(text, CALLER_TEXT_BYTES)[0]


@dataclass
class Presses:
    """What a changed press counter means: how many presses, and how many were missed."""

    count: int
    missed: int


class PressCounter:
    """Turns successive readings of a u16 press counter into presses (wraps at 65536).

    The first reading is the baseline. A reading repeated (a lost reply, a
    repeated poll) is no press; a jump of more than one means presses between
    polls, of which only the last key is known.
    """

    def __init__(self) -> None:
        self.last: int | None = None

    def update(self, counter: int) -> Presses:
        """The presses since the last reading (none at the first, the baseline), and how many of them were missed."""
        if self.last is None:
            self.last = counter
            return Presses(0, 0)
        delta = (counter - self.last) % 0x10000
        self.last = counter
        return Presses(delta, max(0, delta - 1))
