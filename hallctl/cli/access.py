"""Who may use the hall: ``hallctl user add|passwd|disable``, ``hallctl token add`` and ``hallctl token revoke``."""

from __future__ import annotations

import argparse
import getpass
import sys

from hallctl.cli.common import EXIT_USAGE, Subcommands, load_or_exit, open_hall
from hallctl.domain.errors import DomainError, NotFound


def add_user(sub: Subcommands) -> None:
    """Register ``user add``, ``user passwd`` and ``user disable``."""
    user = sub.add_parser("user", help="staff users").add_subparsers(dest="user_command", required=True)
    p = user.add_parser("add", help="add a user, or update one's role and password (ends their sessions)")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=["staff", "manager", "admin"])
    p.add_argument("--config", required=True)
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(func=user_add)
    p = user.add_parser("passwd", help="set a user's password and end every session they have")
    p.add_argument("name")
    p.add_argument("--config", required=True)
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(func=user_passwd)
    p = user.add_parser("disable", help="refuse a user's log-ins and end every session they have")
    p.add_argument("name")
    p.add_argument("--config", required=True)
    p.set_defaults(func=user_disable)


def add_token(sub: Subcommands) -> None:
    """Register ``token add`` and ``token revoke``."""
    token = sub.add_parser("token", help="API tokens").add_subparsers(dest="token_command", required=True)
    p = token.add_parser("add", help="create a bearer token and print it")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=["kiosk", "display", "device", "metrics"])
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
    password = _new_password(args)
    if password is None:
        return EXIT_USAGE
    try:
        auth.add_user(hall, args.name, args.role, password)
    except DomainError as exc:
        print(f"hallctl: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    print(f"user {args.name} ({args.role}) saved")
    return 0


def user_passwd(args: argparse.Namespace) -> int:
    """Set a user's password and end their sessions; exit 1 when there is no such user, 2 for a refused password."""
    from hallctl.services import auth

    hall = open_hall(load_or_exit(args.config))
    password = _new_password(args)
    if password is None:
        return EXIT_USAGE
    try:
        ended = auth.set_password(hall, args.name, password)
    except NotFound as exc:
        print(f"hallctl: {exc.message}", file=sys.stderr)
        return 1
    except DomainError as exc:
        print(f"hallctl: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    print(f"password of {args.name} changed; ended {ended} session(s)")
    return 0


def user_disable(args: argparse.Namespace) -> int:
    """Disable a user and end their sessions; exit 1 when there is no such user."""
    from hallctl.services import auth

    hall = open_hall(load_or_exit(args.config))
    try:
        ended = auth.disable_user(hall, args.name)
    except NotFound as exc:
        print(f"hallctl: {exc.message}", file=sys.stderr)
        return 1
    print(f"user {args.name} disabled; ended {ended} session(s)")
    return 0


def _new_password(args: argparse.Namespace) -> str | None:
    """The password read once from standard input, or asked twice on the terminal; None when the two differ."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass(f"password for {args.name}: ")
    if getpass.getpass("again: ") != password:
        print("hallctl: the passwords differ", file=sys.stderr)
        return None
    return password


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
