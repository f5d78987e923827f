"""The matter library (事项库): per approval matter its stage, level, department, legal time limit,
conditions, materials, intermediary services, fees and whether it runs in parallel — an editable
matters.toml in the data root, else the built-in starter (templates/matters.toml), which holds only what
seed 001's 一站式项目研判表 names. A file that breaks the format is refused whole; fields left empty
are gaps that `daiban catalog check` lists, never filled in by guessing.
"""

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from archive.base.errors import ValidationError
from archive.base.terms import LEVELS, STAGES
from archive.dataroot.folders import DataRoot

BUILTIN = Path(__file__).resolve().parents[2] / "templates" / "matters.toml"
KINDS = ("各类申请", "项目批准文件", "土地手续", "部门意见", "评估文本类", "其他")
FORMS = ("原件", "复印件")


@dataclass(frozen=True)
class LibraryMaterial:
    """One application material: its stage, kind (the 研判表's six), 原件/复印件, copies, note."""

    name: str
    stage: str
    kind: str
    form: str = ""
    copies: int | None = None
    note: str = ""
    source: str = ""


@dataclass(frozen=True)
class LibraryMatter:
    """One approval matter as the agency lists it; empty fields are not known yet."""

    name: str
    stage: str
    level: str
    dept: str = ""
    time_limit: int | None = None
    conditions: str = ""
    materials: tuple[str, ...] = ()
    intermediary: str = ""
    fees: str = ""
    parallel: bool | None = None
    source: str = ""


@dataclass(frozen=True)
class LibraryFee:
    """A fee the seeds name for a stage, not yet tied to a matter."""

    name: str
    stage: str
    source: str = ""


@dataclass(frozen=True)
class MatterLibrary:
    """The whole library and the file it was read from."""

    path: Path
    builtin: bool
    matters: tuple[LibraryMatter, ...] = ()
    materials: tuple[LibraryMaterial, ...] = ()
    fees: tuple[LibraryFee, ...] = field(default=())

    def matter(self, name: str) -> LibraryMatter | None:
        """The matter of this name, if the library has it."""
        return next((m for m in self.matters if m.name == name), None)

    def materials_of(self, matter: LibraryMatter) -> list[LibraryMaterial]:
        """The materials a matter lists, in its order: the one of its own stage where a name recurs."""
        by_name = {}
        for m in self.materials:
            if m.name not in by_name or m.stage == matter.stage:
                by_name[m.name] = m
        return [by_name[n] for n in matter.materials]


def _entry(source: Path, table: str, n: int, raw: object, cls: type) -> object:
    where = f"{source}：第 {n} 个 [[{table}]]"
    if not isinstance(raw, dict):
        raise ValidationError(f"{where} 不是表")
    known = {f.name: f for f in fields(cls)}
    if unknown := sorted(set(raw) - set(known)):
        raise ValidationError(f"{where} 有未知的项 {'、'.join(unknown)}（可用：{'、'.join(known)}）")
    if missing := [k for k in ("name", "stage") if not str(raw.get(k, "")).strip()]:
        raise ValidationError(f"{where} 缺少 {'、'.join(missing)}")
    values = dict(raw)
    if "materials" in values:
        if not isinstance(values["materials"], list) or not all(isinstance(v, str) for v in values["materials"]):
            raise ValidationError(f"{where}（{raw['name']}）的 materials 应为材料名称的列表")
        values["materials"] = tuple(values["materials"])
    for key in ("time_limit", "copies"):
        if key in values and (not isinstance(values[key], int) or isinstance(values[key], bool) or values[key] <= 0):
            raise ValidationError(f"{where}（{raw['name']}）的 {key} 应为正整数")
    if "parallel" in values and not isinstance(values["parallel"], bool):
        raise ValidationError(f"{where}（{raw['name']}）的 parallel 应为 true 或 false")
    for key, value in values.items():
        if key in ("materials", "time_limit", "copies", "parallel"):
            continue
        if not isinstance(value, str):
            raise ValidationError(f"{where}（{raw['name']}）的 {key} 应为文字")
    return cls(**values)


