"""Failures of form rendering and PDF conversion, carrying the details a caller may print."""

from pathlib import Path

from archive.base.errors import DaibanError, ExitCode, ExternalToolError, ValidationError


class MissingFieldsError(ValidationError):
    """Required fields are absent from the render context; nothing was written."""

    def __init__(self, message: str, missing: list[tuple[str, str]]):
        super().__init__(message)
        self.missing = missing


class TemplateError(DaibanError):
    """A template cannot be rendered: Jinja syntax, unknown variable or filter."""

    exit_code = ExitCode.TEMPLATE

    def __init__(self, message: str, template: Path):
        super().__init__(message)
        self.template = template


class ConversionError(ExternalToolError):
    """LibreOffice failed, timed out or produced no PDF for some files."""

    def __init__(self, message: str, failed: list[Path]):
        super().__init__(message)
        self.failed = failed
