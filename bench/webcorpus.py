"""A data root of 10,000 cases and 100,000 documents (件) for the web benchmark, built once into bench/out/.

    .venv/bin/python bench/webcorpus.py [--cases 10000] [--items 100000] [--force] [--no-verify]

The root is what three years of a service centre's work leave behind: cases opened on working days from
2024-01-02 to yesterday, each walked along its lifecycle (登记 → 研判 → 受理 → 办理 ⇄ 中止 → 办结 | 终止 → 归档)
as far as its dates reach today, so most are archived and some hundreds are open. Each case has 2–5
matters submitted, accepted and done stage by stage with their approvals (批复证照, recorded as the
matter's result), the forms and signed copies that prove each step, and progress reports, letters,
minutes, photos, uploads; 项目长 from 40 staff, 代办员 from 60; enterprises with one or several projects;
ledger lines, a few withdrawals and changes of 项目长; and the readings every view records (case.viewed,
document.opened, search, …). A document (件, DA/T 22) has 1–3 renditions: a generated form's .docx and
PDF and, when it comes back signed, its signed copy; a form signed on paper and filed by hand, an upload
or a photo has one. Texts come from bench/corpus.py (the seeds' wording, OCR noise on signed copies). Every
rendition is a real file: a one-page PDF carrying the first lines of its text, a .docx, a JPEG.

Through daiban itself: the data root and its first event (archive.casework.agency.new_archive, dated the
day the first case opens), the accounts (`daiban user add`), the full-text index (`daiban index rebuild
--backend tantivy`) and a final `daiban verify`, which replays the whole event log against the rows and
checks every file's size and sha256.

Written directly, with SQLAlchemy Core on archive.catalog.schema, one transaction per batch of 20,000
events: cases, people, matters, items, documents and their events. Through the services the same history
is about 570,000 events, every filing three transactions with fsyncs under the store lock and every form a
LibreOffice conversion: days, not minutes. The rows carry what the services write: folders and file names
by archive.dataroot.folders.safe_name, 件号 in filing order, versions and 文号 per form, the stage a file was
filed in, the proof of each status change (archive.catalog.lifecycle.proved_by), 档号 by
archive.catalog.sealing.reference in the order of archive.casework.sealing, and each change its event with
the services' action and details (records built from archive.catalog.evidence's field lists), hash-chained
by archive.catalog.events.event_hash. Cases, people, matters and items are written last, in their final
state; foreign keys are therefore checked once at the end (PRAGMA foreign_key_check) instead of per row.

Not modelled: meetings and decisions, the original scan kept beside a signed copy, the 机构文件, the review
queue, 政企互动 activities and evaluations, a termination of a suspended case.
"""

import argparse
import datetime as dt
import hashlib
import io
import json
import random
import shutil
import subprocess
import sys
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import corpus
from PIL import Image, ImageDraw
from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Engine

from archive.base.terms import STAGES, SUSPEND_REASONS, DocKind, DocState, MatterStatus, Role, category
from archive.base.terms import CaseStatus as S
from archive.casework.agency import new_archive
from archive.casework.facts import CREDIT_CHARS, credit_check_char, facts_problems
from archive.catalog.cases import CaseFacts
from archive.catalog.documents import RENDITION_ORDER
from archive.catalog.events import event_hash
from archive.catalog.evidence import CASE_FIELDS, DOCUMENT_FIELDS, MATTER_FIELDS, text_digest
from archive.catalog.lifecycle import RANK, proved_by
from archive.catalog.schema import cases, documents, events, items, matters, meta, people
from archive.catalog.sealing import reference
from archive.dataroot.folders import NAME_BYTES, safe_name
from archive.dataroot.settings import Agency, Settings
from docgen.catalog import FormSpec, load_catalog
from docgen.identity import doc_number
from index.normalize import clean_ocr_text, clean_text

OUT = Path(__file__).resolve().parent / "out"
DAIBAN = Path(sys.executable).parent / "daiban"
PASSWORD = "基准测试用的足够长密码-2026"
FIRST_DAY = dt.date(2024, 1, 2)
AGENCY = Agency(name="晋城市政务服务中心项目代办服务中心", short="晋代办", city="晋城市", fonds="Z035",
                phone="0356-2021888", address="晋城市泽州路1188号", report_email="zwfw@example.gov.cn")
ADMIN, AUDITOR = "系统管理员", "审计员孙洁"
ARCHIVISTS = ("档案员宋雅琴", "档案员郭立新")
BATCH_EVENTS = 20_000
# (matter, stage index, department, time limit in working days): the city's matters and who approves them.
MATTERS = (
    ("企业投资项目备案", 0, "晋城市行政审批服务管理局", 1),
    ("建设项目用地预审与选址意见书", 0, "晋城市规划和自然资源局", 20),
    ("建设用地规划许可证核发", 0, "晋城市规划和自然资源局", 10),
    ("环境影响评价审批", 0, "晋城市生态环境局", 15),
    ("固定资产投资项目节能审查", 0, "晋城市发展和改革委员会", 10),
    ("建设工程规划许可证核发", 1, "晋城市规划和自然资源局", 5),
    ("施工图设计文件审查", 1, "晋城市住房和城乡建设局", 10),
    ("消防设计审查", 1, "晋城市住房和城乡建设局", 10),
    ("人防工程设计审查", 1, "晋城市人民防空办公室", 5),
    ("水土保持方案审批", 1, "晋城市水务局", 10),
    ("建筑工程施工许可证核发", 2, "晋城市行政审批服务管理局", 3),
    ("安全设施设计审查", 2, "晋城市应急管理局", 10),
    ("供电方案答复", 2, "国网晋城供电公司", 5),
    ("建设工程消防验收", 3, "晋城市住房和城乡建设局", 10),
    ("竣工验收备案", 3, "晋城市住房和城乡建设局", 5),
    ("不动产首次登记", 3, "晋城市不动产登记中心", 5),
)
COUNTY_DEPT = "泽州县行政审批服务管理局"
UPLOADS = ("可行性研究报告", "营业执照（副本）", "土地权属证明材料", "建设项目环境影响报告表", "项目选址论证报告",
           "施工图设计文件审查合格书", "安全评价报告", "节能报告", "地质灾害危险性评估报告", "水土保持方案报告书")
LEDGER_KINDS = ("催办", "协调", "沟通", "咨询", "督办", "踏勘")
WITHDRAW_REASONS = ("误归档，已重新归档正确版本", "扫描件不清晰，已重新扫描", "与第{n:04d}件重复")
SEARCHES = ("规划许可", "环评", "消防验收", "施工许可", "用地预审", "节能审查", "项目备案", "协调会议", "办结单",
            "委托书", "供电方案", "人防", "不动产", "批复")


# ---------------------------------------------------------------- the plan: people, cases, steps

@dataclass(frozen=True)
class Staff:
    """The agency's people: 项目长 with their phones, 代办员, archivists."""

    managers: tuple[tuple[str, str], ...]
    agents: tuple[str, ...]