def _check_values(source: Path, library: MatterLibrary) -> None:
    for entry in (*library.matters, *library.materials, *library.fees):
        if entry.stage not in STAGES:
            raise ValidationError(f"{source}：“{entry.name}”的阶段“{entry.stage}”应为 {'、'.join(STAGES)} 之一")
    for m in library.matters:
        if m.level not in LEVELS:
            raise ValidationError(f"{source}：事项“{m.name}”的层级“{m.level}”应为 {'、'.join(LEVELS)} 之一")
    for m in library.materials:
        if m.kind not in KINDS:
            raise ValidationError(f"{source}：材料“{m.name}”的类别“{m.kind}”应为 {'、'.join(KINDS)} 之一")
        if m.form and m.form not in FORMS:
            raise ValidationError(f"{source}：材料“{m.name}”的 form 应为 原件 或 复印件")
    # A material may recur in several stages (the seed lists 规划条件 in two), once per stage.
    for kind, keys in (("事项", [(m.name, "") for m in library.matters]),
                       ("同一阶段的材料", [(m.name, m.stage) for m in library.materials])):
        if doubled := sorted({k[0] for k in keys if keys.count(k) > 1}):
            raise ValidationError(f"{source}：{kind}名称重复：{'、'.join(doubled)}")
    known = {m.name for m in library.materials}
    for m in library.matters:
        if unknown := [n for n in m.materials if n not in known]:
            raise ValidationError(f"{source}：事项“{m.name}”列出的材料不在 [[materials]] 中：{'、'.join(unknown)}")


def parse_library(text: str, source: Path, builtin: bool = False) -> MatterLibrary:
    """Read and check a matter library; raise ValidationError naming the file and the entry at fault."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(f"{source}：不是有效的 TOML（{exc}）") from None
    if unknown := sorted(set(raw) - {"matters", "materials", "fees"}):
        raise ValidationError(f"{source}：有未知的表 {'、'.join(unknown)}（只能是 matters、materials、fees）")
    tables = {}
    for table, cls in (("matters", LibraryMatter), ("materials", LibraryMaterial), ("fees", LibraryFee)):
        entries = raw.get(table, [])
        if not isinstance(entries, list):
            raise ValidationError(f"{source}：{table} 应写作 [[{table}]]")
        tables[table] = tuple(_entry(source, table, n, e, cls) for n, e in enumerate(entries, start=1))
    library = MatterLibrary(source, builtin, **tables)
    _check_values(source, library)
    return library


def load_library(root: DataRoot) -> MatterLibrary:
    """The data root's matters.toml, else the built-in starter."""
    path = root.library_file
    builtin = not path.is_file()
    source = BUILTIN if builtin else path
    return parse_library(source.read_text(encoding="utf-8"), source, builtin)


def gaps(library: MatterLibrary) -> list[str]:
    """What the library leaves empty that forms and deadlines need, one line per matter or material."""
    lines = []
    for m in library.matters:
        known = (("审批部门", m.dept), ("法定时限", m.time_limit), ("办理条件", m.conditions),
                 ("申请材料", m.materials), ("可否并联", m.parallel))
        empty = [label for label, value in known if value in ("", None, ())]
        if empty:
            lines.append(f"事项“{m.name}”（{m.stage}）未填：{'、'.join(empty)}")
    for m in library.materials:
        empty = [label for label, value in (("原件/复印件", m.form), ("份数", m.copies)) if value in ("", None)]
        if empty:
            lines.append(f"材料“{m.name}”（{m.stage}）未填：{'、'.join(empty)}")
    return lines


def write_starter(root: DataRoot) -> Path:
    """Put an editable copy of the built-in starter into a new data root."""
    root.library_file.write_bytes(BUILTIN.read_bytes())
    return root.library_file
