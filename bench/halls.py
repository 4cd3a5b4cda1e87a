"""Halls for the benchmarks that do not describe their own (the others keep their config beside their code)."""

from __future__ import annotations

from testbed.halls import SERVICES_AND_WINDOWS

PRINTING_HALL = (
    """
[hall]
id = "t"
name = "测试政务服务中心"
timezone = "Asia/Shanghai"
database = "{database}"
hours = ["00:00-24:00"]
public_url = "http://hall.test"

[routing]
rating_timeout_s = 60

"""
    + SERVICES_AND_WINDOWS
    + """[[kiosks]]
id = "k1"
printer = "p"

[[devices]]
name = "p"
kind = "printer"
url = "{printer_url}"
baudrate = {baudrate}
"""
)


def printing_hall(database: str, printer_url: str, baudrate: int) -> str:
    """The config of a hall open all day, with four windows and kiosk k1 printing on the printer at ``printer_url``.

    The same services and windows as the tests' hall, so that a printed ticket has the same bytes.
    """
    return PRINTING_HALL.format(database=database, printer_url=printer_url, baudrate=baudrate)
