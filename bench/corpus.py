"""A deterministic generator of realistic 全代办 case documents for search benchmarks.

Every case gets a project, a company, people and a 项目代码; its documents are forms
(wording drawn from the seed rules), meeting minutes, ledger entries, approvals,
photos and signed scans whose text carries OCR noise (spaces between CJK characters,
〈〉 for （）, stamp junk) before the ingest normalisation. The same (n, seed) always
yields the same documents, one case at a time, so memory stays flat.
"""

import datetime
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from archive.base.terms import STAGES
from archive.base.terms import CaseStatus as S
from index.document import IndexDoc
from index.normalize import clean_ocr_text, clean_text

SEEDS_DIR = Path("/work/shared/seeds")
DOCS_PER_CASE = 20

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
            "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴")
GIVEN = ("艳勇梅伟芳娜敏静丽强磊军洋杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉国文斌宇浩凯晨欣雪琳婷颖海波亮飞志春燕"
         "新正宏建峰雷丹琴慧鑫彬倩瑶佳俊晓东晶莉雯荣岩玲")
PLACES = ("运城", "晋城", "平阳", "鞍山", "梅州", "岳阳", "临汾", "长治", "大同", "太原", "阳泉", "朔州",
          "忻州", "吕梁", "晋中", "盐湖", "闻喜", "夏县", "绛县", "垣曲", "芮城", "永济", "河津", "稷山",
          "新绛", "万荣", "临猗", "高平", "阳城", "沁水", "陵川", "泽州", "兴县", "蒲县", "襄汾", "翼城",
          "曲沃", "侯马", "霍州", "洪洞")
TRADE_NAMES = ("新正", "宏达", "华信", "恒泰", "金鼎", "鑫源", "盛世", "天成", "鸿运", "永兴", "中联", "东方", "博远",
               "瑞丰", "嘉禾", "晟达", "汇通", "隆基", "凯盛", "安泰", "富民", "兴业", "正大", "德润", "泰和", "广源",
               "星辰", "锦程", "联创", "华晋", "晋阳", "龙城", "三晋", "河东", "太行", "黄河", "中条", "沁河")
INDUSTRIES = ("建材", "新能源", "科技", "食品", "物流", "置业", "化工", "医药", "纺织", "机械制造", "农业开发", "环保",
              "电子", "光伏", "冶金", "矿业", "新材料", "包装", "商贸", "文化旅游", "煤层气", "装配式建筑")
PRODUCTS = ("新型墙体材料", "光伏组件", "锂电池正极材料", "农产品冷链仓储", "中药饮片", "预拌混凝土", "特种钢材",
            "生物有机肥", "汽车零部件", "数据中心", "电子元器件", "功能性食品", "医用防护用品", "再生资源利用")
SUFFIXES = ("有限公司", "有限责任公司", "股份有限公司", "集团有限公司")
DEPARTMENTS = ("市发展和改革委员会", "市自然资源和规划局", "市生态环境局", "市住房和城乡建设局", "市行政审批服务管理局",
               "市应急管理局", "市水务局", "市消防救援支队", "市人民防空办公室", "市交通运输局", "市文化和旅游局",
               "县行政审批服务管理局", "开发区行政审批局", "供电公司", "市气象局", "市工业和信息化局")
MATTERS = ("企业投资项目备案", "建设项目用地预审与选址意见书", "建设用地规划许可证", "建设工程规划许可证",
           "施工图设计文件审查", "建筑工程施工许可证", "环境影响评价审批", "固定资产投资项目节能审查",
           "消防设计审查", "人防工程设计审查", "水土保持方案审批", "取水许可", "竣工验收备案", "消防验收",
           "不动产首次登记", "安全设施设计审查", "临时用地审批", "供电方案答复")
# Weighted: most cases of a real archive are being handled.
CASE_STATES = (S.REGISTERED, S.ASSESSED, S.ACCEPTED, S.HANDLING, S.HANDLING, S.HANDLING, S.SUSPENDED,
               S.COMPLETED, S.ARCHIVED)
# (form_id, category, title, body kind); minutes, ledgers and approvals get their own wording.
DOCUMENT_TYPES = (
    ("apply", "申请材料", "代办服务申请表", "form"),
    ("assess", "基本资料", "一站式项目研判表", "form"),
    ("entrust", "基本资料", "“全代办”服务委托书", "form"),
    ("plan", "基本资料", "项目审批“全代办”服务方案", "form"),
    ("notice", "申请材料", "申请材料一次性告知清单", "form"),
    ("taskplan", "基本资料", "代办任务分解计划表", "form"),
    ("card", "基本资料", "代办联系卡", "form"),
    ("ledger", "工作日志", "投资项目“全代办”信息台账", "ledger"),
    ("ledger", "工作日志", "投资项目“全代办”信息台账", "ledger"),
    ("meeting_notice", "会议通知", "联合审批协调会议通知", "form"),
    ("signin", "会议签到表", "会议签到表", "form"),
    ("meeting", "会议纪要", "联合审批协调会议纪要", "minutes"),
    ("", "会议照片", "协调会议现场照片", "photo"),
    ("letter", "工作联系函", "工作联系函", "form"),
    ("assist", "协办单", "协办单", "form"),
    ("progress", "表单", "代办项目进度汇总", "form"),
    ("", "申请材料", "审批结果", "approval"),
    ("complete", "表单", "“全代办”服务办结单", "form"),
    ("handover", "表单", "移交清单", "form"),
    ("evaluate", "表单", "代办服务评价意见单", "form"),
)


