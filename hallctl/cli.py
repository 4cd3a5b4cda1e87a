"""``hallctl``: serve, demo, check-config, db upgrade, user add, token add."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from importlib import resources
from pathlib import Path

from hallctl.config import Config, ConfigError, load_config
from hallctl.domain.errors import DomainError
from hallctl.migrations import NotMigrated

EXIT_USAGE = 2
DEMO_PASSWORD = "demo-1234"


def _load(path: str) -> Config:
    try:
        return load_config(path)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        sys.exit(EXIT_USAGE)


def cmd_check_config(args) -> int:
    try:
        config = load_config(args.file)
    except ConfigError as exc:
        print(f"{len(exc.issues)} problem(s) in {exc.path}:", file=sys.stderr)
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    print(
        f"{args.file}: OK — hall {config.hall.id} ({config.hall.name}), {len(config.services)} services, "
        f"{len(config.windows)} windows, {len(config.kiosks)} kiosks, {len(config.devices)} devices"
    )
    return 0


def cmd_db_upgrade(args) -> int:
    from hallctl.migrations import head, upgrade

    config = _load(args.config)
    upgrade(config.hall.database)
    print(f"database {config.hall.database} is at schema {head()}")
    return 0


def _hall(config: Config):
    from hallctl.bootstrap import bootstrap

    try:
        return bootstrap(config)
    except NotMigrated as exc:
        print(f"hallctl: {exc}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def cmd_user_add(args) -> int:
    from hallctl.services import auth

    hall = _hall(_load(args.config))
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"password for {args.name}: ")
        if getpass.getpass("again: ") != password:
            print("hallctl: the passwords differ", file=sys.stderr)
            return EXIT_USAGE
    try:
        auth.add_user(hall, args.name, args.role, password)
    except DomainError as exc:
        print(f"hallctl: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    print(f"user {args.name} ({args.role}) saved")
    return 0


def cmd_token_add(args) -> int:
    from hallctl.services import auth

    hall = _hall(_load(args.config))
    print(auth.add_token(hall, args.name, args.role))
    return 0


def cmd_purge(args) -> int:
    from hallctl.services.citizens import purge

    hall = _hall(_load(args.config))
    try:
        removed = purge(hall)
    finally:
        hall.close()
    print(f"dropped the citizen hash of {removed} tickets older than {hall.config.privacy.citizen_hash_days} days")
    return 0


def cmd_voice_build(args) -> int:
    from displays.voicepack import VoicePackError, build

    try:
        pack = build(args.out, args.engine)
    except VoicePackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        f"built {len(pack.clips)} clips (mono 16-bit 16 kHz) in {pack.root}; "
        f"point [voice] pack at it, or replace clips there with recorded ones of the same format"
    )
    return 0


def cmd_seed(args) -> int:
    from hallctl.reports.seed import seed

    hall = _hall(_load(args.config))
    try:
        count = seed(hall, args.days, per_service_day=args.per_service_day)
    finally:
        hall.close()
    print(f"seeded {count} tickets over the {args.days} days before today")
    return 0


def cmd_devices_probe(args) -> int:
    """Talk to every configured device; print a table; exit 1 unless every device is ready."""
    config = _load(args.config)
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


def _probe_printer(device) -> tuple:
    from devices.printer import query_status
    from devices.printer_status import STATE_ZH, PrinterState
    from devices.transport import DeviceError, Transport

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


def _probe_bus(bus, members) -> list[tuple]:
    from pymodbus import FramerType
    from pymodbus.client import ModbusSerialClient
    from pymodbus.exceptions import ModbusException

    logging.getLogger("pymodbus").setLevel(logging.CRITICAL)  # failures are reported in the table
    client = ModbusSerialClient(
        bus.url, framer=FramerType.RTU, baudrate=bus.baudrate, timeout=bus.timeout_ms / 1000, retries=1
    )
    rows = []
    opened = client.connect()
    for device in members:
        where = f"{bus.name} #{device.address}"
        if not opened:
            rows.append(
                (
                    device.name,
                    device.kind,
                    where,
                    "offline 离线",
                    f"cannot open {bus.url} (missing, or in use by a running hallctl serve)",
                )
            )
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


def cmd_token_revoke(args) -> int:
    from hallctl.services import auth

    hall = _hall(_load(args.config))
    count = auth.revoke_tokens(hall, args.name)
    print(f"revoked {count} token(s) named {args.name}")
    return 0 if count else 1


def _serve(config: Config, host: str, port: int, banner=None) -> int:
    from hallctl.bootstrap import build_app
    from hallctl.web.server import PooledWSGIServer

    try:
        hall, app, _socketio = build_app(config, devices=True, housekeeping=True)
    except NotMigrated as exc:
        print(f"hallctl: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if banner:
        banner(hall, host, port)
    logging.getLogger(__name__).info("hall %s serving on http://%s:%d", config.hall.id, host, port)
    PooledWSGIServer(host, port, app).serve_forever()
    return 0


def cmd_serve(args) -> int:
    return _serve(_load(args.config), args.host, args.port)


def cmd_demo(args) -> int:
    from hallctl.migrations import upgrade

    source = resources.files("hallctl") / "demo" / "hall.toml"
    config = _load(str(source))
    config = config.model_copy(
        update={
            "hall": config.hall.model_copy(update={"public_url": f"http://localhost:{args.port}"}),
            "voice": config.voice.model_copy(update={"pack": str(resources.files("hallctl") / "demo" / "voice")}),
        }
    )
    Path("var").mkdir(exist_ok=True)
    upgrade(config.hall.database)
    simulators = _demo_printers(config) + _demo_buses(config)
    try:
        return _serve(config, args.host, args.port, banner=_demo_banner)
    finally:
        for simulator in simulators:
            simulator.stop()


def _demo_buses(config: Config) -> list:
    """Simulated HallBus lines (LEDs, evaluators, caller keypads) on ptys at the demo config's bus paths."""
    from devices.simulators.hallbus_line import HallBusLine

    return [
        HallBusLine(bus.url, {d.address: d.kind for d in config.devices if d.bus == bus.name}).start()
        for bus in config.buses
    ]


