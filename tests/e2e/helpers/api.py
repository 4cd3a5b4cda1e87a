"""Calls on the in-process API (the ``api`` fixture's clients) that several API test modules make."""


def error_of(response):
    """Check a refusal has the API's error shape and return its error object.

    Args:
        response: a 4xx reply of the API.

    Returns:
        The ``error`` object: its ``code``, ``message`` and ``field``.
    """
    body = response.get_json()
    assert set(body) == {"error"} and {"code", "message", "field"} <= set(body["error"]), body
    return body["error"]


def issue(api, service="SB", **extra):
    """Issue a ticket from kiosk k1 and return it as the API answered.

    Args:
        api: the ``api`` fixture's clients.
        service: the service's code.
        **extra: more fields of the request body (``priority``, ``appointment``).

    Returns:
        The issued ticket's JSON.
    """
    response = api["kiosk"].post("/tickets", json={"service": service, **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def login_window(api, who="staff1", n=1):
    """Log a staff member in at a window.

    Args:
        api: the ``api`` fixture's clients.
        who: the logged-in client's name.
        n: the window's number.
    """
    assert api[who].post(f"/windows/{n}/login", json={}).status_code == 200