@dataclass(frozen=True)
class Case:
    """One generated case: the facts its documents repeat."""

    case_no: str
    project_name: str
    unit: str
    project_code: str
    place: str
    manager: str
    agents: tuple[str, ...]
    contact: str
    liaisons: tuple[str, ...]
    opened: datetime.date
    state: str

    @property
    def credit_code(self) -> str:
        """An 18-character 统一社会信用代码 of the unit (its own digits: the corpus stays as it was)."""
        return f"91140{int(self.case_no.rsplit('-', 1)[1]):07d}MA0K2X"


def seed_sentences(seeds_dir: Path = SEEDS_DIR) -> list[str]:
    """Return the seed rules' sentences of 15–120 characters, in a fixed order."""
    sentences: list[str] = []
    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_text("utf-8").replace("\n", "")
        sentences += [s.strip() for s in re.split(r"(?<=[。；])", text) if 15 <= len(s.strip()) <= 120]
    return sentences


def person(rng: random.Random) -> str:
    """Return a Chinese personal name of two or three characters."""
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def company(rng: random.Random, place: str) -> str:
    """Return a company name such as 岳阳新正建材有限公司."""
    return f"{place}{rng.choice(TRADE_NAMES)}{rng.choice(INDUSTRIES)}{rng.choice(SUFFIXES)}"


def make_case(number: int, seed: int) -> Case:
    """Return case number `number` (1-based), independent of every other case."""
    rng = random.Random(seed * 1_000_003 + number)
    place = rng.choice(PLACES)
    unit = company(rng, place)
    opened = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randrange(1000))
    trade = unit[len(place):len(place) + 2]
    project = rng.choice((f"{trade}年产{rng.randrange(2, 60)}万吨{rng.choice(PRODUCTS)}项目",
                          f"{place}{trade}{rng.choice(PRODUCTS)}产业园建设项目",
                          f"{unit.removesuffix('有限公司')}{rng.choice(PRODUCTS)}扩建项目"))
    code = (f"{opened.year}-14{rng.randrange(10):02d}{rng.randrange(100):02d}-{rng.randrange(10, 90)}-"
            f"0{rng.randrange(1, 4)}-{rng.randrange(1_000_000):06d}")
    return Case(
        case_no=f"DB-{opened.year}-{number:05d}", project_name=project, unit=unit, project_code=code,
        place=place, manager=person(rng), agents=tuple(person(rng) for _ in range(rng.randrange(1, 4))),
        contact=person(rng), liaisons=tuple(person(rng) for _ in range(4)), opened=opened,
        state=rng.choice(CASE_STATES),
    )


def _header(case: Case, title: str, day: datetime.date) -> str:
    return (f"{title}\n项目名称：{case.project_name}\n项目单位：{case.unit}\n项目代码：{case.project_code}\n"
            f"案件编号：{case.case_no}\n日期：{day.year}年{day.month}月{day.day}日\n")


def _form_body(rng: random.Random, case: Case, sentences: list[str]) -> str:
    lines = [f"项目长：{case.manager}　代办员：{'、'.join(case.agents)}　联系人：{case.contact}"]
    for stage in rng.sample(STAGES, rng.randrange(1, 4)):
        matter, dept = rng.choice(MATTERS), rng.choice(DEPARTMENTS)
        lines.append(f"{stage}：{matter}（{dept}，审批联络员{rng.choice(case.liaisons)}，"
                     f"办理时限{rng.randrange(1, 21)}个工作日）")
    lines += rng.sample(sentences, rng.randrange(5, 15))
    lines.append(f"项目单位（盖章）：{case.unit}　经办人：{case.contact}")
    return "\n".join(lines)


def _minutes(rng: random.Random, case: Case, day: datetime.date) -> str:
    depts = rng.sample(DEPARTMENTS, rng.randrange(3, 7))
    lines = [f"会议时间：{day.year}年{day.month}月{day.day}日上午9时",
             f"会议地点：{case.place}市政务服务中心三楼会议室", f"召集人：{case.manager}",
             "参会单位及人员：" + "；".join(f"{d}{rng.choice(case.liaisons + (case.manager,))}" for d in depts)]
    for i, dept in enumerate(depts, 1):
        matter = rng.choice(MATTERS)
        lines.append(f"{i}. 关于{case.project_name}{matter}问题，经联席会议研究，由{dept}牵头，"
                     f"于{rng.randrange(3, 15)}个工作日内办结，{case.unit}按要求补正材料。")
    lines.append(f"会议议定事项由代办员{rng.choice(case.agents)}跟踪督办，形成会议纪要，各部门遵照执行。")
    return "\n".join(lines)


