"""The checks that span a config's tables — unique keys, names that must exist — on the file's raw data.

They read the parsed TOML, not the models, so that :func:`~hallctl.config.loading.parse_config` reports them
together with every field error of the same file instead of one per run after the fields are fixed.
Anything of the wrong type is left to the field checks.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from hallctl.config.base import KeyPath, LocatedError

UNIQUE = (
    ("services", "code"),
    ("services", "prefix"),
    ("priorities", "code"),
    ("windows", "number"),
    ("kiosks", "id"),
    ("buses", "name"),
    ("devices", "name"),
)
"""(table, key) pairs whose values must differ from one entry to the next."""

WINDOW_DEVICES = (("led", "window_led"), ("evaluator", "evaluator"), ("caller", "caller"))
"""A window's device keys and the kind of device each must name."""


def reference_problems(data: Mapping[str, Any]) -> list[LocatedError]:
    """Every cross-reference problem of a config's data (parsed TOML or a model's dump), in file order."""
    problems = [problem for table, key in UNIQUE for problem in _duplicates(data, table, key)]
    problems += _window_references(data)
    problems += _kiosk_printers(data)
    problems += _buses_exist_with_one_protocol(data)
    weights = [priority.get("weight", 1) for _, priority in _entries(data, "priorities")]
    if weights and 1 not in weights:
        problems.append(LocatedError(("priorities",), "one priority class must have weight 1 (normal)"))
    return problems


def _entries(data: Mapping[str, Any], table: str) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """The entries of an array of tables that are tables, with their indexes."""
    items = data.get(table)
    if isinstance(items, list):
        for i, item in enumerate(items):
            if isinstance(item, Mapping):
                yield i, item


def _duplicates(data: Mapping[str, Any], table: str, key: str) -> Iterator[LocatedError]:
    seen: dict[object, int] = {}
    for i, item in _entries(data, table):
        value = item.get(key)
        if value is None or isinstance(value, list | dict):
            continue
        if value in seen:
            yield LocatedError((table, i, key), f"{key} {value!r} is already used by {table}[{seen[value]}]")
        else:
            seen[value] = i


def _window_references(data: Mapping[str, Any]) -> Iterator[LocatedError]:
    codes = {item.get("code") for _, item in _entries(data, "services")}
    for i, window in _entries(data, "windows"):
        services = window.get("services")
        for service in services if isinstance(services, list) else []:
            code = service.get("code") if isinstance(service, Mapping) else service
            if isinstance(code, str) and code not in codes:
                yield LocatedError(("windows", i, "services"), f"unknown service {code!r}")
        for key, kind in WINDOW_DEVICES:
            yield from _device_reference(data, window.get(key), kind, ("windows", i, key))


def _kiosk_printers(data: Mapping[str, Any]) -> Iterator[LocatedError]:
    for i, kiosk in _entries(data, "kiosks"):
        yield from _device_reference(data, kiosk.get("printer"), "printer", ("kiosks", i, "printer"))


def _device_reference(data: Mapping[str, Any], name: object, kind: str, loc: KeyPath) -> Iterator[LocatedError]:
    if not isinstance(name, str):
        return
    device = next((d for _, d in _entries(data, "devices") if d.get("name") == name), None)
    if device is None:
        yield LocatedError(loc, f"unknown device {name!r}")
    elif device.get("kind") != kind:
        yield LocatedError(loc, f"device {name!r} is a {device.get('kind')}, expected a {kind}")


def _buses_exist_with_one_protocol(data: Mapping[str, Any]) -> Iterator[LocatedError]:
    buses = {bus.get("name") for _, bus in _entries(data, "buses")}
    protocols: dict[str, str] = {}
    for i, device in _entries(data, "devices"):
        bus, protocol = device.get("bus"), device.get("protocol", "hallbus-modbus")
        if not isinstance(bus, str):
            continue
        if bus not in buses:
            yield LocatedError(("devices", i, "bus"), f"unknown bus {bus!r}")
        elif protocols.setdefault(bus, protocol) != protocol:
            yield LocatedError(
                ("devices", i, "protocol"), f"bus {bus!r} already carries {protocols[bus]}; one protocol per bus"
            )
