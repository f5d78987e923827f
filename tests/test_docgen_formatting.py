"""Formatting filters, document identity, 文号 patterns, QR images and field coercion (no LibreOffice)."""

import datetime
import io
from decimal import Decimal

import pytest
import zxingcpp
from markupsafe import Markup
from PIL import Image

from archive.base.errors import UsageError, ValidationError
from docgen.catalog import FieldSpec
from docgen.contract import doc_namespace
from docgen.fields import coerce
from docgen.formatting import WORD_JOINER, box, cn_date, cn_upper_yuan, money, money_upper, unbroken
from docgen.identity import DocIdentity, doc_number, parse_identity, qr_png


@pytest.mark.parametrize("value, expected", [
    (datetime.date(2026, 3, 5), "2026年3月5日"),
    (datetime.datetime(2026, 12, 31, 15, 30), "2026年12月31日"),
    ("2026-03-05", "2026年3月5日"),
    ("2026/3/5", "2026年3月5日"),
    ("2026年3月5日", "2026年3月5日"),
    (None, ""),
])
def test_cn_date(value, expected):
    assert cn_date(value) == expected


def test_cn_date_rejects_nonsense():
    with pytest.raises(ValueError, match="不是"):
        cn_date("下周三")
    with pytest.raises(ValueError, match="有效日期"):
        cn_date("2026-02-30")


@pytest.mark.parametrize("value, expected", [
    (12500, "12,500.00万元"),
    (12500.5, "12,500.50万元"),
    (0.125, "0.13万元"),
    (1234567.891, "1,234,567.89万元"),
    (None, ""),
])
def test_money_in_wan_yuan(value, expected):
    assert money(value) == expected


def test_money_other_unit():
    assert money(3500, unit="元") == "3,500.00元"


@pytest.mark.parametrize("wan, expected", [
    (12500, "壹亿贰仟伍佰万元整"),
    (1.5, "壹万伍仟元整"),
    (10000.05, "壹亿零伍佰元整"),
    (1000.0005, "壹仟万零伍元整"),
    (100000, "壹拾亿元整"),
])
def test_money_upper_from_wan_yuan(wan, expected):
    assert money_upper(wan) == expected


@pytest.mark.parametrize("yuan, expected", [
    ("100500.10", "壹拾万零伍佰元壹角"),
    ("1005", "壹仟零伍元整"),
    ("0.05", "伍分"),
    ("3.07", "叁元零柒分"),
    ("0", "零元整"),
    ("-20", "负贰拾元整"),
])
def test_cn_upper_yuan(yuan, expected):
    assert cn_upper_yuan(Decimal(yuan)) == expected


def test_box_marks_selected_choices():
    assert box("重点项目", ["重点项目"]) == "√"
    assert box("一般项目", ["重点项目"]) == "□"
    assert box(True, True) == "√"


def test_identity_round_trip():
    identity = DocIdentity("DB-2026-0001", "meeting_notice", 12)
    assert str(identity) == "DB-2026-0001/meeting_notice/v12"
    assert parse_identity(str(identity)) == identity


@pytest.mark.parametrize("text", [
    "DB-2026-0001/entrust/v0", "DB-2026-0001/entrust/v1\n", " DB-2026-0001/entrust/v1",
    "DB-2026-0001/Entrust/v1", "DB-2026-0001/entrust/1", "DB-2026-0001/entrust", "a/b/c/v1",
    "DB 2026/entrust/v1", "案件/entrust/v1", "", "https://example.com/entrust/v1",
])
def test_parse_identity_is_strict(text):
    with pytest.raises(ValidationError, match="文档标识"):
        parse_identity(text)


def test_identity_refuses_bad_parts():
    with pytest.raises(ValidationError):
        DocIdentity("DB-2026-0001", "entrust", 0)
    with pytest.raises(ValidationError):
        DocIdentity("DB/2026", "entrust", 1)


