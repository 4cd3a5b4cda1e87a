"""``hallctl demo``: the bundled demo hall on simulated printers and RS-485 lines, with users and tokens made."""

from __future__ import annotations

import argparse
import logging
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hallctl.cli.common import Subcommands, load_or_exit
from hallctl.cli.serve import serve_config
from hallctl.config import Config

if TYPE_CHECKING:
    from devices.simulators.escpos_printer import PrintedTicket
    from hallctl.services.context import Hall

DEMO_PASSWORD = "demo-hall-2026"  # 14 characters: a manager's password needs 12


def add_demo(sub: Subcommands) -> None:
    """Register ``demo``."""
    p = sub.add_parser("demo", help="run the demo hall (bundled config, SQLite under ./var/)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.set_defaults(func=demo)


def demo(args: argparse.Namespace) -> int:
    """Migrate ./var/, start the simulators, serve the demo hall and print where everything is."""
    from hallctl.migrations import upgrade

    source = resources.files("hallctl") / "demo" / "hall.toml"
    config = load_or_exit(str(source))
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
        return serve_config(config, args.host, args.port, banner=_demo_banner)
    finally:
        for simulator in simulators:
            simulator.stop()


def _demo_buses(config: Config) -> list[Any]:
    """Simulated HallBus lines (LEDs, evaluators, caller keypads) on ptys at the demo config's bus paths."""
    from devices.simulators.hallbus_line import HallBusLine

    return [
        HallBusLine(
            bus.url, {d.address: d.kind for d in config.devices if d.bus == bus.name and d.address is not None}
        ).start()
        for bus in config.buses
    ]


def _demo_printers(config: Config) -> list[Any]:
    """Simulated ESC/POS printers on ptys at the demo config's printer paths."""
    from devices.simulators.escpos_printer import PrinterSimulator

    log = logging.getLogger("hallctl.demo")
    simulators = []
    for device in config.devices:
        if device.kind == "printer":

            def printed(ticket: PrintedTicket, name: str = device.name) -> None:
                log.info("%s printed %s", name, " | ".join(line for line in ticket.text.splitlines() if line.strip()))

            simulators.append(PrinterSimulator(device.url, encoding=device.encoding, on_ticket=printed).start())
    return simulators


def _demo_banner(hall: Hall, host: str, port: int) -> None:
    """Add the demo's users and tokens, then print the addresses, logins and tokens to try."""
    from hallctl.services import auth

    auth.add_user(hall, "manager", "manager", DEMO_PASSWORD, "值班经理")
    for window in hall.config.windows:
        auth.add_user(hall, f"staff{window.number}", "staff", DEMO_PASSWORD, f"{window.number}号窗口")
    tokens = {k.id: auth.add_token(hall, k.id, "kiosk") for k in hall.config.kiosks}
    kiosk = next(iter(tokens.values()), None) or auth.add_token(hall, "kiosk", "kiosk")
    display = auth.add_token(hall, "hall-screen", "display")
    print(_banner_text(hall.config, f"http://localhost:{port}", tokens, kiosk, display), flush=True)


def _banner_text(config: Config, base: str, tokens: dict[str, str], kiosk: str, display: str) -> str:
    buses = ", ".join(
        f"{b.name} (simulated at {b.url}: {sum(d.bus == b.name for d in config.devices)} devices)" for b in config.buses
    )
    kiosks = "\n".join(f"  kiosk {name:<8} {base}/kiosk/{name}?token={token}" for name, token in tokens.items())
    printers = ", ".join(f"{d.name} (simulated at {d.url})" for d in config.devices if d.kind == "printer")
    return f"""
hallctl demo — {config.hall.name}
{kiosks}
  staff console  {base}/staff
  dashboard      {base}/manage
  hall screen    {base}/screen?token={display}
  results        {base}/results
  API            {base}/api/v1/services
  OpenAPI        {base}/api/v1/openapi.json
  health         {base}/api/v1/healthz
  staff logins   staff1 … staff{len(config.windows)} / {DEMO_PASSWORD}   manager / {DEMO_PASSWORD}
  kiosk token    {kiosk}
  display token  {display}
  printers       {printers}
  RS-485 bus     {buses}
  database       {config.hall.database}

  try:  curl -s -X POST {base}/api/v1/tickets -H 'Authorization: Bearer {kiosk}' \\
             -H 'Content-Type: application/json' -d '{{"service": "SB"}}'
"""
