import pytest

from tests.factories import Flow, seed_demo


@pytest.fixture
def flow(client, login, app):
    """Demo data without the demo requests and 社情民意 reports, so each test owns every
    request it sees and every message in its inboxes."""
    seed_demo(app)
    return Flow(client, login, app)