def test_qr_png_decodes_to_identity():
    identity = DocIdentity("DB-2026-0001", "meeting_notice", 3)
    image = Image.open(io.BytesIO(qr_png(identity)))
    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert [r.text for r in results] == [str(identity)]


def test_doc_number_patterns():
    values = dict(agency_short="晋城", year=2026, seq=7, case_no="DB-2026-0001", form_id="entrust")
    assert doc_number("{agency_short}代〔{year}〕{seq}号", **values) == "晋城代〔2026〕7号"
    assert doc_number("{agency_short}代〔{year}〕{seq:03d}号", **values) == "晋城代〔2026〕007号"
    assert doc_number("{case_no}-{form_id}-{seq}", **values) == "DB-2026-0001-entrust-7"


def test_doc_number_rejects_unknown_placeholder():
    with pytest.raises(UsageError, match="未知占位符：month"):
        doc_number("{agency_short}〔{year}〕{month}号", agency_short="晋城", year=2026, seq=1, case_no="x", form_id="y")
    with pytest.raises(UsageError, match="文号格式无效"):
        doc_number("{agency_short", agency_short="晋城", year=2026, seq=1, case_no="x", form_id="y")


@pytest.mark.parametrize("field, raw, expected", [
    (FieldSpec("d", "日期", "date"), "2026-03-05", datetime.date(2026, 3, 5)),
    (FieldSpec("m", "金额", "money"), "12,500.5万元", 12500.5),
    (FieldSpec("m", "金额", "money"), 368, 368.0),
    (FieldSpec("n", "份数", "int"), "3", 3),
    (FieldSpec("l", "材料", "list"), "营业执照；法人身份证\n授权委托书", ["营业执照", "法人身份证", "授权委托书"]),
    (FieldSpec("c", "类别", "checkbox", choices=("甲", "乙")), ["乙"], ["乙"]),
    (FieldSpec("t", "清单", "table", columns=("名称", "份数")), [["营业执照", 1], {"名称": "章程"}],
     [{"名称": "营业执照", "份数": 1}, {"名称": "章程", "份数": ""}]),
])
def test_coerce_by_type(field, raw, expected):
    assert coerce(field, raw) == expected


@pytest.mark.parametrize("field, raw, reason", [
    (FieldSpec("d", "日期", "date"), "三月五日", "不是日期"),
    (FieldSpec("m", "金额", "money"), "一万", "不是金额"),
    (FieldSpec("n", "份数", "int"), "3.5", "不是整数"),
    (FieldSpec("c", "类别", "checkbox", choices=("甲", "乙")), "丙", "不在可选项中"),
    (FieldSpec("t", "清单", "table", columns=("名称",)), [{"名称": "a", "页数": 2}], "未知列 页数"),
    (FieldSpec("t", "清单", "table", columns=("名称",)), "营业执照", "应为表格行"),
])
def test_coerce_errors_explain(field, raw, reason):
    with pytest.raises(ValueError, match=reason):
        coerce(field, raw)


def test_doc_namespace_carries_identity_and_number():
    doc = doc_namespace(DocIdentity("DB-2026-0001", "entrust", 2), "晋城代〔2026〕7号", datetime.date(2026, 3, 5))
    assert doc == {"doc_no": "晋城代〔2026〕7号", "identity": "DB-2026-0001/entrust/v2", "version": 2,
                   "date": datetime.date(2026, 3, 5)}


@pytest.mark.parametrize("value", ["秦晓燕", "2026年第四季度", "2026-140581-28-03-061552", "91140500MA0K8D3X2Q",
                                   "2026年3月5日"])
def test_short_values_and_codes_are_joined_so_no_line_breaks_inside(value):
    joined = unbroken(value)
    assert joined.replace(WORD_JOINER, "") == value and joined.count(WORD_JOINER) == len(value) - 1


@pytest.mark.parametrize("value", ["由项目长会同代办员协调各审批部门推进", "张 丽", "甲", 12, Markup("<b>x</b>")])
def test_text_numbers_and_markup_print_as_they_are(value):
    assert unbroken(value) == value
