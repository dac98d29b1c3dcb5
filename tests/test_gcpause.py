"""Tests for claimdiff.gcpause: the collector is paused, then left as found."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from claimdiff.gcpause import paused


@pytest.fixture(autouse=True)
def clean_collector() -> Iterator[None]:
    gc.unfreeze()  # whatever earlier tests' loads froze
    assert gc.isenabled()
    yield
    gc.unfreeze()
    gc.enable()


def build() -> list[list[int]]:
    return [[i] for i in range(1000)]


def test_paused_inside_and_nothing_left_frozen() -> None:
    with paused():
        assert not gc.isenabled()
        kept = build()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    assert kept


def test_new_values_are_frozen_with_what_was_frozen_already() -> None:
    first = build()
    gc.freeze()
    before = gc.get_freeze_count()
    with paused():
        kept = build()
    assert gc.isenabled()
    assert gc.get_freeze_count() > before  # not unfrozen, and not walked on re-enabling
    assert first and kept


def test_keep_frozen_freezes_even_when_nothing_was() -> None:
    with paused(keep_frozen=True):
        kept = build()
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(kept)


def test_nested_and_caller_disabled_pauses_are_left_alone() -> None:
    with paused():
        with paused(keep_frozen=True):
            build()
        assert not gc.isenabled()
        assert gc.get_freeze_count() == 0  # the inner pause did not touch the collector
    gc.disable()
    with paused():
        build()
    assert not gc.isenabled()
    assert gc.get_freeze_count() == 0