@dataclass(frozen=True)
class Unit:
    """An enterprise: its name, place, credit code and contact person."""

    name: str
    place: str
    credit_code: str
    contact: str
    phone: str


@dataclass(frozen=True)
class ItemPlan:
    """A 件 to be filed: category, title, form (if any), the kind of its text, author and 文号 of an upload."""

    category: str
    title: str
    form_id: str | None
    body: str
    author: str = ""
    doc_no: str = ""


@dataclass(frozen=True)
class Step:
    """One thing that happened, at a time: to a case (its index; -1 for the archive as a whole)."""

    ts: dt.datetime
    case: int
    order: int
    action: str
    args: tuple = ()


@dataclass(frozen=True)
class MatterPlan:
    """A matter of a case's checklist."""

    name: str
    stage: str
    level: str
    dept: str
    time_limit: int
    parallel_group: str


@dataclass
class CasePlan:
    """A case: its number, facts, people, matters, the items it files and everything that happens to it."""

    index: int
    case_no: str
    year: int
    seq: int
    opened: dt.datetime
    facts: dict
    unit: Unit
    manager: tuple[str, str]
    agents: tuple[str, ...]
    matters: list[MatterPlan] = field(default_factory=list)
    items: list[ItemPlan] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    # Candidate items the top-up may add: (time, item, how the item comes in).
    pool: list[tuple[dt.datetime, ItemPlan, str]] = field(default_factory=list)
    sealed: dt.datetime | None = None

    def text_case(self) -> corpus.Case:
        """The case as bench/corpus.py's text generators take it (with four departments' liaisons)."""
        liaisons = tuple(corpus.person(random.Random(self.index * 31 + n)) for n in range(4))
        return corpus.Case(self.case_no, self.facts["project_name"], self.unit.name, self.facts["project_code"],
                           self.unit.place, self.manager[0], self.agents, self.unit.contact, liaisons,
                           self.opened.date(), "")


def unique_names(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """count personal names of two or three characters, none of them in taken."""
    found: list[str] = []
    while len(found) < count:
        name = corpus.person(rng)
        if name not in taken and len(name) == 3:
            taken.add(name)
            found.append(name)
    return found


def make_staff(rng: random.Random) -> Staff:
    """40 项目长 (with mobile numbers) and 60 代办员, all with distinct names."""
    taken: set[str] = set()
    managers = tuple((name, f"139{rng.randrange(10**8):08d}") for name in unique_names(rng, 40, taken))
    return Staff(managers, tuple(unique_names(rng, 60, taken)))


def credit_code(rng: random.Random) -> str:
    """A valid 统一社会信用代码 of a company registered in 晋城 (GB 32100 check character)."""
    body = f"911405{rng.randrange(100):02d}MA" + "".join(rng.choice(CREDIT_CHARS[:31]) for _ in range(7))
    return body + credit_check_char(body)


def make_unit(rng: random.Random, names: set[str]) -> Unit:
    """A new enterprise with a name no other has."""
    while True:
        place = rng.choice(corpus.PLACES)
        name = corpus.company(rng, place)
        if name not in names:
            names.add(name)
            return Unit(name, place, credit_code(rng), corpus.person(rng), f"13{rng.randrange(3, 10)}"
                        f"{rng.randrange(10**8):08d}")


def working_days(first: dt.date, last: dt.date) -> list[dt.date]:
    """Monday to Friday between first and last, both included."""
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)
            if (first + dt.timedelta(days=n)).weekday() < 5]


def after_workdays(day: dt.date, count: int) -> dt.date:
    """The working day count working days after day (weekends skipped; holidays are not modelled)."""
    while count > 0:
        day += dt.timedelta(days=1)
        count -= day.weekday() < 5
    return day


def at(day: dt.date, rng: random.Random) -> dt.datetime:
    """A time in office hours on day, in this machine's time zone (as events.now() writes it)."""
    minutes = rng.choice((rng.randrange(8 * 60 + 30, 12 * 60), rng.randrange(14 * 60 + 30, 17 * 60 + 30)))
    return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60, rng.randrange(60))).astimezone()


def case_facts(rng: random.Random, unit: Unit, year: int) -> dict:
    """The project facts of a case as its row stores them."""
    trade = unit.name[len(unit.place):len(unit.place) + 2]
    project = rng.choice((f"{trade}年产{rng.randrange(2, 60)}万吨{rng.choice(corpus.PRODUCTS)}项目",
                          f"{unit.place}{trade}{rng.choice(corpus.PRODUCTS)}产业园建设项目",
                          f"{unit.name.removesuffix('有限公司')}{rng.choice(corpus.PRODUCTS)}扩建项目"))
    zone = rng.choice(("经济技术开发区", "工业园区", "高新技术产业开发区", "产业集聚区", "县城东部新区"))
    return {
        "project_name": project, "unit": unit.name, "credit_code": unit.credit_code,
        "project_code": f"{year}-1405{rng.randrange(100):02d}-{rng.randrange(10, 90)}-0{rng.randrange(1, 4)}-"
                        f"{rng.randrange(10**6):06d}",
        "project_type": "政府投资" if rng.random() < 0.08 else "企业投资",
        "location": f"{unit.place}{zone}{rng.randrange(1, 40)}号地块",
        "scale": f"总用地面积约{rng.randrange(20, 300)}亩，新建厂房{rng.randrange(1, 8)}栋及配套设施，"
                 f"总建筑面积{rng.randrange(5000, 90000)}平方米",
        "investment": float(rng.randrange(500, 80000)),
        "funding": rng.choice(("企业自筹", "企业自筹和银行贷款", "财政资金", "专项债券和企业自筹")),
        "land": rng.choice(("新增建设用地，已列入年度供地计划", "使用企业自有存量土地", "租赁标准化厂房，不新增用地",
                            "已取得不动产权证书")),
    }


def check_facts(plan: CasePlan) -> None:
    """Refuse facts the case service would refuse (credit code, phones, 项目代码, required facts)."""
    f = plan.facts
    facts = CaseFacts(project_name=f["project_name"], unit=f["unit"], credit_code=f["credit_code"],
                      project_code=f["project_code"], project_type=f["project_type"], location=f["location"],
                      scale=f["scale"], investment=f["investment"], contact=plan.unit.contact, phone=plan.unit.phone,
                      manager=plan.manager[0], manager_phone=plan.manager[1], agents=list(plan.agents))
    if problems := facts_problems(facts):
        raise ValueError(f"{plan.case_no}: {problems}")


def choose_matters(rng: random.Random) -> list[MatterPlan]:
    """2–5 matters of the first stages, all at one level (a matter a level up needs a 协办单: not modelled)."""
    county = rng.random() < 0.15
    stages = 1 + sum(rng.random() < p for p in (0.8, 0.6, 0.35))
    chosen = []
    for stage in range(stages):
        listed = [m for m in MATTERS if m[1] == stage]
        chosen += rng.sample(listed, 2 if stage == 0 and rng.random() < 0.4 else 1)
    chosen = chosen[:5] if len(chosen) >= 2 else chosen + [MATTERS[1]]
    found = []
    for name, stage, dept, limit in chosen:
        group = "立项阶段并联" if stage == 0 and sum(m[1] == 0 for m in chosen) > 1 else ""
        found.append(MatterPlan(name, STAGES[stage], "县级" if county else "市级", COUNTY_DEPT if county else dept,
                                limit, group))
    return found


