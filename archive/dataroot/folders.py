"""The data root (数据根目录): where it is, the well-known places inside it, and creating one."""

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from archive.base.errors import RootError
from archive.base.scratch import scratch_dir, sweep

SETTINGS_FILE = "daiban.toml"
CATALOG_FILE = "daiban.sqlite"
ROOT_FORMAT = 1
DEFAULT_ROOT = Path("daiban-data")
# Room for a 件号, version, 签署件 and extension beside a title within a name's 255 bytes.
NAME_BYTES = 180
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


@dataclass(frozen=True)
class DataRoot:
    """A daiban data root and the well-known places inside it."""

    path: Path

    @property
    def settings_file(self) -> Path:
        """Path of daiban.toml."""
        return self.path / SETTINGS_FILE

    @property
    def calendar_file(self) -> Path:
        """The agency's published holiday schedules (calendar.toml), read over chinesecalendar's."""
        return self.path / "calendar.toml"

    @property
    def library_file(self) -> Path:
        """The agency's matter library (事项库, matters.toml); without it the built-in starter is used."""
        return self.path / "matters.toml"

    @property
    def catalog_file(self) -> Path:
        """Path of the SQLite catalog."""
        return self.path / CATALOG_FILE

    @property
    def cases_dir(self) -> Path:
        """Folder holding one folder per case (一事一档)."""
        return self.path / "cases"

    @property
    def staging_dir(self) -> Path:
        """Folder for files being written; never holds filed documents."""
        return self.path / ".staging"

    @property
    def store_lock(self) -> Path:
        """Lock file serialising filings (and their crash recovery) across processes."""
        return self.staging_dir / "store.lock"

    @property
    def inbox_dir(self) -> Path:
        """Folder watched for scans to ingest."""
        return self.path / "inbox"

    @property
    def review_dir(self) -> Path:
        """Folder for scans waiting for a person to file them."""
        return self.path / "review"

    @property
    def index_dir(self) -> Path:
        """Folder of the full-text index (derived data)."""
        return self.path / "index"

    @property
    def exports_dir(self) -> Path:
        """Folder for dossiers handed over to enterprises."""
        return self.path / "exports"

    @property
    def templates_dir(self) -> Path:
        """Folder whose .docx templates override the built-in ones."""
        return self.path / "templates"

    @property
    def web_secret_file(self) -> Path:
        """The key signing the web interface's session cookies (made on the first `daiban serve`)."""
        return self.path / "web-secret.key"

    def folders(self) -> list[Path]:
        """Every folder init creates."""
        return [
            self.cases_dir, self.staging_dir, self.inbox_dir, self.review_dir,
            self.index_dir, self.exports_dir, self.templates_dir,
        ]

    def work_dir(self) -> Path:
        """The staging folder, created if a copy of the root lost its empty folders."""
        self.staging_dir.mkdir(parents=True, exist_ok=True)
        return self.staging_dir

    def scratch(self, purpose: str):
        """A scratch folder in .staging for one run, after removing those killed runs left behind."""
        sweep(self.work_dir())
        return scratch_dir(self.staging_dir, purpose)


def resolve_root(option: Path | None) -> Path:
    """Pick the data root: --root, else $DAIBAN_ROOT, else ./daiban-data."""
    if option is not None:
        return Path(option)
    env = os.environ.get("DAIBAN_ROOT")
    return Path(env) if env else DEFAULT_ROOT


def find_root(path: Path) -> DataRoot:
    """Return the data root at path, refusing a missing or foreign folder."""
    if not path.exists():
        raise RootError(f"数据根目录不存在：{path}。请先运行 daiban init --root {path}")
    if not path.is_dir():
        raise RootError(f"数据根目录不是文件夹：{path}")
    root = DataRoot(path.resolve())
    if not root.settings_file.is_file():
        raise RootError(f"{path} 不是 daiban 数据根目录（缺少 {SETTINGS_FILE}）。请先运行 daiban init --root {path}")
    try:
        raw = tomllib.loads(root.settings_file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RootError(f"{root.settings_file} 无法读取：{exc}") from exc
    if raw.get("daiban", {}).get("format") != ROOT_FORMAT:
        raise RootError(f"{root.settings_file} 不是本版本 daiban 的设置文件（[daiban] format 应为 {ROOT_FORMAT}）")
    if not root.catalog_file.is_file():
        raise RootError(f"目录库缺失：{root.catalog_file}。数据根目录不完整，请从备份恢复。")
    return root


def create_root(path: Path) -> DataRoot:
    """Create the folders of a new data root (its settings and catalog are written by the caller)."""
    if path.exists() and any(path.iterdir()):
        if (path / SETTINGS_FILE).exists():
            raise RootError(f"{path} 已是 daiban 数据根目录，无需重复初始化")
        raise RootError(f"{path} 不是空文件夹，不能在此初始化数据根目录")
    path.mkdir(parents=True, exist_ok=True)
    root = DataRoot(path.resolve())
    for folder in root.folders():
        folder.mkdir(parents=True, exist_ok=True)
    return root


def safe_name(text: str, max_bytes: int) -> str:
    """A file or folder name made from text: no character Windows or Linux forbids, at most max_bytes of UTF-8.

    File systems limit a name to 255 bytes (not characters): 90 Chinese characters or 64 emoji
    already exceed it. The cut never falls inside a character; the full text stays in the catalog.
    """
    readable = _UNSAFE.sub("_", text.encode("utf-8", "replace").decode("utf-8"))
    cut = readable.encode("utf-8")[:max_bytes].decode("utf-8", "ignore")
    return cut.strip(" .") or "_"
