"""An opened archive: the data root, its settings and the catalog engine, passed explicitly."""

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from archive import db, events
from archive.errors import RootError
from archive.config import DataRoot, Settings, create_root, find_root, load_settings
from docgen.catalog import FormCatalog, load_catalog


@dataclass
class Archive:
    """Everything a command needs to read or change one data root."""

    root: DataRoot
    settings: Settings
    engine: Engine
    forms: FormCatalog
    actor: str

    def write(self):
        """Begin a write transaction (BEGIN IMMEDIATE): use as `with archive.write() as conn`."""
        return self.engine.execution_options(write=True).begin()

    def close(self) -> None:
        """Release the catalog's connections."""
        self.engine.dispose()


def open_archive(path: Path, actor: str) -> Archive:
    """Open an existing data root, upgrading an older catalog and refusing a newer one."""
    root = find_root(path)
    if not root.catalog_file.is_file():
        raise RootError(f"目录库缺失：{root.catalog_file}。数据根目录不完整，请从备份恢复。")
    engine = db.make_engine(root.catalog_file)
    try:
        db.upgrade(engine, root.catalog_file)
    except Exception:
        engine.dispose()
        raise
    return Archive(root, load_settings(root), engine, load_catalog(), actor)


def init_archive(path: Path, actor: str, agency: str, short: str, city: str, fonds: str) -> Archive:
    """Create a new data root with its settings, folders and an empty catalog."""
    root = create_root(path, agency, short, city, fonds)
    engine = db.make_engine(root.catalog_file)
    db.upgrade(engine, root.catalog_file)
    with engine.execution_options(write=True).begin() as conn:
        events.append(conn, actor, "archive.initialised", agency=agency, fonds=fonds)
    return Archive(root, load_settings(root), engine, load_catalog(), actor)