class Planner:
    """Writes one case's history as steps, in time order, up to now."""

    def __init__(self, plan: CasePlan, staff: Staff, forms: dict[str, FormSpec], now: dt.datetime, big: bool):
        self.plan, self.staff, self.forms, self.now, self.big = plan, staff, forms, now, big
        self.rng = random.Random(plan.index * 7_919 + 17)
        self.last = plan.opened

    def add(self, day: dt.date | dt.datetime, action: str, *args) -> dt.datetime:
        """Record a step on day (at an office-hours time, after the case's previous step)."""
        ts = day if isinstance(day, dt.datetime) else at(day, self.rng)
        ts = max(ts, self.last + dt.timedelta(minutes=self.rng.randrange(1, 20)))
        self.last = ts
        self.plan.steps.append(Step(ts, self.plan.index, len(self.plan.steps), action, args))
        return ts

    def item(self, plan: ItemPlan) -> int:
        """Register an item of the case; its key."""
        self.plan.items.append(plan)
        return len(self.plan.items) - 1

    def form(self, form_id: str) -> ItemPlan:
        """The item a form makes."""
        spec = self.forms[form_id]
        body = "ledger" if form_id == "ledger" else "form"
        return ItemPlan(category(spec.category).name, spec.title, form_id, body)

    def signed_form(self, form_id: str, day: dt.date, generated: float = 0.75) -> dt.date:
        """A form that must come back signed: generated and signed days later, or signed on paper and filed."""
        key = self.item(self.form(form_id))
        if self.rng.random() < generated:
            self.add(day, "file", key, "generated")
            day = after_workdays(day, self.rng.randint(1, 4))
            self.add(day, "file", key, "signed")
        else:
            day = after_workdays(day, self.rng.randint(1, 3))
            self.add(day, "file", key, "paper")
        return day

    def candidate(self, day: dt.date, plan: ItemPlan, how: str) -> None:
        """An item the top-up may add to the case on day."""
        self.plan.pool.append((at(day, self.rng), plan, how))

    def run(self) -> None:
        """The whole history: opening, 研判, 受理, 办理 stage by stage, the end and sealing; readings throughout."""
        self.open_case()
        day = self.plan.opened.date()
        fate = self.rng.choices(("complete", "terminate", "stop_assess", "stop_open", "suspend"),
                                (0.885, 0.03, 0.015, 0.005, 0.065))[0] if not self.big else "complete"
        if fate == "stop_open":
            return self.readings()
        day = after_workdays(day, self.rng.randint(1, 5))
        if self.rng.random() < 0.6 or fate == "stop_assess":
            day = self.signed_form("assess", day)
        if fate == "stop_assess":
            return self.readings()
        day = self.signed_form("entrust", after_workdays(day, self.rng.randint(2, 10)))
        for form_id in ("notice", "card"):
            self.candidate(day, self.form(form_id), "generated")
        day = after_workdays(day, self.rng.randint(2, 8))
        self.add(day, "file", self.item(self.form("plan")), "generated" if self.rng.random() < 0.8 else "upload")
        self.candidate(day, self.form("taskplan"), "generated")
        day = self.handling(day, fate)
        if fate != "terminate":
            day = self.signed_form("complete", after_workdays(day, self.rng.randint(1, 3)))
            self.candidate(day, self.form("evaluate"), "generated")
        day = self.signed_form("handover", day)
        self.seal(after_workdays(day, self.rng.randint(3, 25)))
        self.readings()

    def open_case(self) -> None:
        """立案 at the case's opening time, then the matters of its checklist."""
        self.plan.steps.append(Step(self.plan.opened, self.plan.index, 0, "open"))
        for matter in range(len(self.plan.matters)):
            self.add(self.plan.opened + dt.timedelta(minutes=5 * matter + 3), "matter", matter)
        if self.rng.random() < 0.4:
            self.candidate(self.plan.opened.date(), self.form("apply"), "generated")

    def handling(self, day: dt.date, fate: str) -> dt.date:
        """办理: each stage's matters submitted, accepted and done with their approvals; maybe a suspension,
        a termination, a change of 项目长; progress reports, letters, minutes and photos as candidates."""
        stages = sorted({STAGES.index(m.stage) for m in self.plan.matters})
        turn = self.rng.randrange(len(stages))
        for n, stage in enumerate(stages):
            if fate == "suspend" and n == turn:
                self.add(day, "file", self.item(self.form("suspend")), "generated", self.rng.randint(1, 7))
                day = after_workdays(day, self.rng.randint(15, 60))
                self.add(day, "resume", self.rng.choice(("材料已补齐", "规费已缴纳", "项目单位申请恢复代办")))
            if fate == "terminate" and n == turn:
                return self.signed_form("terminate", day)
            if self.rng.random() < 0.02 and not self.big:
                self.add(day, "manager", self.rng.choice([m for m in self.staff.managers if m != self.plan.manager]))
            start, day = day, self.stage(day, stage)
            self.extras(start, day)
        return day

    def stage(self, day: dt.date, stage: int) -> dt.date:
        """One stage's matters, in parallel, each with its approval and maybe a ledger line; the day after the
        last was done."""
        steps: list[tuple[dt.date, str, tuple]] = []
        done_days = [day]
        for index, matter in enumerate(self.plan.matters):
            if STAGES.index(matter.stage) == stage:
                done_days.append(self.matter_steps(day, index, matter, steps))
        for when, action, args in sorted(steps, key=lambda s: s[0]):
            self.add(when, action, *args)
        return after_workdays(max(done_days), self.rng.randint(1, 4))

    def matter_steps(self, day: dt.date, index: int, matter: MatterPlan, steps: list) -> dt.date:
        """A matter submitted, accepted and done, its 批复 filed as its result; the day it was done."""
        submitted = after_workdays(day, self.rng.randint(0, 2))
        accepted = after_workdays(submitted, self.rng.randint(0, 3))
        done = after_workdays(accepted, max(1, round(matter.time_limit * self.rng.uniform(0.3, 1.0))))
        approval = self.item(ItemPlan("批复证照", f"{matter.name}批复", None, "approval", matter.dept,
                                      f"晋审批〔{done.year}〕{self.rng.randrange(1, 900)}号"))
        steps += [(submitted, "submit", (index, submitted)), (accepted, "accept", (index, accepted)),
                  (done, "done", (index, done)), (done, "file", (approval, "upload")),
                  (done, "result", (index, approval))]
        if self.rng.random() < 0.5:
            on = after_workdays(accepted, self.rng.randint(0, 3))
            steps.append((on, "ledger", (self.ledger_line(matter), self.rng.choice(LEDGER_KINDS), on)))
        return done

    def ledger_line(self, matter: MatterPlan) -> str:
        """A line staff write in the ledger about a matter."""
        return self.rng.choice((f"电话催办{matter.name}，{matter.dept}答复材料齐全、近日出具",
                                f"陪同项目单位到{matter.dept}沟通{matter.name}申报材料",
                                f"协调{matter.dept}对{matter.name}并联审查",
                                f"{matter.name}需补正材料，已书面告知{self.plan.unit.contact}"))

    def extras(self, start: dt.date, end: dt.date) -> None:
        """Candidates of a stage's work: a progress report every half month, letters, minutes, photos, uploads;
        many more for the one big case."""
        many = 4 if self.big else 1
        day = start
        while day <= end:
            self.candidate(day, self.form("progress"), "generated")
            day += dt.timedelta(days=15)
        for _ in range(many):
            for plan, how in (
                    (self.form("letter"), "generated"),
                    (ItemPlan("会议纪要", f"关于{self.plan.facts['project_name'][:12]}审批问题的协调会议纪要", None,
                              "minutes", AGENCY.name), "upload"),
                    (ItemPlan("会议照片", "协调会议现场照片", None, "photo", self.agent()), "photo"),
                    (ItemPlan("申请材料", self.rng.choice(UPLOADS), None, "upload", self.plan.unit.name), "upload"),
                    (self.form("ledger"), "generated")):
                self.candidate(start + dt.timedelta(days=self.rng.randint(0, max(0, (end - start).days))), plan, how)

    def agent(self) -> str:
        """One of the case's 代办员."""
        return self.rng.choice(self.plan.agents)

    def seal(self, day: dt.date) -> None:
        """归档 by an archivist."""
        self.plan.sealed = self.add(day, "seal", self.rng.choice(ARCHIVISTS))

    def readings(self) -> None:
        """Who looked at the case, its ledger, matters, documents and log, while open and for a year after."""
        end = min(self.now, (self.plan.sealed or self.now) + dt.timedelta(days=365))
        span = max(1, int((end - self.plan.opened).total_seconds()))
        for action, count in (("case.viewed", self.rng.randint(5, 15)), ("ledger.viewed", self.rng.randint(0, 3)),
                              ("matters.listed", self.rng.randint(0, 2)), ("document.opened", self.rng.randint(1, 6)),
                              ("log.viewed", self.rng.randint(0, 1))):
            for _ in range(count):
                ts = self.plan.opened + dt.timedelta(seconds=self.rng.randrange(span))
                self.plan.steps.append(Step(ts, self.plan.index, len(self.plan.steps), "read", (action,)))