def _demo_printers(config: Config) -> list:
    """Simulated ESC/POS printers on ptys at the demo config's printer paths."""
    from devices.simulators.escpos_printer import PrinterSimulator

    log = logging.getLogger("hallctl.demo")
    simulators = []
    for device in config.devices:
        if device.kind == "printer":

            def printed(ticket, name=device.name):
                log.info("%s printed %s", name, " | ".join(line for line in ticket.text.splitlines() if line.strip()))

            simulators.append(PrinterSimulator(device.url, encoding=device.encoding, on_ticket=printed).start())
    return simulators


def _demo_banner(hall, host: str, port: int) -> None:
    from hallctl.services import auth

    auth.add_user(hall, "manager", "manager", DEMO_PASSWORD, "值班经理")
    for window in hall.config.windows:
        auth.add_user(hall, f"staff{window.number}", "staff", DEMO_PASSWORD, f"{window.number}号窗口")
    tokens = {k.id: auth.add_token(hall, k.id, "kiosk") for k in hall.config.kiosks}
    kiosk = next(iter(tokens.values()), None) or auth.add_token(hall, "kiosk", "kiosk")
    display = auth.add_token(hall, "hall-screen", "display")
    base = f"http://localhost:{port}"
    buses = ", ".join(
        f"{b.name} (simulated at {b.url}: {sum(d.bus == b.name for d in hall.config.devices)} devices)"
        for b in hall.config.buses
    )
    kiosks = "\n".join(f"  kiosk {name:<8} {base}/kiosk/{name}?token={token}" for name, token in tokens.items())
    print(
        f"""
hallctl demo — {hall.config.hall.name}
{kiosks}
  staff console  {base}/staff
  dashboard      {base}/manage
  hall screen    {base}/screen?token={display}
  results        {base}/results
  API            {base}/api/v1/services
  OpenAPI        {base}/api/v1/openapi.json
  health         {base}/api/v1/healthz
  staff logins   staff1 … staff{len(hall.config.windows)} / {DEMO_PASSWORD}   manager / {DEMO_PASSWORD}
  kiosk token    {kiosk}
  display token  {display}
  printers       {", ".join(f"{d.name} (simulated at {d.url})" for d in hall.config.devices if d.kind == "printer")}
  RS-485 bus     {buses}
  database       {hall.config.hall.database}

  try:  curl -s -X POST {base}/api/v1/tickets -H 'Authorization: Bearer {kiosk}' \\
             -H 'Content-Type: application/json' -d '{{"service": "SB"}}'
""",
        flush=True,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hallctl", description="government service hall queue controller")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="run the hall server")
    p.add_argument("--config", required=True)
    p.add_argument("--host", default="0.0.0.0")
    p.add_argument("--port", type=int, default=8080)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("demo", help="run the demo hall (bundled config, SQLite under ./var/)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("check-config", help="validate a config file")
    p.add_argument("file")
    p.set_defaults(func=cmd_check_config)

    db = sub.add_parser("db", help="database schema").add_subparsers(dest="db_command", required=True)
    p = db.add_parser("upgrade", help="apply migrations")
    p.add_argument("--config", required=True)
    p.set_defaults(func=cmd_db_upgrade)

    user = sub.add_parser("user", help="staff users").add_subparsers(dest="user_command", required=True)
    p = user.add_parser("add", help="add or update a user")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=["staff", "manager", "admin"])
    p.add_argument("--config", required=True)
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(func=cmd_user_add)

    p = sub.add_parser("purge", help="drop citizen hashes past [privacy] citizen_hash_days (serve does it daily)")
    p.add_argument("--config", required=True)
    p.set_defaults(func=cmd_purge)

    p = sub.add_parser("seed", help="fill the database with synthetic history (demos, benchmarks)")
    p.add_argument("--days", type=int, required=True)
    p.add_argument("--config", required=True)
    p.add_argument(
        "--per-service-day",
        type=float,
        default=None,
        help="mean tickets per service and weekday (default: 75%% of what its windows can serve)",
    )
    p.set_defaults(func=cmd_seed)

    devices = sub.add_parser("devices", help="hall devices").add_subparsers(dest="devices_command", required=True)
    p = devices.add_parser("probe", help="talk to every configured device and print a status table")
    p.add_argument("--config", required=True)
    p.set_defaults(func=cmd_devices_probe)

    voice = sub.add_parser("voice", help="voice announcements").add_subparsers(dest="voice_command", required=True)
    p = voice.add_parser("build", help="generate a complete voice pack offline with espeak-ng")
    p.add_argument("--engine", default="espeak-ng", help="the espeak-ng command (default: espeak-ng)")
    p.add_argument("--out", default="voices/zh-CN", help="the pack folder (default: voices/zh-CN)")
    p.set_defaults(func=cmd_voice_build)

    token = sub.add_parser("token", help="API tokens").add_subparsers(dest="token_command", required=True)
    p = token.add_parser("add", help="create a bearer token and print it")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=["kiosk", "display", "device"])
    p.add_argument("--config", required=True)
    p.set_defaults(func=cmd_token_add)
    p = token.add_parser("revoke", help="revoke every token with this name (a stolen kiosk token …)")
    p.add_argument("name")
    p.add_argument("--config", required=True)
    p.set_defaults(func=cmd_token_revoke)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if not args.verbose:  # one line per HTTP request is noise at a hall's rate; -v brings it back
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
