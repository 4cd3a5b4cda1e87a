"""Modbus RTU on the wire: frame sizes and how long an exchange takes at a baud rate (no I/O).

Modbus over Serial Line V1.02 §2.5.1.1: a frame ends with a silence of 3.5 characters (t3.5), fixed at
1.75 ms above 19200 baud; Modbus Application Protocol V1.1b3 §6.4 and §6.12 give the frames of FC04 and FC16.
"""

from __future__ import annotations

from .transport import wire_time_s

FAST_LINE_BAUD = 19200  # above this, t3.5 is fixed
FAST_LINE_SILENCE_S = 0.00175
ADDRESS_FUNCTION_CRC = 4  # every frame: address, function code, two CRC bytes
START_AND_COUNT = 4  # a register range: first register, number of registers (two bytes each)
BYTE_COUNT = 1
REGISTER_BYTES = 2


def silence_s(baudrate: int) -> float:
    """t3.5: the silence after a frame by which a device knows it has ended."""
    return 3.5 * wire_time_s(1, baudrate) if baudrate <= FAST_LINE_BAUD else FAST_LINE_SILENCE_S


def read_input_exchange_bytes(count: int) -> int:
    """Bytes of an FC04 request for ``count`` input registers and its reply."""
    request = ADDRESS_FUNCTION_CRC + START_AND_COUNT
    reply = ADDRESS_FUNCTION_CRC + BYTE_COUNT + REGISTER_BYTES * count
    return request + reply


def write_exchange_bytes(count: int) -> int:
    """Bytes of an FC16 request writing ``count`` holding registers and its reply."""
    request = ADDRESS_FUNCTION_CRC + START_AND_COUNT + BYTE_COUNT + REGISTER_BYTES * count
    reply = ADDRESS_FUNCTION_CRC + START_AND_COUNT
    return request + reply


def exchange_time_s(size: int, baudrate: int) -> float:
    """Seconds on the line of a request and its reply, ``size`` bytes together, each followed by t3.5."""
    return wire_time_s(size, baudrate) + 2 * silence_s(baudrate)