def plan_cases(count: int, now: dt.datetime) -> tuple[list[CasePlan], Staff, int]:
    """Every case with its history; the index of the big case (many items, the bench's enterprise and 项目长)."""
    rng = random.Random(2026)
    staff = make_staff(rng)
    days = working_days(FIRST_DAY, now.date() - dt.timedelta(days=1))
    openings = sorted(at(rng.choice(days), rng) for _ in range(count))
    big = count // 20
    ours = {big + step for step in (1500, 3100, 5200, 8800) if big + step < count}
    ours_unit = 0
    units: list[Unit] = []
    names: set[str] = set()
    plans, seqs = [], Counter()
    forms = load_catalog().forms
    for index, opened in enumerate(openings):
        # The big case's enterprise has five projects; otherwise three in ten come from an enterprise seen before.
        if index in ours:
            unit = units[ours_unit]
        elif index == big or not units or rng.random() < 0.7:
            units.append(make_unit(rng, names))
            unit = units[-1]
        else:
            unit = rng.choice(units)
        if index == big:
            ours_unit = len(units) - 1
        seqs[opened.year] += 1
        plan = CasePlan(index, f"DB-{opened.year}-{seqs[opened.year]:04d}", opened.year, seqs[opened.year], opened,
                        case_facts(rng, unit, opened.year), unit,
                        staff.managers[0] if index == big else rng.choice(staff.managers),
                        tuple(rng.sample(staff.agents, rng.randint(1, 3))), choose_matters(rng))
        check_facts(plan)
        Planner(plan, staff, forms, now, index == big).run()
        plan.steps = [s for s in plan.steps if s.ts <= now]
        plans.append(plan)
    return plans, staff, big


def top_up(plans: list[CasePlan], total_items: int, big: int, now: dt.datetime) -> None:
    """Add candidate items until the archive holds exactly total_items 件 (all of the big case's first);
    a few of them are withdrawn again."""
    created = sum(1 for p in plans for s in p.steps if s.action == "file" and s.args[1] != "signed")
    rng = random.Random(99)
    chosen = [(p, c) for p in plans for c in p.pool if p.index == big]
    others = [(p, c) for p in plans for c in p.pool if p.index != big]
    rng.shuffle(others)
    for plan, (ts, item, how) in chosen + others:
        if created >= total_items:
            break
        if ts > now or (plan.sealed and ts >= plan.sealed) or ts <= plan.opened:
            continue
        plan.items.append(item)
        key = len(plan.items) - 1
        plan.steps.append(Step(ts, plan.index, len(plan.steps), "file", (key, how)))
        created += 1
        withdrawn = ts + dt.timedelta(days=rng.randint(1, 10))
        if rng.random() < 0.01 and withdrawn <= now and (plan.sealed is None or withdrawn < plan.sealed):
            plan.steps.append(Step(withdrawn, plan.index, len(plan.steps), "withdraw", (key,)))
    if created != total_items:
        raise SystemExit(f"the plan holds {created} items, not {total_items}: change the number of cases")


def archive_readings(plans: list[CasePlan], staff: Staff, now: dt.datetime) -> list[Step]:
    """Searches, case listings and deadline listings of every working day, by the staff."""
    rng = random.Random(7)
    steps = []
    for day in working_days(FIRST_DAY, now.date() - dt.timedelta(days=1)):
        for n in range(rng.randint(10, 30)):
            who = rng.choice(staff.managers)[0]
            action = rng.choice(("search", "search", "cases.listed", "due.listed"))
            steps.append(Step(at(day, rng), -1, n, "read", (action, who, rng.choice(SEARCHES), rng.randrange(1, 400))))
    return steps


# ---------------------------------------------------------------- files

def _wrap(text: str, width: int = 40, lines: int = 14) -> list[str]:
    out = []
    for line in text.splitlines():
        out += [line[i:i + width] for i in range(0, max(len(line), 1), width)]
    return out[:lines]


def tiny_pdf(text: str) -> bytes:
    """A valid one-page A4 PDF showing the first lines of text in STSong-Light (not embedded: every reader
    substitutes it, pdf.js with its CMaps)."""
    shown = "".join(f"<{line.encode('utf-16-be', 'replace').hex()}> '\n" for line in _wrap(text))
    stream = f"BT\n/F1 11 Tf\n14 TL\n56 800 Td\n{shown}ET\n".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (GB1) /Supplement 4 >> /FontDescriptor 7 0 R /DW 1000 >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


_DOCX_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
               '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
               '<Default Extension="xml" ContentType="application/xml"/>'
               '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
               'wordprocessingml.document.main+xml"/></Types>')
_DOCX_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
              'officeDocument" Target="word/document.xml"/></Relationships>')


