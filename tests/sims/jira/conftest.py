from __future__ import annotations

from collections.abc import Iterator

import pytest
from jira_helpers import AUTH, CheckedClient, ServerThread, openapi

from hirebridge.sims.jira import create_app


@pytest.fixture(scope="session")
def spec_loaded() -> None:
    openapi()


@pytest.fixture(scope="session")
def server() -> Iterator[ServerThread]:
    with ServerThread(create_app()) as running:
        yield running


@pytest.fixture
def control(server: ServerThread) -> Iterator[CheckedClient]:
    with CheckedClient(base_url=server.url, timeout=10) as client:
        assert client.post("/_sim/reset").status_code == 200
        yield client


@pytest.fixture
def jira(server: ServerThread, control: CheckedClient, spec_loaded: None) -> Iterator[CheckedClient]:
    with CheckedClient(base_url=server.url, auth=AUTH, timeout=10) as client:
        yield client
