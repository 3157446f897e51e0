import os
import sys

import pytest
from hypothesis import settings

# The default keeps the suite quick; `HYPOTHESIS_PROFILE=nightly` digs deeper.
settings.register_profile("ci", deadline=None, max_examples=30)
settings.register_profile("nightly", deadline=None, max_examples=1000)
# Mutation testing runs the suite once per mutant: fewer examples keep it to minutes.
settings.register_profile("mutation", deadline=None, max_examples=30)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_collection_modifyitems(items):
    # Property tests take longest: start them first, so that under pytest-xdist the
    # workers finish together instead of one running a long test while the other idles.
    items.sort(
        key=lambda item: not getattr(getattr(item, "obj", None), "is_hypothesis_test", False)
    )


@pytest.fixture(autouse=True)
def _close_figures():
    # A test that draws leaves its pyplot figure open: closed after each test, so that
    # how tests are shared among workers never opens more than matplotlib warns about.
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
