"""The settings of a data root (daiban.toml): agency, numbering, retention, OCR, index backend."""

import json
import os
import re
import tomllib
from dataclasses import asdict, dataclass, field, fields

from archive.base.atomicio import atomic_output
from archive.dataroot.folders import DataRoot

DEFAULT_SETTINGS = """\
# daiban 数据根目录设置
[daiban]
format = 1

[agency]
# 表单印出的机构信息只取自这里；未填写的项，需要它的表单拒绝生成（daiban config set agency.phone …）
name = {name}          # 代办机构名称
short = {short}          # 机构简称（用于文号）
city = {city}            # 所在市
phone = {phone}           # 代办服务电话
address = {address}         # 地址
report_email = {report_email}    # 政企互动情况统计表的报送邮箱
fonds = {fonds}          # 全宗号

[numbering]
case = "DB-{{year}}-{{seq:04d}}"   # 案件编号格式，年度顺序号

[archive]
retention = "永久"          # 默认保管期限：永久 / 定期30年 / 定期10年
group = {group}          # 可读取档案的用户组；留空则只有所有者可读
# 档号：全宗号-门类代码·年度-保管期限代码-机构（问题）代码-案卷号-卷内件号，归档时编定
# （DA/T 22 的分类层级；一事一档，每个案件为一卷，GB/T 9705 的案卷号使全库档号不重复）
reference = "{{fonds}}-WS·{{year}}-{{retention}}-{{org}}-{{volume:04d}}-{{item:04d}}"
org = "DB"                 # 机构（问题）代码

[ocr]
languages = "chi_sim"      # Tesseract 语言
engine = "rapidocr"        # rapidocr（默认：字符错误率 2.4%）或 tesseract（8.4%），见 bench/RESULTS.md
deskew = false
timeout = 600              # 每个文件 OCR 超时（秒）

[index]
backend = "whoosh"         # whoosh（默认）或 tantivy（大型档案库）

[signing]
# 移交档案的数字签名（PAdES）：私钥与证书（PEM，相对数据根目录）
# daiban init --self-signed-cert 生成自签名证书（仅供试用）
key = ""
cert = ""
"""


# DA/T 22-2015 7.2 and DA/T 13-2022: 全宗号-档案门类代码·年度-保管期限代码-机构（问题）代码, then, since each
# case is one volume (一事一档, GB/T 9705), the volume's number (案卷号) and the item's within it: the number
# of a case's items starts at 1, so without the volume two cases sealed in one year would share 档号.
DEFAULT_REFERENCE = "{fonds}-WS·{year}-{retention}-{org}-{volume:04d}-{item:04d}"


def _default_jobs() -> int:
    return max(1, min(2, os.cpu_count() or 1))


@dataclass(frozen=True)
class OcrSettings:
    """How OCR runs; the defaults are the measured ones (MEASUREMENTS.md, bench/RESULTS.md)."""

    # RapidOCR: error rate 2.4% against Tesseract's 8.4% on the simulated scans, at
    # 1.2–1.45× Tesseract's time in alternating runs, within the rule's 1.5× (bench/RESULTS.md).
    engine: str = "rapidocr"
    languages: tuple[str, ...] = ("chi_sim",)
    deskew: bool = False
    rotate_pages: bool = True
    # Tesseract's OSD got every simulated 90/180/270° scan right, but with confidence
    # 11.6–19.4: ocrmypdf's default threshold of 14 left 5 of 18 turned pages unturned.
    rotate_threshold: float = 8.0
    jobs: int = field(default_factory=_default_jobs)
    # Tesseract only: a page that exceeds it is left without text (a soft failure).
    page_timeout_s: float = 180.0
    # Pages measured more askew than this are turned straight before OCR (bench/RESULTS.md, tables).
    straighten: bool = True
    straighten_threshold: float = 0.3


@dataclass(frozen=True)
class Agency:
    """The service centre that runs the cases."""

    name: str
    short: str
    city: str
    phone: str
    address: str
    fonds: str
    report_email: str = ""


