"""The data root (数据根目录): where it is, its settings file daiban.toml, and init."""

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from archive.errors import RootError
from archive.ocr import OcrSettings

SETTINGS_FILE = "daiban.toml"
CATALOG_FILE = "daiban.sqlite"
ROOT_FORMAT = 1
DEFAULT_ROOT = Path("daiban-data")

DEFAULT_SETTINGS = """\
# daiban 数据根目录设置
[daiban]
format = 1

[agency]
name = "{agency}"          # 代办机构名称
short = "{short}"          # 机构简称（用于文号）
city = "{city}"            # 所在市
phone = "0356-0000000"     # 代办服务电话
address = ""               # 地址
fonds = "{fonds}"          # 全宗号

[numbering]
case = "DB-{{year}}-{{seq:04d}}"   # 案件编号格式，年度顺序号

[archive]
retention = "永久"          # 默认保管期限：永久 / 定期30年 / 定期10年

[ocr]
languages = "chi_sim"      # Tesseract 语言
engine = "rapidocr"        # rapidocr（默认：字符错误率 2.4%）或 tesseract（8.4%），见 bench/RESULTS.md
deskew = false
timeout = 600              # 每个文件 OCR 超时（秒）

[index]
backend = "whoosh"         # whoosh（默认）或 tantivy（大型档案库）
"""


@dataclass(frozen=True)
class Agency:
    """The service centre that runs the cases."""

    name: str
    short: str
    city: str
    phone: str
    address: str
    fonds: str


@dataclass(frozen=True)
class Settings:
    """Everything daiban.toml says."""

    agency: Agency
    case_number: str
    retention: str
    ocr: OcrSettings = field(default_factory=OcrSettings)
    ocr_timeout: float = 600.0
    index_backend: str = "whoosh"


@dataclass(frozen=True)
class DataRoot:
    """A daiban data root and the well-known places inside it."""

    path: Path

    @property
    def settings_file(self) -> Path:
        """Path of daiban.toml."""
        return self.path / SETTINGS_FILE

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

    def folders(self) -> list[Path]:
        """Every folder init creates."""
        return [
            self.cases_dir, self.staging_dir, self.inbox_dir, self.review_dir,
            self.index_dir, self.exports_dir, self.templates_dir,
        ]


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
    return root


def load_settings(root: DataRoot) -> Settings:
    """Read daiban.toml into typed settings."""
    raw = tomllib.loads(root.settings_file.read_text(encoding="utf-8"))
    agency = raw.get("agency", {})
    ocr = raw.get("ocr", {})
    return Settings(
        agency=Agency(
            name=agency.get("name", ""),
            short=agency.get("short", ""),
            city=agency.get("city", ""),
            phone=agency.get("phone", ""),
            address=agency.get("address", ""),
            fonds=agency.get("fonds", ""),
        ),
        case_number=raw.get("numbering", {}).get("case", "DB-{year}-{seq:04d}"),
        retention=raw.get("archive", {}).get("retention", "永久"),
        ocr=OcrSettings(
            languages=tuple(ocr.get("languages", "chi_sim").split("+")),
            engine=ocr.get("engine", "rapidocr"),
            deskew=bool(ocr.get("deskew", False)),
        ),
        ocr_timeout=float(ocr.get("timeout", 600)),
        index_backend=raw.get("index", {}).get("backend", "whoosh"),
    )


def create_root(path: Path, agency: str, short: str, city: str, fonds: str) -> DataRoot:
    """Create the folders and daiban.toml of a new data root (the catalog is created by the caller)."""
    if path.exists() and any(path.iterdir()):
        if (path / SETTINGS_FILE).exists():
            raise RootError(f"{path} 已是 daiban 数据根目录，无需重复初始化")
        raise RootError(f"{path} 不是空文件夹，不能在此初始化数据根目录")
    path.mkdir(parents=True, exist_ok=True)
    root = DataRoot(path.resolve())
    for folder in root.folders():
        folder.mkdir(parents=True, exist_ok=True)
    root.store_lock.touch()
    text = DEFAULT_SETTINGS.format(agency=agency, short=short, city=city, fonds=fonds)
    root.settings_file.write_text(text, encoding="utf-8")
    return root
