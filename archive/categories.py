"""The categories of a case file (一事一档, seed 003) and their folders."""

from dataclasses import dataclass

from archive.errors import UsageError


@dataclass(frozen=True)
class Category:
    """One category of the case file: code, Chinese name, folder number."""

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


def category(key: str) -> Category:
    """Find a category by code or Chinese name."""
    for cat in CATEGORIES:
        if key in (cat.code, cat.name):
            return cat
    names = "、".join(f"{c.code}（{c.name}）" for c in CATEGORIES)
    raise UsageError(f"未知的档案类别“{key}”。可用类别：{names}")