AGENCY_KEYS = tuple(f.name for f in fields(Agency))


@dataclass(frozen=True)
class Settings:
    """Everything daiban.toml says."""

    agency: Agency
    case_number: str
    retention: str
    group: str = ""
    reference: str = DEFAULT_REFERENCE
    org: str = "DB"
    signing_key: str = ""
    signing_cert: str = ""
    ocr: OcrSettings = field(default_factory=OcrSettings)
    ocr_timeout: float = 600.0
    index_backend: str = "whoosh"


# Stand-ins that earlier daiban versions wrote into every new daiban.toml: read as not configured.
WRITTEN_STAND_INS = {"phone": "0356-0000000"}


def _agency_value(agency: dict, name: str) -> str:
    value = agency.get(name, "")
    return "" if WRITTEN_STAND_INS.get(name) == value else value


def load_settings(root: DataRoot) -> Settings:
    """Read daiban.toml into typed settings."""
    raw = tomllib.loads(root.settings_file.read_text(encoding="utf-8"))
    agency = raw.get("agency", {})
    ocr = raw.get("ocr", {})
    return Settings(
        agency=Agency(
            **{name: _agency_value(agency, name) for name in AGENCY_KEYS},
        ),
        case_number=raw.get("numbering", {}).get("case", "DB-{year}-{seq:04d}"),
        retention=raw.get("archive", {}).get("retention", "永久"),
        group=raw.get("archive", {}).get("group", ""),
        reference=raw.get("archive", {}).get("reference", DEFAULT_REFERENCE),
        org=raw.get("archive", {}).get("org", "DB"),
        signing_key=raw.get("signing", {}).get("key", ""),
        signing_cert=raw.get("signing", {}).get("cert", ""),
        ocr=OcrSettings(
            languages=tuple(ocr.get("languages", "chi_sim").split("+")),
            engine=ocr.get("engine", "rapidocr"),
            deskew=bool(ocr.get("deskew", False)),
        ),
        ocr_timeout=float(ocr.get("timeout", 600)),
        index_backend=raw.get("index", {}).get("backend", "whoosh"),
    )


_TOML_STRING = r'("(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\')'


def toml_string(value: str) -> str:
    """A TOML basic string holding value (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


def write_settings(root: DataRoot, agency: Agency, group: str = "") -> None:
    """Write the daiban.toml of a new data root."""
    values = {name: toml_string(value) for name, value in asdict(agency).items()}
    text = DEFAULT_SETTINGS.format(**values, group=toml_string(group))
    _replace_file(root, text)


def _replace_file(root: DataRoot, text: str) -> None:
    with atomic_output(root.settings_file) as handle:
        handle.write(text.encode("utf-8"))


def set_setting(root: DataRoot, table: str, key: str, value: str) -> None:
    """Record one value of a table of daiban.toml, keeping the rest of the file (comments too) as written."""
    text = root.settings_file.read_text(encoding="utf-8")
    line = f"{key} = {toml_string(value)}"
    section = re.search(rf"(?ms)^\[{re.escape(table)}\][^\n]*\n(.*?)(?=^\[|\Z)", text)
    if section is None:
        text = text.rstrip("\n") + f"\n\n[{table}]\n{line}\n"
    else:
        body = section.group(1)
        current = re.compile(rf"(?m)^{re.escape(key)}\s*=\s*{_TOML_STRING}")
        if current.search(body):
            body = current.sub(lambda _: line, body, count=1)
        else:
            body = body.rstrip("\n") + f"\n{line}\n\n"
        text = text[:section.start(1)] + body + text[section.end(1):]
    tomllib.loads(text)
    _replace_file(root, text)


def set_index_backend(root: DataRoot, backend: str) -> None:
    """Record the index backend in daiban.toml, keeping the rest of the file as the agency wrote it."""
    text = root.settings_file.read_text(encoding="utf-8")
    updated, count = re.subn(r'(?m)^(backend\s*=\s*)"[^"]*"', f'\\1"{backend}"', text)
    if count:
        _replace_file(root, updated)
