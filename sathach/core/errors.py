from __future__ import annotations


class DomainError(Exception):
    """A refusal by a service, with a message for the user (already translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ImportErrors(DomainError):
    """Bad rows of an import file; nothing was stored.

    Each problem is (row, field, message); row is the spreadsheet row number. `letters`
    gives the column letter of each field the sheet has, so that a page can say where the
    field is ("C (Mã đơn vị)").
    """

    def __init__(
        self,
        message: str,
        problems: list[tuple[int, str, str]],
        letters: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.problems = problems
        self.letters = letters or {}
