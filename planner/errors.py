"""Domain errors: the one hierarchy the CLI and the UI catch to show a clean message."""

from __future__ import annotations


class PlannerError(Exception):
    """Base of every error QianTu reports to a person.

    Parameters
    ----------
    message : str
        What is wrong, in words a planner understands.
    file : str, optional
        The file the problem is in.
    row : int, optional
        The 1-based line of the file (the header is line 1).
    field : str, optional
        The column or JSON field.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.row = row
        self.field = field
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """The message as one line: ``file:row: field: problem``."""
        where = []
        if self.file:
            where.append(str(self.file) + (f":{self.row}" if self.row is not None else ""))
        elif self.row is not None:
            where.append(f"row {self.row}")
        if self.field:
            where.append(f"field '{self.field}'")
        prefix = ": ".join(where)
        text = f"{prefix}: {self.message}" if prefix else self.message
        # Text from a file (an id, a name) may hold a newline or another control character: shown
        # escaped, so the message stays one line and cannot forge another.
        return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


class DataError(PlannerError):
    """A data file (catalog, network, rates) is missing, malformed or inconsistent."""


class RequestError(PlannerError):
    """A trip request or plan file is malformed or refers to unknown places."""


class UnknownPlaceError(RequestError):
    """A place id or name is not in the catalog; ``suggestions`` holds close matches."""

    def __init__(self, name: str, suggestions: list[str] | None = None, **kw) -> None:
        self.name = name
        self.suggestions = list(suggestions or [])
        hint = f" (did you mean: {', '.join(self.suggestions)}?)" if self.suggestions else ""
        super().__init__(f"unknown place '{name}'{hint}", **kw)


class ExportError(PlannerError):
    """An export could not be written."""


class Cancelled(PlannerError):
    """Long work was cancelled by the user."""