def _ledger(rng: random.Random, case: Case, day: datetime.date) -> str:
    lines = ["序号　时间　内容　完成许可事项情况"]
    for i in range(1, rng.randrange(5, 16)):
        day += datetime.timedelta(days=rng.randrange(1, 9))
        matter, dept = rng.choice(MATTERS), rng.choice(DEPARTMENTS)
        done = rng.choice(("已受理", "已办结", "材料补正中", "待办"))
        lines.append(f"{i}　{day.isoformat()}　代办员{rng.choice(case.agents)}陪同{case.contact}到{dept}"
                     f"办理{matter}　{done}")
    return "\n".join(lines)


def _approval(rng: random.Random, case: Case, day: datetime.date) -> str:
    matter, dept = rng.choice(MATTERS), rng.choice(DEPARTMENTS)
    return (f"{dept}关于{case.project_name}{matter}的批复\n{case.unit}：\n你单位报来的{case.project_name}"
            f"（项目代码：{case.project_code}）{matter}申请材料收悉。经审查，符合相关规定，同意办理。\n"
            f"{dept}\n{day.year}年{day.month}月{day.day}日")


def ocr_noise(rng: random.Random, text: str) -> str:
    """Return text as Tesseract tends to give it: spaced CJK, 〈〉 for （）, stamp junk."""
    chars = []
    for char in text:
        chars.append("〈" if char == "（" and rng.random() < 0.6 else "〉" if char == "）" and rng.random() < 0.6
                     else char)
        if "\u4e00" <= char <= "\u9fff" and rng.random() < 0.35:
            chars.append(" ")
    junk = "".join(rng.choice("@#%&*^~|=_") for _ in range(rng.randrange(3, 9)))
    return "".join(chars) + f"\n{junk}\n(盖章)"


def _documents(case: Case, first_id: int, count: int, seed: int, sentences: list[str]) -> Iterator[IndexDoc]:
    rng = random.Random(seed * 7_919 + first_id)
    year = case.opened.year
    for offset in range(count):
        form_id, category, title, body = DOCUMENT_TYPES[offset % len(DOCUMENT_TYPES)]
        day = case.opened + datetime.timedelta(days=offset * 7 + rng.randrange(7))
        kind = {"photo": "photo", "approval": "upload"}.get(body, rng.choice(("generated", "generated", "signed")))
        if body == "minutes":
            text = _header(case, title, day) + _minutes(rng, case, day)
        elif body == "ledger":
            text = _header(case, title, day) + _ledger(rng, case, day)
        elif body == "approval":
            text = _approval(rng, case, day)
        elif body == "photo":
            text = f"{case.project_name}{title}，{day.year}年{day.month}月{day.day}日，拍摄：{rng.choice(case.agents)}"
        else:
            text = _header(case, title, day) + _form_body(rng, case, sentences)
        if kind == "signed":
            text = ocr_noise(rng, text)
        people = sorted({case.manager, *case.agents, case.contact})
        yield IndexDoc(
            doc_id=first_id + offset, case_no=case.case_no, project_name=case.project_name, unit=case.unit,
            form_id=form_id, category=category, stage=case.state, kind=kind, title=title,
            doc_no=f"{case.place}代〔{year}〕{first_id + offset}号" if form_id else "",
            author=case.unit if kind in ("signed", "upload") else f"{case.place}代办服务中心", people=people,
            date=day, path=f"cases/{year}/{case.case_no} {case.project_name}/{category}/{offset + 1:03d} {title}.pdf",
            text=clean_ocr_text(text) if kind == "signed" else clean_text(text),
            project_code=case.project_code, credit_code=case.credit_code,
        )


def generate(n_docs: int, seed: int = 2026) -> Iterator[IndexDoc]:
    """Yield n_docs documents, DOCS_PER_CASE per case, with doc ids 1..n_docs."""
    sentences = seed_sentences()
    produced, number = 0, 0
    while produced < n_docs:
        number += 1
        count = min(DOCS_PER_CASE, n_docs - produced)
        yield from _documents(make_case(number, seed), produced + 1, count, seed, sentences)
        produced += count


def cases(n_docs: int, seed: int = 2026) -> list[Case]:
    """Return the cases behind generate(n_docs, seed)."""
    return [make_case(k, seed) for k in range(1, (n_docs + DOCS_PER_CASE - 1) // DOCS_PER_CASE + 1)]


def percentile(values: list[float], share: float) -> float:
    """Return the nearest-rank percentile of values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]
