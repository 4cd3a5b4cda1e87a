"""Vendor LED screens driven by a frame template over a real pty: the screen shows the call."""

from devices.simulators.frame_screen import FrameScreens
from hallctl.bootstrap import build_app
from hallctl.config import parse_config
from hallctl.services import auth
from tests.conftest import hall_toml
from tests.integration.test_hallbus import FAST, eventually
from tests.unit.test_frame import AA_FF as TEMPLATE

AA_FF_TOML = (
    'frame = { header = "AA", address = "u8", command = "BB 51 54", text_prefix = "01 00 99 00 63", '
    'trailer = "FF", encoding = "gbk", checksum = "sum8", checksum_at = 5, checksum_from = 6, gap_ms = 20 }'
)


def test_a_vendor_screen_driven_by_a_frame_template_shows_the_call(tmp_path, db_url, clock):
    screens = FrameScreens(tmp_path / "dev" / "bus-b", TEMPLATE).start()
    text = hall_toml(db_url).replace("[[windows]]\nnumber = 2\n", '[[windows]]\nnumber = 2\nled = "vendor-2"\n')
    text += (
        f'\n[[buses]]\nname = "bus-b"\nurl = "{screens.link}"\n'
        f'\n[[devices]]\nname = "vendor-2"\nkind = "window_led"\nbus = "bus-b"\naddress = 2\n'
        f'protocol = "frame"\ntemplate = "请{{number}}号到{{window}}号窗口"\n{AA_FF_TOML}\n'
    )
    hall, app, _sio = build_app(parse_config(text), clock=clock, devices=True, bus_timing=FAST)
    try:
        assert eventually(lambda: screens.shown.get(2) == "2号窗口 欢迎您")
        client = app.test_client()
        kiosk = {"Authorization": f"Bearer {auth.add_token(hall, 'k1', 'kiosk')}"}
        auth.add_user(hall, "li", "staff", "staff-pass-1")
        staff = {"Authorization": f"Bearer {auth.login(hall, 'li', 'staff-pass-1')[0]}"}
        client.post("/api/v1/tickets", json={"service": "SB"}, headers=kiosk)
        client.post("/api/v1/windows/2/login", json={}, headers=staff)
        client.post("/api/v1/windows/2/call", json={}, headers=staff)
        assert eventually(lambda: screens.shown.get(2) == "请A001号到2号窗口", timeout=1.0)
        assert screens.bad_frames == 0
        assert hall.devices.get("vendor-2")["state"] == "unknown"  # a vendor screen never confirms
    finally:
        hall.close()
        screens.stop()
