"""The standard render context every template may use (docs/CONTRACTS.md), with Chinese labels."""

import datetime

from docgen.catalog import FieldSpec
from docgen.identity import DocIdentity


def _specs(prefix: str, rows: list[tuple]) -> tuple[FieldSpec, ...]:
    return tuple(FieldSpec(f"{prefix}{name}", label, kind, required=False) for name, label, kind in rows)


AGENCY = _specs("agency.", [
    ("name", "代办机构名称", "text"),
    ("short", "机构简称", "text"),
    ("fonds", "全宗号", "text"),
    ("city", "所在市", "text"),
    ("phone", "代办机构电话", "text"),
    ("address", "代办机构地址", "text"),
    ("report_email", "政企互动统计报送邮箱", "text"),
])
CASE = _specs("case.", [
    ("case_no", "案件编号", "text"),
    ("project_name", "项目名称", "text"),
    ("unit", "项目单位", "text"),
    ("credit_code", "统一社会信用代码", "text"),
    ("project_code", "项目代码", "text"),
    ("project_type", "项目类型", "text"),
    ("location", "建设地点", "text"),
    ("scale", "建设规模及内容", "text"),
    ("investment", "总投资", "money"),
    ("funding", "资金来源", "text"),
    ("land", "用地情况", "text"),
    ("contact", "联系人", "text"),
    ("phone", "联系电话", "text"),
    ("manager", "项目长", "text"),
    ("manager_phone", "项目长电话", "text"),
    ("agents", "代办员", "list"),
    ("status", "案件状态", "text"),
    ("opened", "受理日期", "date"),
])
MATTER = _specs("", [
    ("stage", "审批阶段", "text"),
    ("name", "事项名称", "text"),
    ("level", "审批层级", "text"),
    ("dept", "审批部门", "text"),
    ("liaison", "审批联络员", "text"),
    ("time_limit", "办理时限", "int"),
    ("status", "办理状态", "text"),
    ("parallel", "并联", "bool"),
    ("due", "时间节点", "date"),
    ("due_note", "时间节点说明（估算）", "text"),
])
DOC = _specs("doc.", [
    ("doc_no", "文号", "text"),
    ("identity", "文档标识", "text"),
    ("version", "版本", "int"),
    ("date", "成文日期", "date"),
    ("qr", "二维码", "image"),
])
TOP_LEVEL = (
    FieldSpec("agency", "代办机构", "namespace", required=False),
    FieldSpec("case", "案件", "namespace", required=False),
    FieldSpec("matters", "审批事项", "table", required=False, columns=tuple(f.name for f in MATTER)),
    FieldSpec("stages", "审批阶段", "list", required=False),
    FieldSpec("doc", "文档", "namespace", required=False),
)
# doc.qr is made by the renderer itself from doc.identity.
GENERATED = frozenset({"doc.qr"})


def contract_fields() -> tuple[FieldSpec, ...]:
    """Every named value of the standard context: namespaces, their keys and matter keys (as matters[].x)."""
    matters = tuple(FieldSpec(f"matters[].{f.name}", f.label, f.type, required=False) for f in MATTER)
    return TOP_LEVEL + AGENCY + CASE + DOC + matters


def labels() -> dict[str, str]:
    """Chinese label of every contract path."""
    return {f.name: f.label for f in contract_fields()}


def doc_namespace(identity: DocIdentity, doc_no: str, date: datetime.date) -> dict:
    """The context's doc namespace for one generated document (doc.qr is added when rendering)."""
    return {"doc_no": doc_no, "identity": str(identity), "version": identity.version, "date": date}
