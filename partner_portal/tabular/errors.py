"""What goes wrong reading a file: the file as a whole, or one row of it."""

from dataclasses import dataclass


class TabularError(Exception):
    """The file as a whole cannot be imported; the message is for the user."""


@dataclass(frozen=True)
class RowError:
    """One problem with one row (and maybe one column) of an imported file."""

    row: int
    column: str | None
    message: str


class ImportErrors:
    """The row errors of one import, in the order they were added.

    Keeps the first `limit` errors and counts all of them, so that a file with a
    million bad rows reports how many there were without holding every message.
    """

    def __init__(self, limit: int = 1_000) -> None:
        self.limit = limit
        self.total = 0
        self.errors: list[RowError] = []

    def add(self, row: int, column: str | None, message: str) -> None:
        self.total += 1
        if len(self.errors) < self.limit:
            self.errors.append(RowError(row, column, message))

    def __bool__(self) -> bool:
        return self.total > 0

    @property
    def unlisted(self) -> int:
        """How many errors were counted past the limit, without their messages."""
        return self.total - len(self.errors)
