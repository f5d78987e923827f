"""The form templates against the catalog, the render contract and the seed texts (no LibreOffice)."""

import datetime as dt
import importlib.util
import re
import zipfile
from pathlib import Path

import jinja2
import pytest
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from lxml import etree

from docgen.catalog import BUILTIN_TEMPLATES, FieldSpec, FormSpec, load_catalog

ROOT = Path(__file__).resolve().parent.parent
CATALOG = load_catalog()
FORM_IDS = CATALOG.ids()

# Names and attributes of the render context, as listed in docs/CONTRACTS.md.
CONTEXT_ATTRS = {
    "agency": {"name", "short", "fonds", "city", "phone", "address", "report_email"},
    "case": {"case_no", "project_name", "unit", "credit_code", "project_code", "project_type", "location",
             "scale", "investment", "funding", "land", "contact", "phone", "manager", "manager_phone",
             "agents", "status", "opened"},
    "doc": {"doc_no", "identity", "version", "date", "qr"},
}
MATTER_KEYS = {"stage", "name", "level", "dept", "liaison", "time_limit", "status", "parallel", "due", "due_note"}
CONTEXT_NAMES = set(CONTEXT_ATTRS) | {"matters", "stages"}
JINJA_GLOBALS = {"range"}
STAGES = ["立项用地规划许可阶段", "工程建设许可阶段", "施工许可阶段", "竣工验收阶段"]
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _env() -> jinja2.Environment:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    env.filters["cn_date"] = lambda d: f"{d.year}年{d.month}月{d.day}日"
    env.filters["money"] = lambda v: f"{v:,.2f}万元"
    return env


def _path(form_id: str) -> Path:
    return BUILTIN_TEMPLATES / CATALOG.get(form_id).template_name


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist() if n.startswith("word/") and n.endswith(".xml")}


def _paragraph_texts(xml: bytes) -> list[str]:
    root = etree.fromstring(xml)
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in root.iter(qn("w:p"))]


def template_text(path: Path) -> str:
    """All paragraph texts of body and footers, one per line, Jinja tags included."""
    parts = _parts(path)
    names = ["word/document.xml"] + sorted(n for n in parts if n.startswith("word/footer"))
    return "\n".join(line for n in names for line in _paragraph_texts(parts[n]))


def _fields(form_id: str) -> dict[str, FieldSpec]:
    return {f.name: f for f in CATALOG.get(form_id).fields}


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return {fid: template_text(_path(fid)) for fid in FORM_IDS}


@pytest.fixture(scope="module")
def undeclared() -> dict[str, set[str]]:
    env = _env()
    return {fid: set(DocxTemplate(_path(fid)).get_undeclared_template_variables(env)) for fid in FORM_IDS}


