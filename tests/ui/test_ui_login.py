"""Sign-in throttling on a real server with basic auth: wrong passwords lock the (client, user) pair out."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

pytest.importorskip("gradio", reason="the web UI needs the 'ui' extra (gradio)")

from advisor import Advisor, Settings
from evals.local_llm import free_port
from ui.app import launch
from ui.security import LoginThrottle

USER, PASSWORD = "advisor", "correct horse"


class Clock:
    """A clock the test moves forward, so a five-minute lockout takes no time."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
def auth_url(advisor: Advisor, settings: Settings, clock: Clock) -> Iterator[str]:
    port = free_port()
    app_settings = settings.model_copy(update={"port": port, "auth_user": USER, "auth_password": PASSWORD})
    throttle = LoginThrottle(max_failures=5, window_s=60, lockout_s=300, clock=clock)
    demo = launch(app_settings, advisor=advisor, prevent_thread_lock=True, quiet=True, throttle=throttle)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        demo.close()


def _login(url: str, user: str, password: str, multipart: bool = False) -> httpx.Response:
    form = {"username": user, "password": password}
    if multipart:  # what the login page's FormData sends
        return httpx.post(f"{url}/login", files={k: (None, v) for k, v in form.items()}, timeout=10)
    return httpx.post(f"{url}/login", data=form, timeout=10)  # what gradio_client and scripts send


def test_repeated_failed_logins_are_refused_for_a_while(auth_url: str, clock: Clock) -> None:
    assert _login(auth_url, USER, PASSWORD).status_code == 200
    for i in range(5):
        assert _login(auth_url, USER, f"guess {i}", multipart=i % 2 == 1).status_code == 400
    locked = _login(auth_url, USER, PASSWORD)  # even the right password: nothing is checked while locked
    assert locked.status_code == 429 and "Too many failed sign-ins" in locked.json()["detail"]
    assert int(locked.headers["retry-after"]) == 300
    assert _login(auth_url, "someone-else", "x").status_code == 400  # another pair is not locked out

    clock.now += 301
    assert _login(auth_url, USER, PASSWORD).status_code == 200


def test_failures_outside_the_window_do_not_add_up(auth_url: str, clock: Clock) -> None:
    for _ in range(4):
        assert _login(auth_url, "slow-typist", "wrong").status_code == 400
    clock.now += 61
    for _ in range(5):  # the earlier four are over a minute old: these five are the first to count together
        assert _login(auth_url, "slow-typist", "wrong").status_code == 400
    assert _login(auth_url, "slow-typist", "wrong").status_code == 429


def test_a_success_clears_the_count() -> None:
    clock = Clock()
    throttle = LoginThrottle(max_failures=3, window_s=60, lockout_s=60, clock=clock)
    key = ("127.0.0.1", USER)
    throttle.failed(key)
    throttle.failed(key)
    throttle.succeeded(key)
    throttle.failed(key)
    throttle.failed(key)
    assert throttle.retry_after(key) == 0
    throttle.failed(key)
    assert throttle.retry_after(key) == 60


def _ask(url: str, auth: tuple[str, str] | None) -> httpx.Response:
    return httpx.post(f"{url}/api/ask", json={"question": "What do data engineers earn in Canada?"}, auth=auth,
                      timeout=60)


def test_the_json_route_takes_the_login_and_counts_failures(auth_url: str, clock: Clock) -> None:
    """POST /api/ask sits in front of Gradio's routes, so it checks the login itself (HTTP Basic) and its
    failures lock the same (client, user) pair out as the login page's: it is no way around the throttle."""
    none = _ask(auth_url, None)
    assert none.status_code == 401 and none.headers["www-authenticate"].startswith("Basic")
    ok = _ask(auth_url, (USER, PASSWORD))
    assert ok.status_code == 200 and ok.json()["answer"]
    for i in range(5):
        assert _ask(auth_url, ("api-user", f"guess {i}")).status_code == 401
    assert _ask(auth_url, ("api-user", "guess 6")).status_code == 429
    assert _login(auth_url, "api-user", "still wrong").status_code == 429  # the page's login is locked too
    clock.now += 301
    assert _ask(auth_url, (USER, PASSWORD)).status_code == 200
