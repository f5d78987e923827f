"""The archive's vocabulary, defined once: statuses, states, kinds, stages, categories, 中止 reasons.

Values are what the catalog stores; `label` is what users read. Everything
else (the CLI, forms.toml's choice lists, the template builder) refers here.
"""

from dataclasses import dataclass
from enum import StrEnum

from archive.base.errors import UsageError


class CaseStatus(StrEnum):
    """Where a case stands: 登记 → 研判 → 受理 → 办理 ⇄ 中止 → 办结 | 终止 → 归档."""

    REGISTERED = "登记"
    ASSESSED = "研判"
    ACCEPTED = "受理"
    HANDLING = "办理"
    SUSPENDED = "中止"
    COMPLETED = "办结"
    TERMINATED = "终止"
    ARCHIVED = "归档"
    # Not a case: the agency's own file of a year (机构文件), holding its agency-level forms.
    AGENCY_FILE = "机构文件"


    @classmethod
    def parse(cls, text: str) -> "CaseStatus":
        """A status by its Chinese name, else a UsageError listing them."""
        try:
            return cls(text.strip())
        except ValueError:
            raise UsageError(f"未知的案件状态“{text}”，应为：{'、'.join(cls)}") from None


OPEN_STATUSES = (CaseStatus.REGISTERED, CaseStatus.ASSESSED, CaseStatus.ACCEPTED,
                 CaseStatus.HANDLING, CaseStatus.SUSPENDED)


class MatterStatus(StrEnum):
    """An approval matter's own small lifecycle (销号管理, seed 003)."""

    WAITING = "待办"
    ACCEPTED = "已受理"
    DONE = "已办结"


class Role(StrEnum):
    """The roles a person holds on a case."""

    MANAGER = "项目长"
    AGENT = "代办员"
    CONTACT = "联系人"


class UserRole(StrEnum):
    """What a user of the web interface may do (issue 15); the CLI acts with the operator's full rights."""

    ADMIN = "admin"
    STAFF = "staff"
    ARCHIVIST = "archivist"
    AUDITOR = "auditor"
    ENTERPRISE = "enterprise"

    @property
    def label(self) -> str:
        """The Chinese name users read."""
        return {"admin": "管理员", "staff": "项目长/代办员", "archivist": "档案员", "auditor": "审计",
                "enterprise": "企业"}[self.value]

    @classmethod
    def parse(cls, text: str) -> "UserRole":
        """A role by its code or Chinese name (项目长 and 代办员 both name staff)."""
        names = {r.label: r for r in cls} | {r.value: r for r in cls} | {"项目长": cls.STAFF, "代办员": cls.STAFF}
        found = names.get(text.strip())
        if found is None:
            raise UsageError(f"未知的角色“{text}”，应为：管理员、项目长、代办员、档案员、审计、企业")
        return found


class DocKind(StrEnum):
    """What a filed file is: a generated form, a signed scan of one, an upload, a photo, an original scan."""

    GENERATED = "generated"
    SIGNED = "signed"
    UPLOAD = "upload"
    PHOTO = "photo"
    ORIGINAL = "original"

    @property
    def label(self) -> str:
        """The Chinese name users read."""
        return {"generated": "生成件", "signed": "签署件", "upload": "上传件", "photo": "照片",
                "original": "原始扫描件"}[self.value]


class DocState(StrEnum):
    """A document row's state: pending while a filing runs, then filed, later maybe withdrawn."""

    PENDING = "pending"
    FILED = "filed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        """The Chinese name users read."""
        return {"pending": "归档中", "filed": "现行", "withdrawn": "已撤回"}[self.value]


class ReviewState(StrEnum):
    """A scan in the review queue: waiting for a person, then filed or rejected."""

    WAITING = "waiting"
    FILED = "filed"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        """The Chinese name users read."""
        return {"waiting": "待审核", "filed": "已归档", "rejected": "已退回"}[self.value]


# A case's facts (English field names as stored) and their labels on forms and screens.
FACT_LABELS = {
    "project_name": "项目名称", "unit": "项目单位", "credit_code": "统一社会信用代码",
    "project_code": "项目代码", "project_type": "项目类型", "location": "建设地点",
    "scale": "建设规模及内容", "investment": "总投资（万元）", "funding": "资金来源",
    "land": "用地情况", "contact": "联系人", "phone": "联系电话", "manager": "项目长",
    "manager_phone": "项目长电话", "agents": "代办员",
}
REQUIRED_FACTS = ("project_name", "unit", "credit_code", "project_type", "location", "scale",
                  "contact", "phone", "manager")


# The stage forms.toml gives the agency-level forms (名单报送回执, 政企互动情况统计表): they go to the 机构文件.
AGENCY_STAGE = "机构"
# How an enterprise rates a service (代办服务评价意见单, seed 000 and 002 九).
RATINGS = ("满意", "基本满意", "不满意")
# How it was given (评价方式 on the 评价意见单).
EVALUATION_METHODS = ("书面评价", "网上评价", "电话回访", "会议座谈")

# The four approval stages of seed 001.
STAGES = ("立项用地规划许可阶段", "工程建设许可阶段", "施工许可阶段", "竣工验收阶段")
LEVELS = ("市级", "县级", "省级")
PROJECT_TYPES = ("企业投资", "政府投资")

# The seven 中止 conditions in the words of the 委托书 the enterprise signs (seed 001 附件2);
# the 委托书 template prints them and the 中止告知 offers them as its choices.
SUSPEND_REASONS = {
    1: "投资项目不符合相关法律法规和政策要求",
    2: "申请材料不符合法定条件、标准，且不能补正",
    3: "申请材料的内容不真实",
    4: "项目单位未在规定期限内提交审批材料，项目长催促后仍未提交",
    5: "项目单位未及时缴纳相关规费",
    6: "项目单位提出暂停委托“全代办”服务等",
    7: "其他确需中止“全代办”服务的客观情况",
}


@dataclass(frozen=True)
class Category:
    """One category of the case file (一事一档, seed 003): code, Chinese name, folder number."""

    code: str
    name: str
    number: int

    @property
    def folder(self) -> str:
        """Folder name inside the case folder, e.g. '08 会议纪要'."""
        return f"{self.number:02d} {self.name}"


CATEGORIES = (
    Category("basic", "基本资料", 1),
    Category("application", "申请材料", 2),
    Category("worklog", "工作日志", 3),
    Category("letter", "工作联系函", 4),
    Category("meeting_notice", "会议通知", 5),
    Category("signin", "会议签到表", 6),
    Category("photo", "会议照片", 7),
    Category("minutes", "会议纪要", 8),
    Category("assist", "协办单", 9),
    Category("form", "表单", 10),
    Category("approval", "批复证照", 11),
)
APPROVALS = "批复证照"


def category(key: str) -> Category:
    """Find a category by code or Chinese name."""
    for cat in CATEGORIES:
        if key in (cat.code, cat.name):
            return cat
    names = "、".join(f"{c.code}（{c.name}）" for c in CATEGORIES)
    raise UsageError(f"未知的档案类别“{key}”。可用类别：{names}")