def test_every_catalog_form_has_a_template_and_no_stray_templates():
    on_disk = {p.stem for p in BUILTIN_TEMPLATES.glob("*.docx")}
    assert on_disk == set(FORM_IDS)
    assert len(FORM_IDS) == 22


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_every_declared_field_is_used(form_id, undeclared):
    missing = set(_fields(form_id)) - undeclared[form_id]
    assert not missing, f"{form_id}: declared but unused {sorted(missing)}"


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_every_variable_is_in_the_contract_or_declared(form_id, undeclared):
    allowed = CONTEXT_NAMES | JINJA_GLOBALS | set(_fields(form_id))
    extra = undeclared[form_id] - allowed
    assert not extra, f"{form_id}: undeclared variables {sorted(extra)}"


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_attributes_and_columns_exist(form_id, texts):
    text = texts[form_id]
    for name, attrs in CONTEXT_ATTRS.items():
        used = set(re.findall(rf"\b{name}\.(\w+)", text))
        assert used <= attrs, f"{form_id}: unknown {name} attributes {sorted(used - attrs)}"
    assert set(re.findall(r"\bm\.(\w+)", text)) <= MATTER_KEYS
    columns = {c for f in _fields(form_id).values() if f.type == "table" for c in f.columns}
    used_cols = set(re.findall(r"\b(?:row|p)\.(\w+)", text))
    assert used_cols <= columns, f"{form_id}: unknown table columns {sorted(used_cols - columns)}"


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_footer_carries_number_identity_qr_and_page_fields(form_id):
    parts = _parts(_path(form_id))
    footers = [x for n, x in parts.items() if n.startswith("word/footer")]
    assert len(footers) == 1
    footer = "".join(_paragraph_texts(footers[0]))
    for tag in ("{{ doc.doc_no }}", "{{ doc.identity }}", "{{ doc.qr }}"):
        assert tag in footer
    instr = {el.get(qn("w:instr")).strip() for el in etree.fromstring(footers[0]).iter(qn("w:fldSimple"))}
    assert instr == {"PAGE", "NUMPAGES"}
    assert "第 1 页 共 1 页" in footer


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_checkbox_choices_are_printed(form_id, texts):
    for spec in _fields(form_id).values():
        if spec.type == "checkbox" and form_id not in ("entrust", "complete"):
            for choice in spec.choices:
                assert choice in texts[form_id], f"{form_id}.{spec.name}: choice {choice} not printed"


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_official_layout(form_id):
    parts = _parts(_path(form_id))
    doc = etree.fromstring(parts["word/document.xml"])
    sect = doc.find(f".//{qn('w:body')}/{qn('w:sectPr')}")
    size, margins = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
    short, long_ = sorted(int(size.get(qn(k))) for k in ("w:w", "w:h"))
    assert (short, long_) == (11906, 16838)  # A4 in twips
    if int(size.get(qn("w:w"))) == 11906:
        got = [int(margins.get(qn(f"w:{k}"))) for k in ("top", "bottom", "left", "right")]
        assert got == [2098, 1984, 1587, 1474]  # 37/35/28/26 mm
    styles = etree.fromstring(parts["word/styles.xml"])
    lang = styles.find(f"{qn('w:docDefaults')}//{qn('w:lang')}")
    assert lang.get(qn("w:eastAsia")) == "zh-CN"
    by_id = {s.get(qn("w:styleId")): s for s in styles.iter(qn("w:style"))}
    fonts = {sid: by_id[sid].find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
             for sid in ("Normal", "Title", "Heading1", "Heading2")}
    assert fonts["Normal"].get(qn("w:eastAsia")) == fonts["Normal"].get(qn("w:ascii")) == "仿宋_GB2312"
    assert fonts["Title"].get(qn("w:eastAsia")) == "方正小标宋简体"
    assert fonts["Heading1"].get(qn("w:eastAsia")) == "黑体"
    assert fonts["Heading2"].get(qn("w:eastAsia")) == "楷体_GB2312"
    assert by_id["Title"].find(f"{qn('w:rPr')}/{qn('w:sz')}").get(qn("w:val")) == "44"
    normal_spacing = by_id["Normal"].find(f"{qn('w:pPr')}/{qn('w:spacing')}")
    assert normal_spacing.get(qn("w:lineRule")) == "exact" and 560 <= int(normal_spacing.get(qn("w:line"))) <= 580
    image_spacing = by_id["FormImage"].find(f"{qn('w:pPr')}/{qn('w:spacing')}")
    assert image_spacing.get(qn("w:lineRule")) == "auto"


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_tables_have_grid_widths_matching_cells(form_id):
    parts = _parts(_path(form_id))
    tables = [t for n, x in parts.items() if n == "word/document.xml" or n.startswith("word/footer")
              for t in etree.fromstring(x).iter(qn("w:tbl"))]
    assert tables
    for tbl in tables:
        grid = [int(g.get(qn("w:w"))) for g in tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))]
        assert all(w > 0 for w in grid)
        assert abs(sum(grid) - int(tbl.find(f"{qn('w:tblPr')}/{qn('w:tblW')}").get(qn("w:w")))) <= len(grid)
        for tr in tbl.findall(qn("w:tr")):
            col = 0
            for tc in tr.findall(qn("w:tc")):
                span_el = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
                span = int(span_el.get(qn("w:val"))) if span_el is not None else 1
                width = int(tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}").get(qn("w:w")))
                assert abs(width - sum(grid[col:col + span])) <= span
                col += span
            assert col == len(grid)


def test_no_service_fee_fields():
    for form in CATALOG.forms.values():
        for spec in form.fields:
            if "费" in spec.label:
                assert "需缴纳费用" in spec.label, f"{form.id}.{spec.name}: {spec.label}"


def test_required_fields_have_no_empty_default():
    # The renderer applies a default before checking required fields: an empty one would hide a missing value.
    for form in CATALOG.forms.values():
        for spec in form.fields:
            assert not (spec.required and spec.default in ("", [])), f"{form.id}.{spec.name}"


def test_project_template_checker_finds_no_problem():
    check = pytest.importorskip("docgen.check")
    results = check.check_templates([BUILTIN_TEMPLATES], CATALOG)
    problems = {fid: [p.message for p in found] for fid, found in results.items() if found}
    assert problems == {}
    assert len(results) == 22


def test_doc_no_patterns_are_distinct_and_use_known_placeholders():
    patterns = [f.doc_no_pattern for f in CATALOG.forms.values()]
    assert len(set(patterns)) == len(patterns)
    for pattern in patterns:
        assert set(re.findall(r"{(\w+)}", pattern)) <= {"agency_short", "year", "seq", "case_no", "form_id"}
        assert "{seq}" in pattern


# ---------------------------------------------------------------- seed texts

