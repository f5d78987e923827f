"""One error model: every expected failure is a DaibanError carrying the ExitCode of its meaning.

The same failure has the same code in every package (an OCR timeout is an
external tool failing, not a bad input file), and the command line exits only
with these codes. The messages are Chinese and name the object at fault.
"""

import errno
from enum import IntEnum
from pathlib import Path

from archive.base.text import readable


class ExitCode(IntEnum):
    """Exit codes of the daiban command, one meaning each (listed in the README)."""

    OK = 0
    INTERNAL = 1         # an unexpected error in daiban itself (a bug): reported with its traceback
    USAGE = 2            # bad arguments or option values
    ROOT = 3             # the data root is missing, foreign or incomplete
    NOT_FOUND = 4        # unknown case, form, document, matter or review item
    INVALID = 5          # values that break a rule (credit code, phone, required form fields)
    REFUSED_STEP = 6     # a lifecycle step refused: the document proving it is missing
    BAD_INPUT = 7        # an input file is unreadable, empty, corrupt, encrypted or of the wrong type
    DUPLICATE = 8        # the same bytes are already filed
    SCHEMA = 9           # the catalog was written by a newer daiban
    EXTERNAL_TOOL = 10   # LibreOffice, OCR or another program failed, timed out or is missing
    INTEGRITY = 11       # verify, index check or audit found differences or missing pieces
    BUSY = 12            # another daiban process held a lock for too long
    INDEX = 13           # the full-text index is missing or unreadable
    TEMPLATE = 14        # a form template cannot be used (syntax, unknown names, unsafe expressions)
    STORAGE = 15         # the data root cannot be written: disk full, read-only, no permission
    FORBIDDEN = 16       # the user may not do this (role, case), or the login failed
    INTERRUPTED = 130    # stopped by Ctrl-C


class DaibanError(Exception):
    """Base of every expected failure; the message is Chinese and names the object at fault."""

    exit_code = ExitCode.INTERNAL

    def __init__(self, message: str):
        # Messages name files, and a file's name may not be UTF-8: make it printable and storable.
        message = readable(message)
        super().__init__(message)
        self.message = message


class UsageError(DaibanError):
    """Bad arguments or values given by the user."""

    exit_code = ExitCode.USAGE


class RootError(DaibanError):
    """The data root is missing, foreign or unreadable."""

    exit_code = ExitCode.ROOT


class NotFoundError(DaibanError):
    """An unknown case, form, document, matter or review item."""

    exit_code = ExitCode.NOT_FOUND


class ValidationError(DaibanError):
    """Values that break a rule (credit code, phone, required fields)."""

    exit_code = ExitCode.INVALID


class TransitionError(DaibanError):
    """A lifecycle step refused because its proving document is missing."""

    exit_code = ExitCode.REFUSED_STEP


class InputFileError(DaibanError):
    """A file given to daiban is unreadable, empty, corrupt, encrypted or of the wrong type."""

    exit_code = ExitCode.BAD_INPUT


class DuplicateError(DaibanError):
    """The same bytes are already in the case."""

    exit_code = ExitCode.DUPLICATE


class SchemaError(DaibanError):
    """The catalog database has a schema this version cannot use."""

    exit_code = ExitCode.SCHEMA


class ExternalToolError(DaibanError):
    """LibreOffice, Tesseract or another program failed, timed out or is missing."""

    exit_code = ExitCode.EXTERNAL_TOOL


class IntegrityError(DaibanError):
    """verify or index check found differences between catalog, files, index and event log."""

    exit_code = ExitCode.INTEGRITY


class BusyError(DaibanError):
    """Another daiban process held a lock (the store, the index writer) for too long."""

    exit_code = ExitCode.BUSY


class StorageError(DaibanError):
    """The data root cannot be written: its disk is full or read-only, or daiban may not write there."""

    exit_code = ExitCode.STORAGE


def storage_error(exc: OSError, root: Path) -> StorageError:
    """Describe a failed write into the data root in words an archivist can act on."""
    where = f"（{exc.filename}）" if exc.filename else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageError(f"磁盘空间不足：数据根目录 {root} 所在磁盘已满{where}。档案库保持原状，请释放空间后重试")
    if exc.errno == errno.EROFS:
        return StorageError(f"数据根目录 {root} 所在磁盘为只读{where}，无法写入")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return StorageError(f"没有写入数据根目录 {root} 的权限{where}")
    return StorageError(f"无法写入数据根目录 {root}{where}：{exc.strerror or exc}")


class AccessError(DaibanError):
    """The acting user may not do this, to this case or document; or a login failed."""

    exit_code = ExitCode.FORBIDDEN
