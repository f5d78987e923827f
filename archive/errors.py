"""Exceptions with exit codes: every failure a user can cause, in words they can act on."""


class DaibanError(Exception):
    """Base of every expected failure; the message is Chinese and names the object at fault."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UsageError(DaibanError):
    """Bad arguments or values given by the user."""

    exit_code = 2


class RootError(DaibanError):
    """The data root is missing, foreign or unreadable."""

    exit_code = 3


class NotFoundError(DaibanError):
    """An unknown case, form, document or matter."""

    exit_code = 4


class ValidationError(DaibanError):
    """Values that break a rule (credit code, phone, required fields)."""

    exit_code = 5


class TransitionError(DaibanError):
    """A lifecycle step refused because its proving document is missing."""

    exit_code = 6


class InputFileError(DaibanError):
    """A file given to daiban is unreadable, empty, corrupt, encrypted or of the wrong type."""

    exit_code = 7


class DuplicateError(DaibanError):
    """The same bytes are already in the case."""

    exit_code = 8


class SchemaError(DaibanError):
    """The catalog database has a schema this version cannot use."""

    exit_code = 9


class ExternalToolError(DaibanError):
    """LibreOffice, Tesseract or another program failed, timed out or is missing."""

    exit_code = 10


class IntegrityError(DaibanError):
    """verify found differences between catalog, files and event log."""

    exit_code = 11
