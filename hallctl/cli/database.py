"""The hall's data: ``hallctl db upgrade``, ``hallctl purge`` and ``hallctl seed``."""

from __future__ import annotations

import argparse

from hallctl.cli.common import Subcommands, load_or_exit, open_hall


def add_db(sub: Subcommands) -> None:
    """Register ``db upgrade``."""
    db = sub.add_parser("db", help="database schema").add_subparsers(dest="db_command", required=True)
    p = db.add_parser("upgrade", help="apply migrations")
    p.add_argument("--config", required=True)
    p.set_defaults(func=db_upgrade)


def add_purge(sub: Subcommands) -> None:
    """Register ``purge``."""
    p = sub.add_parser("purge", help="drop citizen hashes past [privacy] citizen_hash_days (serve does it daily)")
    p.add_argument("--config", required=True)
    p.set_defaults(func=purge)


def add_seed(sub: Subcommands) -> None:
    """Register ``seed``."""
    p = sub.add_parser("seed", help="fill the database with synthetic history (demos, benchmarks)")
    p.add_argument("--days", type=int, required=True)
    p.add_argument("--config", required=True)
    p.add_argument(
        "--per-service-day",
        type=float,
        default=None,
        help="mean tickets per service and weekday (default: 75%% of what its windows can serve)",
    )
    p.set_defaults(func=seed)


def db_upgrade(args: argparse.Namespace) -> int:
    """Apply the migrations to the configured database and print the schema revision it is at."""
    from hallctl.migrations import head, upgrade

    config = load_or_exit(args.config)
    upgrade(config.hall.database)
    print(f"database {config.hall.database} is at schema {head()}")
    return 0


def purge(args: argparse.Namespace) -> int:
    """Drop the citizen hash of tickets older than ``[privacy] citizen_hash_days``; print how many."""
    from hallctl.services.citizens import purge as purge_citizen_hashes

    hall = open_hall(load_or_exit(args.config))
    try:
        removed = purge_citizen_hashes(hall)
    finally:
        hall.close()
    print(f"dropped the citizen hash of {removed} tickets older than {hall.config.privacy.citizen_hash_days} days")
    return 0


def seed(args: argparse.Namespace) -> int:
    """Fill the days before today with synthetic tickets; print how many."""
    from hallctl.reports.seed import seed as seed_history

    hall = open_hall(load_or_exit(args.config))
    try:
        count = seed_history(hall, args.days, per_service_day=args.per_service_day)
    finally:
        hall.close()
    print(f"seeded {count} tickets over the {args.days} days before today")
    return 0
