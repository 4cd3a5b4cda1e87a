"""``hallctl devices probe``: talk to every configured device and print a status table."""

from __future__ import annotations

import argparse

from hallctl.cli.common import Subcommands, load_or_exit
from hallctl.config import BusConfig, DeviceConfig

Row = tuple[str, str, str, str, str]
"""NAME, KIND, CONNECTION, STATE, DETAIL."""


def add_devices(sub: Subcommands) -> None:
    """Register ``devices probe``."""
    devices = sub.add_parser("devices", help="hall devices").add_subparsers(dest="devices_command", required=True)
    p = devices.add_parser("probe", help="talk to every configured device and print a status table")
    p.add_argument("--config", required=True)
    p.set_defaults(func=devices_probe)


def devices_probe(args: argparse.Namespace) -> int:
    """Talk to every configured device; print a table; exit 1 unless every device is ready."""
    config = load_or_exit(args.config)
    rows = [_probe_printer(d) for d in config.devices if d.kind == "printer"]
    for bus in config.buses:
        rows.extend(_probe_bus(bus, [d for d in config.devices if d.bus == bus.name]))
    header = ("NAME", "KIND", "CONNECTION", "STATE", "DETAIL")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(4)]
    for row in [header, *rows]:
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=False)) + "  " + row[4])
    if not rows:
        print("no devices configured")
    return 0 if all(row[3].startswith("ready") for row in rows) else 1


def _probe_printer(device: DeviceConfig) -> Row:
    from devices.printer import query_status
    from devices.printer_status import STATE_ZH, PrinterState
    from devices.transport import DeviceError, Transport

    assert device.url is not None  # the config requires a printer's url
    transport = Transport(device.url, device.baudrate, device.status_timeout_ms / 1000)
    try:
        transport.open()
        status = query_status(transport)
        state, detail = status.state, status.detail
    except DeviceError as exc:
        state, detail = PrinterState.OFFLINE, exc.message
    finally:
        transport.close()
    return device.name, device.kind, device.url, f"{state.value} {STATE_ZH[state]}", detail


def _probe_bus(bus: BusConfig, members: list[DeviceConfig]) -> list[Row]:
    from pymodbus import FramerType
    from pymodbus.client import ModbusSerialClient
    from pymodbus.exceptions import ModbusException

    from devices.bus import BusTiming

    timing = BusTiming(reply_margin_s=bus.timeout_ms / 1000)  # the same reply timeout as the running server's
    client = ModbusSerialClient(
        bus.url, framer=FramerType.RTU, baudrate=bus.baudrate, timeout=timing.reply_timeout_s(bus.baudrate), retries=1
    )
    rows: list[Row] = []
    opened = client.connect()
    for device in members:
        assert device.address is not None  # the config requires the address of a device on a bus
        where = f"{bus.name} #{device.address}"
        if not opened:
            detail = f"cannot open {bus.url} (missing, or in use by a running hallctl serve)"
            rows.append((device.name, device.kind, where, "offline 离线", detail))
            continue
        try:
            reply = client.read_input_registers(0, count=1, device_id=device.address)
            ok = not reply.isError()
            detail = f"input 0x0000 = {reply.registers[0]}" if ok else f"exception reply {reply}"
        except ModbusException as exc:
            ok, detail = False, f"no valid reply: {exc}"
        rows.append((device.name, device.kind, where, "ready 正常" if ok else "offline 离线", detail))
    client.close()
    return rows
