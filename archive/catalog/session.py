"""An opened archive: the data root, its settings and the catalog engine, passed explicitly to every service."""

import errno
import getpass
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from archive.base.errors import BusyError, DaibanError, storage_error
from archive.catalog import events
from archive.catalog.access import FULL, Access, check
from archive.catalog.engine import ACCESS_KEY, make_engine
from archive.catalog.migrations import ensure_current
from archive.dataroot.access import check_group, restrict_new_files, share_with_group
from archive.dataroot.folders import DataRoot, create_root, find_root
from archive.dataroot.settings import Agency, Settings, load_settings, write_settings
from docgen.catalog import FormCatalog, load_catalog


@dataclass
class Archive:
    """Everything a service needs to read or change one data root, and who is acting with which rights."""

    root: DataRoot
    settings: Settings
    engine: Engine
    actor: str
    access: Access = FULL
    # A long-lived LibreOffice (docgen.warmconvert) for a server or a batch run; None converts cold.
    converter: object | None = None

    @cached_property
    def forms(self) -> FormCatalog:
        """The catalog of forms, read when first needed."""
        return load_catalog()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read connection: use as `with archive.read() as conn`."""
        with catalog_errors(self.root.path), self.engine.connect() as conn:
            conn.info[ACCESS_KEY] = self.access
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction (BEGIN IMMEDIATE), committed when the block ends: `with archive.write() as conn`."""
        with catalog_errors(self.root.path), self.engine.execution_options(write=True).begin() as conn:
            conn.info[ACCESS_KEY] = self.access
            yield conn

    def require(self, action: str, case_no: str | None = None, doc_id: int | None = None) -> None:
        """Refuse before any work what the acting user could not record (catalog.access): an action beyond
        their role, a case they may not reach, a document an enterprise was not handed."""
        if self.access.full:
            return  # the operator and administrators: nothing to look up
        with self.read() as conn:
            check(conn, self.access, action, case_no, doc_id)

    def close(self) -> None:
        """Release the catalog's connections."""
        self.engine.dispose()


def sqlite_version() -> str:
    """The version of the SQLite library the catalog is kept with."""
    return sqlite3.sqlite_version


def integrity_problems(archive: Archive) -> list[str]:
    """What SQLite's own integrity check finds wrong in the catalog file (nothing when it is sound)."""
    with archive.read() as conn:
        found = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check")]
    return [] if found == ["ok"] else found


# SQLite's words for a catalog that cannot be written, as the errno of the same failure on a file.
_SQLITE_ERRNO = {"database or disk is full": errno.ENOSPC, "readonly database": errno.EROFS,
                 "disk I/O error": errno.EIO, "unable to open database file": errno.EACCES}


def catalog_error(exc: OperationalError, root: Path) -> DaibanError | None:
    """The DaibanError a failed catalog operation means (full disk, read-only, busy), if it is one of those."""
    text = str(exc.orig)
    if "database is locked" in text:
        return BusyError(f"目录库正被另一个 daiban 进程占用，等待后仍未释放（{root}）")
    for words, code in _SQLITE_ERRNO.items():
        if words in text:
            return storage_error(OSError(code, os.strerror(code), str(root / "daiban.sqlite")), root)
    return None


@contextmanager
def catalog_errors(root: Path) -> Iterator[None]:
    """Turn SQLite's full-disk, read-only and busy errors into DaibanErrors naming the data root."""
    try:
        yield
    except OperationalError as exc:
        if translated := catalog_error(exc, root):
            raise translated from exc
        raise


def resolve_actor(option: str | None) -> str:
    """Pick the actor: --actor, else $DAIBAN_USER, else the OS user."""
    if option:
        return option
    return os.environ.get("DAIBAN_USER") or getpass.getuser()


def _engine(root: DataRoot) -> Engine:
    engine = make_engine(root.catalog_file)
    try:
        with catalog_errors(root.path):
            ensure_current(engine, root.catalog_file)
    except BaseException:
        engine.dispose()
        raise
    return engine


def open_archive(path: Path, actor: str) -> Archive:
    """Open an existing data root, upgrading an older catalog and refusing a newer one."""
    root = find_root(path)
    settings = load_settings(root)
    restrict_new_files(settings.group)
    return Archive(root, settings, _engine(root), actor)


def init_archive(path: Path, actor: str, agency: Agency, group: str = "") -> Archive:
    """Create a new data root with its settings, folders and an empty catalog, readable by the owner
    (and group) only."""
    if group:
        check_group(group)
    restrict_new_files(group)
    root = create_root(path)
    if group:
        share_with_group([root.path, *root.folders()], group)
    write_settings(root, agency, group)
    archive = Archive(root, load_settings(root), _engine(root), actor)
    with archive.write() as conn:
        events.append(conn, actor, "archive.initialised", agency=agency.name, fonds=agency.fonds)
    return archive
