"""TOML → :class:`~hallctl.config.schema.Config`, with errors that name the key path and its line.

e.g. ``hall.toml:14: services[1].prefix: prefix "A" is already used by service SB``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from hallctl.config.base import KeyPath, LocatedError
from hallctl.config.references import reference_problems
from hallctl.config.schema import Config


@dataclass(frozen=True)
class ConfigIssue:
    """One problem in a config file: where, and what."""

    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.key}: {self.message}"


class ConfigError(Exception):
    """A config file that cannot be used; ``issues`` names every problem."""

    def __init__(self, path: str, issues: list[ConfigIssue]) -> None:
        self.path = path
        self.issues = issues
        super().__init__("\n".join(f"{path}: {issue}" for issue in issues))


def load_config(path: str | Path) -> Config:
    """Read and validate a TOML config file.

    Raises:
        ConfigError: naming each bad key with its line.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), [ConfigIssue(None, "(file)", f"cannot read: {exc}")]) from None
    return parse_config(text, str(path))


def parse_config(text: str, source: str = "<config>") -> Config:
    """Validate TOML text; see :func:`load_config`.

    Raises:
        ConfigError: naming each bad key with its line.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) if match else None
        raise ConfigError(source, [ConfigIssue(line, "(syntax)", str(exc))]) from None
    locator = _LineLocator(text)
    issues = [_issue(problem.loc, str(problem), locator) for problem in reference_problems(data)]
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        issues = _field_issues(exc, locator) + issues
    if issues:
        unique = list(dict.fromkeys(issues))  # the model's own check repeats the first cross-reference problem
        raise ConfigError(source, sorted(unique, key=lambda issue: issue.line or 0))
    return config


def _issue(loc: KeyPath, message: str, locator: _LineLocator) -> ConfigIssue:
    return ConfigIssue(locator.line(loc), _dotted(loc), message)


def _field_issues(exc: ValidationError, locator: _LineLocator) -> list[ConfigIssue]:
    issues = []
    for err in exc.errors():
        loc: KeyPath = tuple(err["loc"])
        message = err["msg"].removeprefix("Value error, ")
        ctx_error = (err.get("ctx") or {}).get("error")
        if isinstance(ctx_error, LocatedError):
            loc = ctx_error.loc
        issues.append(_issue(loc, message, locator))
    return issues


def _dotted(loc: KeyPath) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top)"


class _LineLocator:
    """Find the line of a key path such as ("services", 2, "prefix") in TOML text."""

    _table = re.compile(r"^\s*\[(\[)?\s*([A-Za-z0-9_.-]+)\s*\]")
    _key = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def line(self, loc: KeyPath) -> int | None:
        """The 1-based line of the key at ``loc``, or of its table when the key is not written; None if neither is."""
        if not loc:
            return None
        section = str(loc[0])
        index = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
        key = next((str(p) for p in loc[1:] if not isinstance(p, int)), None)
        start = self._section_start(section, index)
        if start is None:
            return self._top_key(section)
        if key is None:
            return start + 1
        for n in range(start + 1, len(self.lines)):
            if self._table.match(self.lines[n]):
                break
            match = self._key.match(self.lines[n])
            if match and match.group(1) == key:
                return n + 1
        return start + 1

    def _section_start(self, section: str, index: int | None) -> int | None:
        count = -1
        for n, text in enumerate(self.lines):
            match = self._table.match(text)
            if match and match.group(2) == section:
                count += 1
                if index is None or count == index:
                    return n
        return None

    def _top_key(self, key: str) -> int | None:
        for n, text in enumerate(self.lines):
            if self._table.match(text):
                return None
            match = self._key.match(text)
            if match and match.group(1) == key:
                return n + 1
        return None
