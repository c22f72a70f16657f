"""Fixtures for the Slack tests: one fake Web API and one running app for the whole session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from advisor import Advisor
from advisor.slack import SlackBot, SlackSettings, create_http_api
from tests.slack.slack_harness import (
    RATE_LIMIT,
    SIGNING_SECRET,
    WEBHOOK_SECRET,
    FakeSlack,
    SlackHarness,
    serve_in_thread,
)


@pytest.fixture(scope="session")
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack()
    yield fake
    fake.close()


@pytest.fixture(scope="session")
def slack_settings(fake_slack: FakeSlack) -> SlackSettings:
    return SlackSettings(bot_token=SecretStr("xoxb-test"), signing_secret=SecretStr(SIGNING_SECRET),
                         api_base_url=fake_slack.url, rate_limit=RATE_LIMIT, webhook_secret=SecretStr(WEBHOOK_SECRET))


@pytest.fixture(scope="session")
def slack(advisor: Advisor, fake_slack: FakeSlack, slack_settings: SlackSettings) -> Iterator[SlackHarness]:
    _ = advisor.graph  # load the model and graph up front, as `advisor slack` does, so timings are the bot's
    bot = SlackBot(advisor, slack_settings)
    with serve_in_thread(create_http_api(bot)) as url:
        harness = SlackHarness(url=url, fake=fake_slack, bot=bot, advisor=advisor)
        yield harness
        harness.http.close()
