"""The label catalogue: every error code the server can return has a message a person can read, in zh and en;
every state, outcome and reason has one name, the same in every module that shows it."""

import ast
import re
from importlib import resources
from pathlib import Path
from typing import get_args

from werkzeug.exceptions import default_exceptions

import hallctl
import kiosk_ui
from devices.printer_status import STATE_ZH, PrinterState
from devices.registry import STATE_NAMES
from hallctl.config import DeviceKind, load_config
from hallctl.domain.followup import MOVES, CaseState
from hallctl.domain.ticket import HoldKind, Outcome, PrintStatus, Status
from hallctl.domain.window import WindowState
from hallctl.labels import (
    DEVICE_KIND,
    DEVICE_STATE,
    FOLLOW_UP_ACTION,
    FOLLOW_UP_STATE,
    HOLD_KIND,
    OUTCOME,
    PAUSE_REASON,
    PRINT_STATUS,
    TICKET_STATUS,
    WINDOW_STATE,
    device_words,
)
from hallctl.labels.catalogue import catalogue
from hallctl.labels.errors import ERRORS, PLACES
from hallctl.web.api import http_error_code

SOURCE = Path(hallctl.__file__).parent
CODE = re.compile(r"^[a-z][a-z_]*$")
ERROR_MAKERS = {"ApiError", "error_response", "fail"}
"""Calls whose second argument is an error code: ``ApiError(status, code, …)``, ``error_response(status, code,
…)``, a health check's ``fail(name, code, …)``."""
REPLY_KEYS = {"message", "error", "ok"}
"""Keys beside ``code`` that make a dict an error reply (``{"error": {"code", "message"}}``, a Socket.IO refusal
``{"ok": False, "code", "error"}``), not a config entry that has a code."""
DEVELOPER_WORDS = re.compile(
    r"token|bearer|json|header|http|api\b|csrf|endpoint|field|null|none\b|_|\{|\}|/", re.IGNORECASE
)


def _constant(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _codes_in(tree: ast.AST, storage: bool) -> set[str]:
    """The error codes one module raises: in error-making calls, ``{"code": …}`` replies, the ``code`` of
    exception classes and (in the storage modules) ``(code, message)`` pairs."""
    found: set[str | None] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in ERROR_MAKERS:
                found |= {_constant(k.value) for k in node.keywords if k.arg == "code"}
                found.add(_constant(node.args[1]) if len(node.args) > 1 else None)
        elif isinstance(node, ast.Dict) and REPLY_KEYS & {_constant(k) for k in node.keys}:
            found |= {_constant(v) for k, v in zip(node.keys, node.values, strict=True) if _constant(k) == "code"}
        elif isinstance(node, ast.ClassDef):
            for statement in node.body:
                if isinstance(statement, ast.Assign) and [getattr(t, "id", "") for t in statement.targets] == ["code"]:
                    found.add(_constant(statement.value))
        elif storage and isinstance(node, ast.Tuple) and len(node.elts) == 2 and _constant(node.elts[0]):
            found.add(_constant(node.elts[0]))
    return {code for code in found if code and CODE.match(code)}


def raised_codes() -> dict[str, str]:
    """Every error code the server's source raises, with the first file that raises it."""
    codes: dict[str, str] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        storage = "StorageFailure" in text or "storage_failure(" in text
        for code in _codes_in(ast.parse(text), storage):
            codes.setdefault(code, str(path.relative_to(SOURCE.parent)))
    return codes


def test_the_scan_finds_the_codes_of_every_kind_of_raise():
    codes = raised_codes()
    # an ApiError, a domain error class, a storage failure, a health check, a Socket.IO refusal
    assert {"kiosk_mismatch", "not_this_window", "storage_full", "database_unwritable", "unknown_room"} <= set(codes)


def test_every_error_code_raised_anywhere_has_a_chinese_and_an_english_message():
    missing = {code: where for code, where in raised_codes().items() if code not in ERRORS}
    assert missing == {}


def test_every_http_error_the_framework_can_answer_has_a_message():
    statuses = [status for status in default_exceptions if status >= 400]
    assert {status: http_error_code(status) for status in statuses if http_error_code(status) not in ERRORS} == {}


def test_error_messages_are_written_for_people_not_developers():
    for code, text in ERRORS.items():
        assert set(text.where) <= set(PLACES), code
        for label in (text.message, *text.where.values()):
            assert label.zh and label.en, code
            assert not re.search(r"[A-Za-z]", label.zh), f"{code}: ASCII words in {label.zh!r}"
            assert not DEVELOPER_WORDS.search(label.en), f"{code}: developer words in {label.en!r}"


def test_every_state_outcome_and_reason_of_the_domain_has_a_name():
    for table, values in (
        (TICKET_STATUS, Status),
        (WINDOW_STATE, WindowState),
        (OUTCOME, Outcome),
        (HOLD_KIND, HoldKind),
        (PRINT_STATUS, PrintStatus),
        (FOLLOW_UP_STATE, CaseState),
        (DEVICE_STATE, PrinterState),
    ):
        assert set(table) == {v.value for v in values}
    assert set(FOLLOW_UP_ACTION) == set(MOVES)
    assert set(DEVICE_KIND) == set(get_args(DeviceKind))
    assert device_words.KEYPAD_PAUSE in PAUSE_REASON  # the reason a caller keypad's pause records


def test_the_device_drivers_name_device_states_as_the_catalogue_does():
    """devices/ may not import the catalogue (it sits above the settings), so its names are checked here."""
    catalogue = {code: label.zh for code, label in DEVICE_STATE.items()}
    assert {state.value: name for state, name in STATE_ZH.items()} == catalogue
    assert catalogue == STATE_NAMES


def test_one_chinese_name_per_ticket_status():
    assert (TICKET_STATUS["held"].zh, TICKET_STATUS["no_show"].zh, TICKET_STATUS["transferred"].zh) == (
        "已挂起",
        "已过号",
        "已转移",
    )
    assert DEVICE_STATE["unknown"].zh == "无应答"


def test_the_catalogue_names_the_demo_hall_s_categories_and_reasons_in_english():
    config = load_config(resources.files("hallctl") / "demo" / "hall.toml")
    zh, en = catalogue(config, "zh"), catalogue(config, "en")
    assert zh["category"]["不动产"] == "不动产" and en["category"]["不动产"] == "Real estate"
    assert en["rating_reason"]["效率低"] == "Slow service"
    assert set(en["category"]) == {s.category for s in config.services}
    assert en["errors"].keys() == zh["errors"].keys() == ERRORS.keys()


def test_the_pages_keep_no_second_table_of_names_and_never_show_the_api_s_message():
    static = Path(kiosk_ui.__file__).parent / "static"
    keys = set(re.findall(r'"?([a-z_][\w.]*)"?\s*:\s*"', (static / "strings.js").read_text(encoding="utf-8")))
    tables = ("status.", "state.", "outcome.", "hold.", "pause.", "dev.", "kind.", "level.", "act.")
    assert sorted(key for key in keys if key.startswith(tables)) == []
    assert {"error", "no_show_msg", "held_msg", "transferred_msg"} & keys == set()
    for script in static.glob("*.js"):
        assert "error.message" not in script.read_text(encoding="utf-8"), script.name