ENTRUST_SEED = [
    "根据《项目审批“全代办”工作方案》，",
    "（项目单位名称）委托",
    "（“全代办”机构名称），开展",
    "（项目名称）审批“全代办”服务，现对委托内容明确如下：",
    "一、代办服务事项",
    "本次主要是开展",
    "阶段“全代办”工作，代办涉及审批事项：",
    "二、我单位承诺按时提供项目审批需要的材料、缴纳相关规费、到现场实名认证和签字，并指定",
    "为我单位项目联系人，联系电话",
    "三、我单位承诺在委托代办期间，因出现下列情况之一导致“全代办”服务中止，由此产生的损失由本单位自行承担：",
    "1. 投资项目不符合相关法律法规和政策要求；",
    "2. 申请材料不符合法定条件、标准，且不能补正；",
    "3. 申请材料的内容不真实；",
    "4. 项目单位未在规定期限内提交审批材料，项目长催促后仍未提交；",
    "5. 项目单位未及时缴纳相关规费；",
    "6. 项目单位提出暂停委托“全代办”服务等；",
    "7. 其他确需中止“全代办”服务的客观情况。",
    "四、我单位对提交材料的真实性负责，因材料问题产生的法律责任由我单位承担，包括但不限于撤销审批文书。",
    "本委托书自签署之日起生效。",
    "项目单位（盖章或签字）：",
]
COMPLETE_SEED = [
    "兹有“全代办”项目(项目名称/地块编号)",
    "，项目代码",
    "阶段“全代办”服务工作，有关材料已向项目单位移交完毕，现作办结处理。",
    "已移交材料如下：",
    "项目单位：（盖章或签字）",
    "项目长：",
]
PLAN_SEED = [
    "项目名称", "项目单位", "项目单位联系人及联系方式", "审批部门项目长", "审批事项清单", "阶段",
    "事项及审批权限", "特殊环节", "需缴纳费用", *STAGES,
    "立项用地阶段申请材料清单", "工程建设许可阶段申请材料清单", "施工许可阶段申请材料清单",
    "竣工验收阶段申请材料清单", "审批要点提示", "流程优化方案",
    "注：根据项目单位前期提供材料形成本审批方案，后期因项目建设条件进一步明确，涉及到其他审批事项及优化流程等以实际情况为准。",
]
ASSESS_SEED = [
    "一站式项目研判表", "项目名称", "填表人", "（一）事项清单", "一、市级审批事项", "二、县级审批事项",
    "三、省级审批事项", "（二）材料清单", "一、各类申请（原件，加盖公章）",
    "二、项目批准文件（非市审批局核发的项目提供复印件）",
    "二、项目批准文件（非市审批局核发的项目提供复印件，市审批局核发的不需提供）",
    "三、土地手续（复印件）", "四、部门意见（复印件）", "五、评估文本类（原件）", "六、其他",
    "（三）特殊环节", "（四）需缴纳费用", "（五）要点提示", "（六）优化流程建议",
    "项目建议书审批", "可行性研究报告（初步设计深度）审批", "用地预审与选址意见书核发",
    "市级节能主管部门出具项目是否符合本市（设区市）能源总量和强度“双控”目标的意见",
    "取水许可（如涉及请附一次性告知单）", "基础设施配套费", "人防异地建设费",
    "建设项目环境影响报告书或环境影响报告表（排放污染物的项目需出具污染物总量指标来源确认文件和排污权交易鉴证书、"
    "涉及法律法规及规划等规定的环境敏感因素的，需要附相关部门提供支撑性文件）",
    "一、立项用地规划许可证阶段", "二、规划许可阶段",
]
LEDGER_SEED = ["投资项目“全代办”信息台账", "项目名称：", "项目长：", "序号", "时间", "内　容", "完成许可事项情况"]
ADVICE_SEED = ["投资项目“全代办”工作建议表", "项目", "意见和建议", "备注"]
ROSTER_SEED = ["名单报送回执", "填报单位：", "（公章）", "类别", "姓名", "职务", "手机号码", "办公电话",
               "负责业务", "备注", "分管领导", "业务负责人", "审批骨干人员"]
INTERACTIONS_SEED = ["各单位开展政企互动情况统计表", "单位（公章）：", "时间", "地点", "参加企业", "活动内容", "备注",
                     "填报人：", "办公电话：", "联系手机：",
                     "（请于每季度前 5 个工作日内报送上一季度活动开展情况，电子版发送至邮箱 "]


@pytest.mark.parametrize("form_id, fragments", [
    ("entrust", ENTRUST_SEED), ("complete", COMPLETE_SEED), ("plan", PLAN_SEED), ("assess", ASSESS_SEED),
    ("ledger", LEDGER_SEED), ("advice", ADVICE_SEED), ("roster", ROSTER_SEED), ("interactions", INTERACTIONS_SEED),
])
def test_seed_text_is_reproduced(form_id, fragments, texts):
    missing = [f for f in fragments if f not in texts[form_id]]
    assert not missing, f"{form_id}: seed text missing {missing}"


