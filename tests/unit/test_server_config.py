"""``[server]``: its defaults, and bad values refused with the key, its line and what is wrong."""

import pytest

from hallctl.config import ConfigError, parse_config
from tests.conftest import hall_toml


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config(text, "hall.toml")
    return [str(issue) for issue in info.value.issues]


def test_a_hall_without_a_server_table_gets_the_defaults_and_trusts_no_proxy():
    server = parse_config(hall_toml("sqlite://")).server
    assert (server.host, server.port, server.threads, server.keepalive_s, server.graceful_timeout_s) == (
        "0.0.0.0",
        8080,
        2048,
        5,
        10,
    )
    assert server.trusted_proxies == []


def test_trusted_proxies_take_addresses_and_networks():
    text = hall_toml("sqlite://") + '\n[server]\ntrusted_proxies = ["127.0.0.1", "10.0.0.0/8", "::1"]\n'
    networks = parse_config(text).server.proxy_networks
    assert [str(network) for network in networks] == ["127.0.0.1/32", "10.0.0.0/8", "::1/128"]


def test_a_trusted_proxy_that_is_no_address_is_refused_with_its_line():
    text = hall_toml("sqlite://") + '\n[server]\ntrusted_proxies = ["nginx.local"]\n'
    (problem,) = problems(text)
    assert "server.trusted_proxies" in problem
    assert "'nginx.local' is not an IP address or network" in problem
    line = text.splitlines().index('trusted_proxies = ["nginx.local"]') + 1
    assert problem.startswith(f"line {line}: server.trusted_proxies: ")


@pytest.mark.parametrize("line", ["threads = 0", "keepalive_s = 0", "port = 70000", "graceful_timeout_s = 600"])
def test_server_limits_out_of_range_are_refused(line):
    (problem,) = problems(hall_toml("sqlite://") + f"\n[server]\n{line}\n")
    assert f"server.{line.split()[0]}" in problem
