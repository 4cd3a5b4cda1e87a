"""Who may use the hall: ``hallctl user add``, ``hallctl token add`` and ``hallctl token revoke``."""

from __future__ import annotations

import argparse
import getpass
import sys

from hallctl.cli.common import EXIT_USAGE, Subcommands, load_or_exit, open_hall
from hallctl.domain.errors import DomainError


def add_user(sub: Subcommands) -> None:
    """Register ``user add``."""
    user = sub.add_parser("user", help="staff users").add_subparsers(dest="user_command", required=True)
    p = user.add_parser("add", help="add or update a user")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=["staff", "manager", "admin"])
    p.add_argument("--config", required=True)
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(func=user_add)


def add_token(sub: Subcommands) -> None:
    """Register ``token add`` and ``token revoke``."""
    token = sub.add_parser("token", help="API tokens").add_subparsers(dest="token_command", required=True)
    p = token.add_parser("add", help="create a bearer token and print it")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=["kiosk", "display", "device"])
    p.add_argument("--config", required=True)
    p.set_defaults(func=token_add)
    p = token.add_parser("revoke", help="revoke every token with this name (a stolen kiosk token …)")
    p.add_argument("name")
    p.add_argument("--config", required=True)
    p.set_defaults(func=token_revoke)


def user_add(args: argparse.Namespace) -> int:
    """Add or update a staff user; the password is asked twice, or read once from standard input."""
    from hallctl.services import auth

    hall = open_hall(load_or_exit(args.config))
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


def token_add(args: argparse.Namespace) -> int:
    """Create a bearer token and print it."""
    from hallctl.services import auth

    hall = open_hall(load_or_exit(args.config))
    print(auth.add_token(hall, args.name, args.role))
    return 0


def token_revoke(args: argparse.Namespace) -> int:
    """Revoke every token with this name; exit 1 when there was none."""
    from hallctl.services import auth

    hall = open_hall(load_or_exit(args.config))
    count = auth.revoke_tokens(hall, args.name)
    print(f"revoked {count} token(s) named {args.name}")
    return 0 if count else 1
