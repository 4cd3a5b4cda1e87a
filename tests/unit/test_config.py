import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hallctl.config import ConfigError, parse_config
from tests.conftest import hall_toml

GOOD = hall_toml("sqlite:///x.db")


def problems(text):
    with pytest.raises(ConfigError) as info:
        parse_config(text, "hall.toml")
    return info.value.issues


def line_of(text, needle, nth=1):
    seen = 0
    for n, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == nth:
                return n
    raise AssertionError(needle)


def test_the_test_config_is_valid_and_typed():
    config = parse_config(GOOD)
    assert config.hall.zone.key == "Asia/Shanghai"
    assert config.window(1).work_profile == {"SB": 1.0, "GJJ": 2.0}
    assert [p.code for p in config.priorities] == ["normal", "green"]
    assert config.service("BDC").daily_cap == 3


def test_the_bundled_demo_config_is_valid_with_enough_services_and_windows():
    config = parse_config(Path("hallctl/demo/hall.toml").read_text(encoding="utf-8"))
    assert len(config.services) >= 4 and len(config.windows) >= 6
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in s.name) for s in config.services)


def test_a_bad_prefix_names_the_key_and_its_line():
    text = GOOD.replace('prefix = "B"', 'prefix = "b1"')
    [issue] = problems(text)
    assert issue.key == "services[1].prefix"
    assert issue.line == line_of(text, 'prefix = "b1"')


def test_a_duplicate_prefix_is_reported_on_the_second_service():
    text = GOOD.replace('prefix = "C"', 'prefix = "A"')
    [issue] = problems(text)
    assert issue.key == "services[2].prefix"
    assert "already used" in issue.message
    assert issue.line == line_of(text, 'prefix = "A"', nth=2)


def test_a_window_naming_an_unknown_service_is_reported_on_its_services_line():
    text = GOOD.replace('services = ["SB"]', 'services = ["SB", "NOPE"]')
    [issue] = problems(text)
    assert issue.key == "windows[1].services"
    assert "NOPE" in issue.message
    assert issue.line == line_of(text, '"NOPE"')


def test_an_unknown_timezone_and_bad_hours_are_both_reported():
    text = GOOD.replace('"Asia/Shanghai"', '"Mars/Olympus"').replace('"13:30-17:30"', '"17:30-13:30"')
    issues = {i.key: i for i in problems(text)}
    assert set(issues) == {"hall.timezone", "hall.hours"}
    assert issues["hall.timezone"].line == line_of(text, "Mars/Olympus")
    assert "ends before it starts" in issues["hall.hours"].message


def test_an_unknown_key_is_an_error_not_silently_ignored():
    text = GOOD.replace("avg_service_min = 6", "avg_service_min = 6\nmax_wiat_min = 30")
    [issue] = problems(text)
    assert issue.key == "services[1].max_wiat_min"
    assert issue.line == line_of(text, "max_wiat_min")


def test_a_toml_syntax_error_gives_its_line():
    text = GOOD.replace('name = "公积金"', 'name = "公积金')
    [issue] = problems(text)
    assert issue.key == "(syntax)"
    assert issue.line == line_of(text, 'name = "公积金')


def test_a_device_reference_must_exist_and_be_of_the_right_kind():
    text = GOOD + '\n[[devices]]\nname = "p1"\nkind = "printer"\nurl = "/dev/ttyUSB0"\n'
    text = text.replace("[[windows]]\nnumber = 2", '[[windows]]\nnumber = 2\nled = "p1"')
    [issue] = problems(text)
    assert issue.key == "windows[1].led"
    assert "is a printer" in issue.message


def test_check_config_exits_2_and_prints_key_and_line(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(GOOD.replace("digits", "digitz").replace('prefix = "B"', 'prefix = "?"'), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "hallctl.cli", "check-config", str(bad)], capture_output=True, text=True
    )
    assert result.returncode == 2
    line = line_of(bad.read_text(encoding="utf-8"), 'prefix = "?"')
    assert f"{bad}: line {line}: services[1].prefix" in result.stderr


def test_check_config_accepts_a_good_file(tmp_path):
    good = tmp_path / "good.toml"
    good.write_text(GOOD, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "hallctl.cli", "check-config", str(good)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "3 services, 4 windows" in result.stdout


def test_a_bus_carries_one_protocol_and_frame_screens_need_a_template():
    base = GOOD + '\n[[buses]]\nname = "b"\nurl = "/dev/ttyUSB0"\n'
    led = '\n[[devices]]\nname = "{n}"\nkind = "window_led"\nbus = "b"\naddress = {a}\n'
    mixed = base + led.format(n="m", a=1) + led.format(n="f", a=2) + 'protocol = "frame"\nframe = { header = "AA" }\n'
    [issue] = problems(mixed)
    assert issue.key == "devices[1].protocol" and "one protocol per bus" in issue.message
    [issue] = problems(base + led.format(n="f", a=2) + 'protocol = "frame"\n')
    assert "needs a frame template" in issue.message
    [issue] = problems(base + led.format(n="f", a=2) + 'protocol = "frame"\nframe = { header = "ZZ" }\n')
    assert issue.key == "devices[0].frame.header" and "not hex" in issue.message


def test_a_voice_template_without_the_window_is_reported_on_its_line():
    text = GOOD + '\n[voice]\nenabled = true\ntemplate = "请{number}号办理"\n'
    [issue] = problems(text)
    assert issue.key == "voice.template" and "{number} and {window}" in issue.message
    assert issue.line == line_of(text, "template =")


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0),
            st.integers(min_value=0, max_value=12),
            st.text(alphabet=' =[]{}".,\n#0123456789abcxyz_-号窗', max_size=8),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_a_mangled_config_is_either_valid_or_a_config_error_naming_its_problems(edits):
    """Random cuts and insertions into a good file: never a crash, never an error without a key."""
    text = GOOD
    for position, cut, insert in edits:
        at = position % (len(text) + 1)
        text = text[:at] + insert + text[at + cut :]
    try:
        parse_config(text, "hall.toml")
    except ConfigError as exc:
        problems = exc.issues
    else:
        return
    assert problems and all(issue.key and issue.message for issue in problems)