def tiny_docx(text: str) -> bytes:
    """A valid .docx whose paragraphs are the first lines of text."""
    escaped = (line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for line in _wrap(text, 200))
    body = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in escaped)
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.'
                f'openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in (("[Content_Types].xml", _DOCX_TYPES), ("_rels/.rels", _DOCX_RELS),
                           ("word/document.xml", document)):
            package.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


def photo_template() -> bytes:
    """A small real JPEG (a meeting table seen from above)."""
    image = Image.new("RGB", (160, 120), (196, 188, 170))
    draw = ImageDraw.Draw(image)
    draw.rectangle((30, 40, 130, 80), fill=(120, 84, 52))
    for x in range(35, 130, 18):
        draw.ellipse((x, 22, x + 10, 32), fill=(40, 40, 60))
        draw.ellipse((x, 88, x + 10, 98), fill=(40, 40, 60))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


def tiny_jpeg(template: bytes, note: str) -> bytes:
    """The template JPEG with a comment segment naming the photo, so that every photo has its own bytes."""
    comment = note.encode("utf-8")[:60000]
    return template[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + template[2:]


# ---------------------------------------------------------------- writing rows and events

@dataclass
class Rendition:
    """What the archival order of a case's items needs of one file."""

    id: int
    kind: str
    docx: bool
    stage: str
    day: str


@dataclass
class ItemState:
    """An item of a case as filed so far."""

    row: dict
    version: int | None
    day: dt.date
    pdf_id: int | None = None
    files: list[Rendition] = field(default_factory=list)
    withdrawn: bool = False


@dataclass
class CaseState:
    """A case as filed so far: its row, people, status, items, form versions and 文号, its files."""

    plan: CasePlan
    row: dict
    people: list[dict]
    items: dict[int, ItemState] = field(default_factory=dict)
    versions: Counter = field(default_factory=Counter)
    doc_nos: dict[str, str] = field(default_factory=dict)
    files: list[int] = field(default_factory=list)
    matter_ids: dict[int, int] = field(default_factory=dict)
    text_case: corpus.Case | None = None


class Writer:
    """Turns the steps, in time order, into rows, files and hash-chained events."""

    def __init__(self, root: Path, settings: Settings, engine: Engine, forms: dict[str, FormSpec]):
        self.root, self.settings, self.engine, self.forms = root, settings, engine, forms
        with engine.connect() as conn:
            last = conn.execute(select(events.c.seq, events.c.hash).order_by(events.c.seq.desc()).limit(1)).first()
        self.seq, self.head = last.seq, last.hash
        self.doc_id = self.item_id = self.matter_id = 0
        self.cases: dict[int, CaseState] = {}
        self.matters: dict[int, dict] = {}
        self.doc_rows: list[dict] = []
        self.event_rows: list[dict] = []
        self.doc_no_seq: Counter = Counter()
        self.volumes: Counter = Counter()
        self.withdrawn: dict[int, str] = {}
        self.photo = photo_template()
        self.sentences = corpus.seed_sentences()
        self.bytes_written = 0

    # -- events

    def event(self, ts: dt.datetime, actor: str, action: str, case_no: str | None = None,
              doc_id: int | None = None, **details) -> None:
        """Append one event to the chain."""
        self.seq += 1
        stamp = ts.isoformat(timespec="seconds")
        digest = event_hash(self.seq, stamp, actor, action, case_no, doc_id, details, self.head)
        self.event_rows.append({"seq": self.seq, "ts": stamp, "actor": actor, "action": action, "case_no": case_no,
                                "doc_id": doc_id, "details": json.dumps(details, ensure_ascii=False, sort_keys=True),
                                "prev_hash": self.head, "hash": digest})
        self.head = digest
        if len(self.event_rows) >= BATCH_EVENTS:
            self.flush()

    def flush(self) -> None:
        """Write the documents and events gathered so far, in one transaction."""
        with self.engine.begin() as conn:
            if self.doc_rows:
                conn.execute(documents.insert(), self.doc_rows)
            conn.execute(events.insert(), self.event_rows)
        self.doc_rows, self.event_rows = [], []

    # -- steps

    def run(self, steps: list[Step], plans: list[CasePlan]) -> None:
        """Carry out every step in time order, then write the rows kept in their final state."""
        handlers = {"open": self.open, "matter": self.add_matter, "submit": self.submit, "accept": self.accept,
                    "done": self.done, "result": self.result, "file": self.file, "resume": self.resume,
                    "manager": self.change_manager, "ledger": self.ledger, "withdraw": self.withdraw,
                    "seal": self.seal, "read": self.read}
        for step in steps:
            if step.action == "open":
                self.open(step, plans[step.case])
            else:
                handlers[step.action](step, self.cases.get(step.case), *step.args)
        self.flush()
        self.finish()

    def actor(self, state: CaseState, seed: int) -> str:
        """Who of the case's team did it."""
        team = [state.plan.manager[0], *state.plan.agents]
        return team[seed % len(team)]

    def open(self, step: Step, plan: CasePlan) -> None:
        """立案: the case row and its people (insert_case)."""
        stamp = step.ts.isoformat(timespec="seconds")
        folder = f"cases/{plan.year}/{safe_name(plan.case_no + ' ' + plan.facts['project_name'], NAME_BYTES)}"
        row = {"id": plan.index + 1, "case_no": plan.case_no, "year": plan.year, "seq": plan.seq, **plan.facts,
               "status": S.REGISTERED, "suspend_code": None, "suspend_reason": None, "folder": folder,
               "retention": self.settings.retention, "opened": stamp, "updated": stamp, "sealed": None,
               "seal_head": None, "volume_no": None}
        roles = [(Role.MANAGER, *plan.manager), (Role.CONTACT, plan.unit.contact, plan.unit.phone)]
        roles += [(Role.AGENT, name, "") for name in plan.agents]
        crowd = [{"case_id": row["id"], "role": str(role), "name": name, "phone": phone, "since": stamp, "until": None}
                 for role, name, phone in roles]
        state = CaseState(plan, row, crowd)
        self.cases[plan.index] = state
        (self.root / folder).mkdir(parents=True, exist_ok=True)
        self.event(step.ts, self.actor(state, plan.index), "case.opened", plan.case_no,
                   project=plan.facts["project_name"], unit=plan.unit.name, status=S.REGISTERED,
                   record={k: row[k] for k in CASE_FIELDS},
                   people=[[str(role), name, phone] for role, name, phone in roles])

    def add_matter(self, step: Step, state: CaseState, index: int) -> None:
        """A matter on the checklist, 待办 (insert_matter)."""
        m = state.plan.matters[index]
        self.matter_id += 1
        row = {"id": self.matter_id, "case_id": state.row["id"], "stage": m.stage, "name": m.name, "level": m.level,
               "dept": m.dept, "liaison": "", "time_limit": m.time_limit, "parallel": bool(m.parallel_group),
               "status": MatterStatus.WAITING, "created": step.ts.isoformat(timespec="seconds"), "accepted": None,
               "done": None, "submitted": None, "parallel_group": m.parallel_group, "result_item": None,
               "assist_item": None}
        self.matters[self.matter_id] = row
        state.matter_ids[index] = self.matter_id
        self.event(step.ts, self.actor(state, index), "matter.added", state.plan.case_no, matter=self.matter_id,
                   stage=m.stage, name=m.name, level=m.level, dept=m.dept, record={k: row[k] for k in MATTER_FIELDS})

    def submit(self, step: Step, state: CaseState, index: int, day: dt.date) -> None:
        """申报 on a day (set_matter_step)."""
        row = self.matters[state.matter_ids[index]]
        row["submitted"] = day.isoformat()
        self.event(step.ts, self.actor(state, index), "matter.submitted", state.plan.case_no, matter=row["id"],
                   name=row["name"], submitted=day.isoformat())

    def _matter_status(self, step: Step, state: CaseState, index: int, day: dt.date, target: MatterStatus) -> None:
        row = self.matters[state.matter_ids[index]]
        old, row["status"] = row["status"], target
        row["done" if target == MatterStatus.DONE else "accepted"] = day.isoformat()
        self.event(step.ts, self.actor(state, index), "matter.status", state.plan.case_no, matter=row["id"],
                   name=row["name"], old=old, new=target, on=day.isoformat())

    def accept(self, step: Step, state: CaseState, index: int, day: dt.date) -> None:
        """受理 of a matter on a day (set_matter_status with --date)."""
        self._matter_status(step, state, index, day, MatterStatus.ACCEPTED)

    def done(self, step: Step, state: CaseState, index: int, day: dt.date) -> None:
        """办结 of a matter on a day."""
        self._matter_status(step, state, index, day, MatterStatus.DONE)

    def result(self, step: Step, state: CaseState, index: int, key: int) -> None:
        """The matter's 批复 recorded as its result (matter result)."""
        row = self.matters[state.matter_ids[index]]
        row["result_item"] = state.items[key].row["item_no"]
        self.event(step.ts, self.actor(state, index), "matter.result", state.plan.case_no, matter=row["id"],
                   name=row["name"], result_item=row["result_item"])

    def file(self, step: Step, state: CaseState, key: int, how: str, reason_code: int | None = None) -> None:
        """A filing of one item's renditions (store.file_documents), and the status change it proves."""
        plan = state.plan.items[key]
        # A third of the signed copies come back through the archivists' scanner, the rest through the team.
        actor = ARCHIVISTS[key % 2] if how in ("signed", "paper") and key % 3 == 0 else self.actor(state, key)
        item = state.items.get(key) or self.new_item(step, state, key, how)
        kinds = {"generated": ("generated.docx", "generated.pdf"), "signed": ("signed.pdf",), "paper": ("signed.pdf",),
                 "upload": ("upload.pdf",), "photo": ("photo.jpg",)}[how]
        last = None
        for rendition in kinds:
            last = self.rendition(step, state, item, plan, rendition, actor)
        signed = how in ("signed", "paper")
        if plan.form_id and (change := proved_by(plan.form_id, signed, state.row["status"])):
            self.move(step.ts, state, actor, change.target, last, proof=plan.form_id, reason_code=reason_code)

    def new_item(self, step: Step, state: CaseState, key: int, how: str) -> ItemState:
        """A new 件, numbered next in the case (its form version counted per form and kind)."""
        plan = state.plan.items[key]
        self.item_id += 1
        number = len(state.items) + 1
        version = None
        if plan.form_id:
            kind = "signed" if how == "paper" else "upload" if how == "upload" else "generated"
            state.versions[(plan.form_id, kind)] += 1
            version = state.versions[(plan.form_id, kind)]
        row = {"id": self.item_id, "case_id": state.row["id"], "item_no": number, "title": plan.title,
               "category": plan.category, "form_id": plan.form_id, "version": version,
               "created": step.ts.isoformat(timespec="seconds"), "archival_no": None, "reference": None,
               "meeting_id": None}
        state.items[key] = ItemState(row, version, step.ts.date())
        return state.items[key]

    def doc_no(self, state: CaseState, form_id: str, year: int) -> str:
        """A form's 文号: kept across its versions, else the next number of the year (outputs.context._doc_no)."""
        if form_id not in state.doc_nos:
            self.doc_no_seq[(form_id, year)] += 1
            pattern = self.forms[form_id].doc_no_pattern
            state.doc_nos[form_id] = doc_number(pattern, agency_short=self.settings.agency.short, year=year,
                                                seq=self.doc_no_seq[(form_id, year)], case_no="", form_id=form_id)
        return state.doc_nos[form_id]

    def text(self, state: CaseState, plan: ItemPlan, key: int, day: dt.date) -> str:
        """The text as printed (bench/corpus.py's generators, the same for a form and its signed copy)."""
        rng = random.Random(state.plan.index * 100_003 + key)
        case = state.text_case = state.text_case or state.plan.text_case()
        body = {"form": lambda: corpus._header(case, plan.title, day) + corpus._form_body(rng, case, self.sentences),
                "ledger": lambda: corpus._header(case, plan.title, day) + corpus._ledger(rng, case, day),
                "minutes": lambda: corpus._header(case, plan.title, day) + corpus._minutes(rng, case, day),
                "approval": lambda: corpus._approval(rng, case, day),
                "upload": lambda: corpus._header(case, plan.title, day) + "\n".join(rng.sample(self.sentences, 8)),
                "photo": lambda: ""}
        return body[plan.body]()

    def rendition(self, step: Step, state: CaseState, item: ItemState, plan: ItemPlan, rendition: str,
                  actor: str) -> int:
        """Write one file and its documents row and document.filed event; its id."""
        kind, ext = rendition.split(".")
        self.doc_id += 1
        day = step.ts.date()
        number, version = item.row["item_no"], item.version or 1
        printed = self.text(state, plan, number, item.day)
        if kind == "signed":
            text = clean_ocr_text(corpus.ocr_noise(random.Random(self.doc_id), printed))
        elif kind == "photo" or ext == "docx":
            text = ""
        else:
            text = clean_text(printed)
        data = (tiny_docx(printed) if ext == "docx" else tiny_jpeg(self.photo, f"{state.plan.case_no} {self.doc_id}")
                if ext == "jpg" else tiny_pdf(f"{state.plan.case_no}　第{number:04d}件\n{printed or plan.title}"))
        suffix = (f" v{version}" if plan.form_id else "") + (" 签署件" if kind == "signed" else "")
        rel = (f"{state.row['folder']}/{category(plan.category).folder}/{number:04d} "
               f"{safe_name(plan.title, NAME_BYTES)}{suffix}.{ext}")
        (self.root / rel).parent.mkdir(parents=True, exist_ok=True)
        (self.root / rel).write_bytes(data)
        self.bytes_written += len(data)
        generated = kind == "generated"
        source = {"generated": f"{plan.title}.{ext}", "upload": f"{plan.title}.{ext}",
                  "photo": f"IMG_{day:%Y%m%d}_{self.doc_id % 10000:04d}.jpg",
                  "signed": f"{number:04d} {plan.title} v{version} 签字扫描 第1-1页.pdf" if item.pdf_id
                  else f"{plan.title}签字.pdf"}[kind]
        row = {"id": self.doc_id, "case_id": state.row["id"], "item_no": number, "category": plan.category,
               "title": plan.title, "form_id": plan.form_id, "version": version, "kind": kind,
               "doc_no": self.doc_no(state, plan.form_id, day.year) if generated else plan.doc_no,
               "author": self.settings.agency.name if generated else plan.author,
               "doc_date": day.isoformat() if generated or kind in ("upload", "photo") else None,
               "pages": 1 if ext == "pdf" else None, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
               "path": rel, "source_name": source, "text": text, "stage": state.row["status"],
               "state": DocState.FILED, "parent_id": item.pdf_id if kind == "signed" else None,
               "withdrawn_reason": None, "filed": step.ts.isoformat(timespec="seconds"), "actor": actor,
               "warnings": "[]", "text_version": 1}
        self.doc_rows.append(row)
        if generated and ext == "pdf":
            item.pdf_id = self.doc_id
        item.files.append(Rendition(self.doc_id, kind, ext == "docx", row["stage"], row["doc_date"] or row["filed"]))
        state.files.append(self.doc_id)
        record = {name: row[name] for name in DOCUMENT_FIELDS if name in row} | {"text_sha256": text_digest(text)}
        self.event(step.ts, actor, "document.filed", state.plan.case_no, self.doc_id, item_no=number,
                   title=plan.title, category=plan.category, form=plan.form_id, kind=kind, sha256=row["sha256"],
                   source=source, source_bytes=None, record=record)
        return self.doc_id

    def move(self, ts: dt.datetime, state: CaseState, actor: str, target: S, doc_id: int | None, **details) -> None:
        """A status change (store._transition), with the 中止 reason when it suspends."""
        row = state.row
        old = row["status"]
        row |= {"status": target, "updated": ts.isoformat(timespec="seconds")}
        if target == S.SUSPENDED:
            code = details["reason_code"]
            row |= {"suspend_code": code, "suspend_reason": SUSPEND_REASONS[code]}
        self.event(ts, actor, "case.status", state.plan.case_no, doc_id, old=old, new=target, **details)

    def resume(self, step: Step, state: CaseState, note: str) -> None:
        """恢复办理 (resume_case → move_case)."""
        row = state.row
        row |= {"status": S.HANDLING, "updated": step.ts.isoformat(timespec="seconds"), "suspend_code": None,
                "suspend_reason": None}
        self.event(step.ts, state.plan.manager[0], "case.resumed", state.plan.case_no, old=S.SUSPENDED,
                   new=S.HANDLING, note=note)

    def change_manager(self, step: Step, state: CaseState, new: tuple[str, str]) -> None:
        """A new 项目长; the former one stays on record with an end date (change_manager)."""
        stamp = step.ts.isoformat(timespec="seconds")
        current = next(p for p in state.people if p["role"] == Role.MANAGER and p["until"] is None)
        current["until"] = stamp
        state.people.append({"case_id": state.row["id"], "role": str(Role.MANAGER), "name": new[0], "phone": new[1],
                             "since": stamp, "until": None})
        state.row["updated"] = stamp
        self.event(step.ts, ADMIN, "case.manager_changed", state.plan.case_no, old=current["name"], new=new[0],
                   phone=new[1])

    def ledger(self, step: Step, state: CaseState, text: str, kind: str, on: dt.date) -> None:
        """A line of the staff's own in the ledger (add_ledger)."""
        self.event(step.ts, self.actor(state, len(text)), "ledger.added", state.plan.case_no, text=text, kind=kind,
                   on=on.isoformat())

    def withdraw(self, step: Step, state: CaseState, key: int) -> None:
        """撤回 of an item with its renditions (store.withdraw)."""
        item = state.items[key]
        item.withdrawn = True
        reason = WITHDRAW_REASONS[key % 3].format(n=max(1, item.row["item_no"] - 1))
        for rendition in item.files:
            self.withdrawn[rendition.id] = reason
            self.event(step.ts, self.actor(state, key), "document.withdrawn", state.plan.case_no, rendition.id,
                       item_no=item.row["item_no"], reason=reason)

    def seal(self, step: Step, state: CaseState, archivist: str) -> None:
        """归档: current items numbered in archival order with their 档号, the chain head kept (seal)."""
        current = [i for i in state.items.values() if not i.withdrawn]
        year = step.ts.year
        self.volumes[(year, state.row["retention"])] += 1
        volume = self.volumes[(year, state.row["retention"])]
        numbered = []
        for n, item in enumerate(sorted(current, key=archival_key), start=1):
            ref = reference(self.settings, state.row["retention"], year, volume, n)
            item.row |= {"archival_no": n, "reference": ref}
            numbered.append([item.row["item_no"], n, ref])
        old = state.row["status"]
        self.event(step.ts, archivist, "case.archived", state.plan.case_no, old=old, new=S.ARCHIVED, year=year,
                   volume=volume, references=numbered)
        stamp = step.ts.isoformat(timespec="seconds")
        state.row |= {"status": S.ARCHIVED, "updated": stamp, "sealed": stamp, "seal_head": f"{self.seq}:{self.head}",
                      "volume_no": volume}

    def read(self, step: Step, state: CaseState | None, action: str, *args) -> None:
        """A recorded reading: of a case (by its team, an archivist or the auditor), or of the archive."""
        if state is None:
            who, word, hits = args
            details = {"search": {"filters": {}, "hits": hits, "page": 1, "query": word},
                       "cases.listed": {"status": None, "manager": None, "query": None, "page": 1, "hits": hits},
                       "due.listed": {"days": 14, "overdue": False, "manager": who}}[action]
            self.event(step.ts, who, action, **details)
            return
        readers = (*[self.actor(state, n) for n in range(3)], AUDITOR, ARCHIVISTS[0])
        who = readers[step.order % len(readers)]
        if action == "document.opened":
            if state.files:
                self.event(step.ts, who, action, state.plan.case_no, state.files[step.order % len(state.files)])
            return
        self.event(step.ts, who, action, state.plan.case_no, **({"stage": None} if action == "matters.listed" else {}))

    def finish(self) -> None:
        """Cases, people, matters and items in their final state; withdrawn files marked; the chain head."""
        states = [self.cases[k] for k in sorted(self.cases)]
        with self.engine.begin() as conn:
            conn.execute(cases.insert(), [s.row for s in states])
            conn.execute(people.insert(), [p for s in states for p in s.people])
            conn.execute(matters.insert(), list(self.matters.values()))
            conn.execute(items.insert(), [i.row for s in states for i in s.items.values()])
            for doc_id, reason in self.withdrawn.items():
                conn.execute(documents.update().where(documents.c.id == doc_id).values(
                    state=DocState.WITHDRAWN, withdrawn_reason=reason))
            conn.execute(meta.delete().where(meta.c.key == "event_head"))
            conn.execute(meta.insert().values(key="event_head", value=f"{self.seq}:{self.head}"))
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
        if broken:
            raise SystemExit(f"foreign keys broken: {broken[:5]}")


def archival_key(item: ItemState) -> tuple:
    """archive.casework.sealing.archival_order's key: the main rendition's stage and date, then 件号."""
    current = item.files
    main = min(current, key=lambda f: (RENDITION_ORDER.index(DocKind(f.kind)), f.docx, -f.id))
    return RANK.get(main.stage, len(RANK)), main.day[:10], item.row["item_no"]


# ---------------------------------------------------------------- building the root

@dataclass(frozen=True)
class Account:
    """A web account the benchmark logs in with."""

    login: str
    name: str
    role: str
    credit_code: str = ""


@dataclass(frozen=True)
class WebCorpus:
    """A built data root and what its build recorded (counts, timings, accounts, the big case)."""

    root: Path
    manifest: dict

    @property
    def accounts(self) -> dict[str, Account]:
        """The accounts by role key (admin, staff, archivist, auditor, enterprise)."""
        return {key: Account(**value) for key, value in self.manifest["accounts"].items()}


def accounts_for(plans: list[CasePlan], staff: Staff, big: int) -> dict[str, Account]:
    """One account of each role: the 项目长 and the enterprise are those of the big case."""
    unit = plans[big].unit
    return {"admin": Account("admin", ADMIN, "管理员"),
            "staff": Account("xiangmuzhang", staff.managers[0][0], "项目长"),
            "archivist": Account("archivist", ARCHIVISTS[0], "档案员"), "auditor": Account("auditor", AUDITOR, "审计"),
            "enterprise": Account("enterprise", unit.name, "企业", unit.credit_code)}


def daiban(root: Path, *args: str, stdin: str | None = None) -> str:
    """Run the daiban command on the root as the administrator; its output (stops the build on a failure)."""
    done = subprocess.run([str(DAIBAN), *args, "--root", str(root), "--actor", ADMIN], input=stdin,
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"daiban {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def fast_engine(root: Path) -> Engine:
    """The catalog without per-commit fsync and without per-row foreign keys (checked once at the end)."""
    engine = create_engine(f"sqlite:///{root / 'daiban.sqlite'}")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):
        dbapi_conn.execute("PRAGMA synchronous=OFF")
        dbapi_conn.execute("PRAGMA foreign_keys=OFF")

    return engine


class Clock:
    """Seconds per phase of the build, printed as they end."""

    def __init__(self):
        self.started = self.last = time.perf_counter()
        self.phases: dict[str, float] = {}

    def lap(self, phase: str) -> None:
        """End a phase."""
        now = time.perf_counter()
        self.phases[phase] = round(now - self.last, 1)
        self.last = now
        print(f"  {phase}: {self.phases[phase]:.1f} s", file=sys.stderr, flush=True)

    @property
    def total(self) -> float:
        """Seconds since the build started."""
        return round(time.perf_counter() - self.started, 1)


def counts(root: Path) -> dict:
    """What the catalog holds, for the manifest and RESULTS.md."""
    engine = create_engine(f"sqlite:///{root / 'daiban.sqlite'}")
    with engine.connect() as conn:
        by_status = dict(conn.execute(select(cases.c.status, func.count()).group_by(cases.c.status)).all())
        found = {"cases": conn.execute(select(func.count()).select_from(cases)).scalar(),
                 "items": conn.execute(select(func.count()).select_from(items)).scalar(),
                 "documents": conn.execute(select(func.count()).select_from(documents)).scalar(),
                 "events": conn.execute(select(func.count()).select_from(events)).scalar(),
                 "matters": conn.execute(select(func.count()).select_from(matters)).scalar(),
                 "statuses": by_status}
    engine.dispose()
    found["catalog_mb"] = round((root / "daiban.sqlite").stat().st_size / 2**20, 1)
    return found


def build(root: Path, n_cases: int, n_items: int, check: bool) -> dict:
    """Build the data root; the manifest of what it holds and how long each phase took."""
    clock = Clock()
    now = dt.datetime.now().astimezone().replace(microsecond=0)
    plans, staff, big = plan_cases(n_cases, now)
    top_up(plans, n_items, big, now)
    steps = sorted([s for p in plans for s in p.steps] + archive_readings(plans, staff, now),
                   key=lambda s: (s.ts, s.case, s.order))
    clock.lap("plan (cases, steps, top-up)")
    start = dt.datetime.combine(FIRST_DAY, dt.time(8, 0)).astimezone().isoformat(timespec="seconds")
    with mock.patch("archive.catalog.events.now", return_value=start):
        archive = new_archive(root, ADMIN, AGENCY)
    settings = archive.settings
    archive.close()
    engine = fast_engine(root)
    writer = Writer(root, settings, engine, load_catalog().forms)
    writer.run(steps, plans)
    engine.dispose()
    clock.lap(f"rows, events and files ({writer.bytes_written / 2**20:.0f} MB of files)")
    accounts = accounts_for(plans, staff, big)
    for account in accounts.values():
        daiban(root, "user", "add", account.login, "--name", account.name, "--role", account.role,
               "--credit-code", account.credit_code, "--password-stdin", stdin=PASSWORD + "\n")
    clock.lap("accounts (daiban user add)")
    daiban(root, "index", "rebuild", "--backend", "tantivy")
    clock.lap("index (daiban index rebuild --backend tantivy)")
    if check:
        daiban(root, "verify")
        clock.lap("daiban verify")
    print(f"  built in {clock.total:.1f} s", file=sys.stderr, flush=True)
    return {"cases": n_cases, "items": n_items, "built": now.isoformat(), "big_case": plans[big].case_no,
            "password": PASSWORD, "accounts": {k: vars(a) for k, a in accounts.items()},
            "seconds": clock.phases | {"total": clock.total}, "files_mb": round(writer.bytes_written / 2**20, 1),
            "verified": check, **counts(root)}


def corpus_dir(n_cases: int, n_items: int) -> Path:
    """Where the root of this size is cached."""
    return OUT / f"web-{n_cases}-{n_items}"


def ensure(n_cases: int = 10_000, n_items: int = 100_000, force: bool = False, check: bool = True) -> WebCorpus:
    """The cached root of this size, built first when missing (into a scratch folder renamed when complete)."""
    folder = corpus_dir(n_cases, n_items)
    manifest = folder / "corpus.json"
    if manifest.exists() and not force:
        return WebCorpus(folder / "root", json.loads(manifest.read_text(encoding="utf-8")))
    scratch = folder.with_name(folder.name + ".partial")
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    print(f"building {n_cases} cases / {n_items} items in {folder} …", file=sys.stderr, flush=True)
    figures = build(scratch / "root", n_cases, n_items, check)
    (scratch / "corpus.json").write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    scratch.rename(folder)
    return WebCorpus(folder / "root", figures)


def main() -> None:
    """Build (or show) the cached root."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--force", action="store_true", help="build again even when cached")
    parser.add_argument("--no-verify", action="store_true", help="skip the final daiban verify")
    args = parser.parse_args()
    built = ensure(args.cases, args.items, args.force, not args.no_verify)
    print(json.dumps(built.manifest | {"root": str(built.root)}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
