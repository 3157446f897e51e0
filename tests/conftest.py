from datetime import date

import pytest
from hypothesis import settings

from okrkpi import Cycle

settings.register_profile("ci", deadline=None, max_examples=100)
settings.load_profile("ci")


@pytest.fixture
def q3():
    return Cycle.quarter(2026, 3)


@pytest.fixture
def mid_august():
    return date(2026, 8, 15)