MANY_PROBLEMS = {
    "hall.hours": ('hours = ["08:30-12:00", "13:30-17:30"]', 'hours = ["08:30-12:00", "11:30-17:30"]', "overlap"),
    "hall.public_url": ('public_url = "http://hall.test"', 'public_url = "ftp://x"\nsecret_key = "short"', "http"),
    "hall.secret_key": (None, None, "32"),
    "services[1].code": ('code = "GJJ"', 'code = "SB"', "already used"),
    "windows[0].services": (None, None, "unknown service 'GJJ'"),
    "windows[2].services": (None, None, "unknown service 'GJJ'"),
    "services[2].prefix": ('prefix = "C"', 'prefix = "A"', "already used"),
    "services[1].digitz": ("avg_service_min = 6", "avg_service_min = 6\ndigitz = 4", "Extra inputs"),
    "windows[3].number": ("number = 4", "number = 3", "already used"),
    "kiosks[1].id": ('[[kiosks]]\nid = "k1"', '[[kiosks]]\nid = "k1"\n\n[[kiosks]]\nid = "k1"', "already used"),
    "buses[0].baudrate": (None, None, "standard"),
    "devices[1].name": (None, None, "already used"),
    "devices[0].bus": (None, None, "unknown bus"),
    "ratings.reasons": (None, None, "at least 1"),
}
MANY_PROBLEMS_TAIL = """
[ratings]
reasons = []

[[buses]]
name = "b"
url = "/dev/ttyUSB0"
baudrate = 12

[[devices]]
name = "led1"
kind = "window_led"
bus = "nobus"
address = 1

[[devices]]
name = "led1"
kind = "window_led"
bus = "b"
address = 2
"""


def test_one_check_reports_every_field_and_cross_reference_error_of_a_file_with_its_path_and_line():
    """A file with a dozen problems of every kind: one run names all of them (it took 9 runs)."""
    text = GOOD
    for old, new, _ in MANY_PROBLEMS.values():
        if old:
            assert old in text, old
            text = text.replace(old, new, 1)
    text = text.replace("[[kiosks]]", MANY_PROBLEMS_TAIL + "\n[[kiosks]]", 1)
    issues = {issue.key: issue for issue in problems(text)}
    assert set(issues) == set(MANY_PROBLEMS)
    for key, (_, _, words) in MANY_PROBLEMS.items():
        assert words in issues[key].message, (key, issues[key].message)
        assert issues[key].line is not None, key
    assert issues["services[2].prefix"].line == line_of(text, 'prefix = "A"', nth=2)
    assert issues["devices[0].bus"].line == line_of(text, 'bus = "nobus"')
    assert issues["buses[0].baudrate"].line == line_of(text, "baudrate = 12")


@pytest.mark.parametrize(
    ("old", "new", "key", "words"),
    [
        ('"13:30-17:30"', '"12:00-13:00", "12:30-17:30"', "hall.hours", "overlap"),
        ('public_url = "http://hall.test"', 'public_url = "hall.test"', "hall.public_url", "http"),
        ('public_url = "http://hall.test"', 'public_url = "http://"', "hall.public_url", "http"),
        ("[hall]", '[hall]\nsecret_key = "0123456789abcdef0123456789abcde"', "hall.secret_key", "32"),
        ("[hall]", '[hall]\nallowed_origins = ["https://a.test/path"]', "hall.allowed_origins", "origin"),
        ("[hall]", '[hall]\nallowed_origins = ["*"]', "hall.allowed_origins", "origin"),
    ],
)
def test_a_setting_that_cannot_work_is_refused_with_its_reason(old, new, key, words):
    [issue] = problems(GOOD.replace(old, new, 1))
    assert issue.key == key and words in issue.message, issue


def test_standard_rates_a_long_secret_and_extra_origins_are_accepted():
    text = GOOD.replace(
        "[hall]",
        '[hall]\nsecret_key = "0123456789abcdef0123456789abcdef"\n'
        'allowed_origins = ["https://screens.hall.test", "http://10.0.0.5:8080"]',
    )
    text += '\n[[buses]]\nname = "b"\nurl = "/dev/ttyUSB0"\nbaudrate = 19200\n'
    config = parse_config(text)
    assert config.hall.allowed_origins == ["https://screens.hall.test", "http://10.0.0.5:8080"]
    assert config.buses[0].baudrate == 19200


def test_check_config_prints_every_problem_in_one_run(tmp_path):
    bad = tmp_path / "bad.toml"
    text = GOOD.replace('prefix = "C"', 'prefix = "A"').replace('public_url = "http://hall.test"', 'public_url = "x"')
    bad.write_text(text.replace("number = 4", "number = 3"), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "hallctl.cli", "check-config", str(bad)], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "3 problem(s)" in result.stderr
    for key in ("hall.public_url", "services[2].prefix", "windows[3].number"):
        assert key in result.stderr
