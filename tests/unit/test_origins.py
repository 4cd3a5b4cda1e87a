"""Which browser origins may open a Socket.IO connection (hallctl/web/origins.py)."""

import pytest

from hallctl.web.origins import origin_check, origin_of

SERVER = {"wsgi.url_scheme": "http", "HTTP_HOST": "10.0.0.5:8080"}


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("https://hall.example", True),  # public_url's, with its default port left out
        ("https://HALL.example:443", True),
        ("http://10.0.0.5:8080", True),  # the server's own: a page it served
        ("http://hall.example", False),  # another scheme is another origin
        ("https://hall.example:8443", False),
        ("https://evil.example", False),
        ("https://hall.example.evil.example", False),
        ("null", False),  # a sandboxed or file:// page
        ("", False),
        (None, False),
    ],
)
def test_only_the_halls_public_origin_and_the_servers_own_may_open_a_socket(origin, allowed):
    assert origin_check("https://hall.example/")(origin, SERVER) is allowed


def test_origins_listed_in_allowed_origins_may_open_a_socket_too():
    check = origin_check("https://hall.example/", ["https://screens.hall.example:8443"])
    assert check("https://screens.hall.example:8443", SERVER) is True
    assert check("https://screens.hall.example", SERVER) is False  # another port is another origin
    assert check("https://hall.example", SERVER) is True


def test_an_origin_is_its_scheme_host_and_non_default_port():
    assert origin_of("https://Hall.Example:443/t/1?token=x") == "https://hall.example"
    assert origin_of("http://[::1]:8080/") == "http://[::1]:8080"
    assert origin_of("ftp://hall.example") is None
    assert origin_of("http://hall.example:99999") is None
