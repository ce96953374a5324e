"""Fixtures: a programme worked out by hand, and programmes of any size."""

import pytest

from tests.reports.programmes import build_programme, known_programme


@pytest.fixture
def programme(admin):
    return known_programme(admin)


@pytest.fixture
def programme_of_size(admin):
    return lambda scale: build_programme(scale, admin)
