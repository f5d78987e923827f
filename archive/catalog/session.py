"""An opened archive: the data root, its settings and the catalog engine, passed explicitly to every service."""

import getpass
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from sqlalchemy.engine import Connection, Engine

from archive.catalog import events
from archive.catalog.engine import make_engine
from archive.catalog.migrations import ensure_current
from archive.dataroot.folders import DataRoot, create_root, find_root
from archive.dataroot.settings import Settings, load_settings, write_settings
from docgen.catalog import FormCatalog, load_catalog


@dataclass
class Archive:
    """Everything a service needs to read or change one data root, and who is acting."""

    root: DataRoot
    settings: Settings
    engine: Engine
    actor: str

    @cached_property
    def forms(self) -> FormCatalog:
        """The catalog of forms, read when first needed."""
        return load_catalog()

    def read(self) -> Connection:
        """A read connection: use as `with archive.read() as conn`."""
        return self.engine.connect()

    def write(self):
        """Begin a write transaction (BEGIN IMMEDIATE): use as `with archive.write() as conn`."""
        return self.engine.execution_options(write=True).begin()

    def close(self) -> None:
        """Release the catalog's connections."""
        self.engine.dispose()


def resolve_actor(option: str | None) -> str:
    """Pick the actor: --actor, else $DAIBAN_USER, else the OS user."""
    if option:
        return option
    return os.environ.get("DAIBAN_USER") or getpass.getuser()


def _engine(root: DataRoot) -> Engine:
    engine = make_engine(root.catalog_file)
    try:
        ensure_current(engine, root.catalog_file)
    except BaseException:
        engine.dispose()
        raise
    return engine


def open_archive(path: Path, actor: str) -> Archive:
    """Open an existing data root, upgrading an older catalog and refusing a newer one."""
    root = find_root(path)
    return Archive(root, load_settings(root), _engine(root), actor)


def init_archive(path: Path, actor: str, agency: str, short: str, city: str, fonds: str) -> Archive:
    """Create a new data root with its settings, folders and an empty catalog."""
    root = create_root(path)
    write_settings(root, agency, short, city, fonds)
    archive = Archive(root, load_settings(root), _engine(root), actor)
    with archive.write() as conn:
        events.append(conn, actor, "archive.initialised", agency=agency, fonds=fonds)
    return archive
