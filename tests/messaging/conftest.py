import pytest
from django.test import override_settings

from club.factories import UserFactory
from events.factories import ExchangePageFactory

from .smtp import SMTPServer


@pytest.fixture
def smtp_server():
    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp_mailers(smtp_server):
    """Send through the loopback SMTP server instead of the in-memory backend."""
    with override_settings(MAILERS=smtp_server.mailers):
        yield smtp_server


@pytest.fixture
def person(db):
    return UserFactory(first_name="Ada", email="ada@council.gov.uk")


@pytest.fixture
def exchange(exchange_index):
    return ExchangePageFactory(parent=exchange_index, title="Driving Accelerated Transformation")
