"""What a username and a password must be: a safe alphabet for names; length and commonness for passwords."""

from __future__ import annotations

import re

from hallctl.domain.errors import Invalid

from .common_passwords import COMMON_PASSWORDS

USERNAME = re.compile(r"[A-Za-z0-9._-]{1,64}")
"""A username: 1..64 ASCII letters, digits, dots, underscores and hyphens (no spaces, no control characters)."""

MIN_LENGTH = {"staff": 8, "manager": 12, "admin": 12}
"""The shortest password each role may have."""

MAX_LENGTH = 256
"""The longest password (what the log-in body accepts)."""

MIN_DISTINCT = 4
"""A password needs at least this many different characters ("aaaaaaaaaaaa" is refused)."""

_TRAILING = re.compile(r"[\d\W_]+$")


def check_username(username: str) -> None:
    """Refuse a username outside :data:`USERNAME`.

    Raises:
        Invalid: the name is empty, longer than 64 characters, or has another character.
    """
    if not USERNAME.fullmatch(username):
        raise Invalid(
            "a username is 1 to 64 letters, digits, '.', '_' or '-' (no spaces or control characters)"
            " / 用户名须为 1 至 64 个字母、数字、“.”、“_”或“-”（不含空格和控制字符）",
            field="username",
        )


def check_password(username: str, role: str, password: str) -> None:
    """Refuse a password too short for ``role``, one containing the username, or a common or trivial one.

    Common: on :data:`~.common_passwords.COMMON_PASSWORDS` as typed (any case), or once its trailing digits and
    symbols are cut ("Password123!" is "password").

    Raises:
        Invalid: naming the rule the password breaks.
    """
    minimum = MIN_LENGTH[role]
    if len(password) < minimum:
        raise Invalid(
            f"a {role}'s password must be at least {minimum} characters / {role} 的密码至少需要 {minimum} 个字符",
            field="password",
        )
    if len(password) > MAX_LENGTH:
        raise Invalid(f"a password may be at most {MAX_LENGTH} characters / 密码最多 {MAX_LENGTH} 个字符", "password")
    lowered = password.lower()
    if len(username) >= 4 and username.lower() in lowered:
        raise Invalid("the password must not contain the username / 密码不能包含用户名", field="password")
    if (
        lowered in COMMON_PASSWORDS
        or _TRAILING.sub("", lowered) in COMMON_PASSWORDS
        or len(set(lowered)) < MIN_DISTINCT
    ):
        raise Invalid(
            "this password is too common or too simple; choose another / 该密码过于常见或过于简单，请另选一个",
            field="password",
        )