def test_entrust_conditions_come_in_seed_order(texts):
    lines = texts["entrust"].splitlines()
    positions = [lines.index(line) for line in ENTRUST_SEED[10:17]]
    assert positions == sorted(positions) and positions[-1] - positions[0] == 6


def test_assess_prints_every_seed_checkbox_once_per_stage(texts):
    fields = _fields("assess")
    for n in range(1, 5):
        for key in ("city", "apply", "approval", "land", "opinion", "report", "other"):
            assert fields[f"s{n}_{key}"].choices, f"s{n}_{key} has no choices"
    seed_stage1 = fields["s1_city"].choices
    assert seed_stage1 == ("项目建议书审批", "可行性研究报告审批", "可行性研究报告（初步设计深度）审批",
                           "企业投资项目备案", "项目核准", "用地预审与选址意见书核发")
    assert texts["assess"].count("{% if '项目建议书审批' in s1_city %}") == 1


# ---------------------------------------------------------------- rendering


def _sample(spec: FieldSpec):
    samples = {"text": f"{spec.label}（样例）", "date": dt.date(2026, 5, 8), "int": 3,
               "list": [f"{spec.label}（样例）"], "checkbox": list(spec.choices[:1]),
               "money": 12.5, "deadline": "2026年5月8日前", "table": [{c: f"{c}样例" for c in spec.columns}]}
    return samples[spec.type]


def _context(tpl: DocxTemplate, form: FormSpec) -> dict:
    matter = dict(stage=STAGES[0], name="企业投资项目备案", level="市级", dept="市行政审批服务管理局",
                  liaison="刘芳", time_limit=1, status="已办结", parallel=True, due=dt.date(2026, 3, 10),
                  due_note="估算")
    return {
        "agency": dict(name="晋城市行政审批服务管理局", short="晋审", fonds="J012", city="晋城市",
                       phone="0356-2196688", address="晋城市泽州路1188号", report_email="zwfw@jcs.example.gov.cn"),
        "case": dict(case_no="DB-2026-0001", project_name="年产5万吨铸件项目", unit="恒达铸造有限公司 & <分公司>",
                     credit_code="91140500MA0K3XQ27L", project_code="2603-140571-89-01-402117",
                     project_type="企业投资", location="开发区", scale="新建车间", investment=12500.0,
                     funding="自筹", land="已出让", contact="王建国", phone="13903561234", manager="李晓明",
                     manager_phone="13835678901", agents=["张丽", "赵强"], status="办理",
                     opened=dt.date(2026, 3, 5)),
        "matters": [matter, dict(matter, stage=STAGES[2], name="施工许可", status="待办", parallel=False, due=None)],
        "stages": STAGES,
        "doc": dict(doc_no="晋审代〔2026〕1号", identity=f"DB-2026-0001/{form.id}/v1", version=1,
                    date=dt.date(2026, 3, 6), qr=""),
        **{f.name: _sample(f) for f in form.fields},
    }


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_renders_under_strict_undefined(form_id, tmp_path):
    form = CATALOG.get(form_id)
    tpl = DocxTemplate(_path(form_id))
    tpl.render(_context(tpl, form), _env())
    out = tmp_path / f"{form_id}.docx"
    tpl.save(out)
    text = template_text(out)
    assert "{{" not in text and "{%" not in text
    assert "DB-2026-0001/" + form_id + "/v1" in text
    if form.stage != "机构":
        assert "恒达铸造有限公司 & <分公司>" in text or "年产5万吨铸件项目" in text
    for spec in form.fields:
        if spec.type == "text":
            assert spec.label + "（样例）" in text, f"{form_id}.{spec.name} not printed"
    if any(f.type == "checkbox" for f in form.fields) and form_id not in ("entrust", "complete"):
        assert "√" in text


def test_entrust_lists_only_matters_of_the_entrusted_stages(tmp_path):
    form = CATALOG.get("entrust")
    tpl = DocxTemplate(_path("entrust"))
    ctx = _context(tpl, form) | {"entrust_stages": [STAGES[0]]}
    tpl.render(ctx, _env())
    tpl.save(tmp_path / "e.docx")
    text = template_text(tmp_path / "e.docx")
    assert "本次主要是开展立项用地规划许可阶段“全代办”工作，代办涉及审批事项：企业投资项目备案。" in text
    assert "施工许可" not in text.split("代办涉及审批事项：")[1].splitlines()[0]


def test_templates_are_up_to_date_with_the_builder(tmp_path):
    spec = importlib.util.spec_from_file_location("build_templates", ROOT / "tools" / "build_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for path in module.build_all(tmp_path):
        assert path.read_bytes() == (BUILTIN_TEMPLATES / path.name).read_bytes(), f"{path.name}: rebuild differs"
