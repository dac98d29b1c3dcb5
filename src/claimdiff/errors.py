"""The one error hierarchy of claimdiff.

The library raises these; the command line turns them into one line and an exit
code in a single place (``cli.main``). Nothing else should reach the user.
"""

from __future__ import annotations

from collections.abc import Iterable

from claimdiff.model import Location, Problem


class ClaimdiffError(Exception):
    """Base class: a message meant for the user, and the exit code that goes with it."""

    exit_code = 1

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        if self.location is None:
            return self.message
        return f"{self.location}: {self.message}"


class CorpusError(ClaimdiffError):
    """The corpus has errors; ``problems`` lists every one of them (sorted)."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(sorted(problems))
        n = sum(1 for p in self.problems if p.is_error)
        super().__init__(f"{n} error{'s' if n != 1 else ''} in the corpus")


class RefError(ClaimdiffError):
    """A claim or article reference (``ARTICLE#CLAIM``) that names nothing."""


class OutputError(ClaimdiffError):
    """An output path that cannot or must not be written (e.g. inside the corpus)."""


class UsageError(ClaimdiffError):
    """Wrong use of an option that click itself cannot detect."""

    exit_code = 2
