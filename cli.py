"""daiban 命令行：全代办案件与一事一档档案库。Each command parses, calls one service function, prints.

Service modules are imported inside the commands that use them: `daiban --help`
and quick commands then never load SQLAlchemy, pikepdf, docxtpl, OCR or the index
engines they do not need.
"""

import dataclasses
import errno
import json
import logging
import sys
import threading
import traceback
from functools import wraps
from pathlib import Path

import click

from archive.base.errors import DaibanError, ExitCode, storage_error
from archive.base.terms import (
    CATEGORIES,
    EVALUATION_METHODS,
    RATINGS,
    SUSPEND_REASONS,
    CaseStatus,
    DocKind,
    DocState,
)
from archive.base.text import readable
from archive.dataroot.folders import resolve_root

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
# A write that failed for want of room or rights, wherever in a service it happened.
STORAGE_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS)


def _out():
    from rich.console import Console

    console = Console(highlight=False)
    if not console.is_terminal:
        console.width = 160
    return console


def _json(data) -> None:
    def default(obj):
        if dataclasses.is_dataclass(obj):
            return dataclasses.asdict(obj)
        return str(obj)
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=default))


def _table(title: str, columns: list[str], rows: list[list]) -> None:
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*["" if v is None else str(v) for v in row])
    _out().print(table)


def _progress_bar():
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=Console(stderr=True), transient=True)


def _exit(code: ExitCode) -> None:
    sys.exit(int(code))


def root_option(func):
    """Let every command take --root and --actor, besides the group."""
    @click.option("--root", "root_opt", type=click.Path(path_type=Path), default=None,
                  help="数据根目录（默认 $DAIBAN_ROOT，否则 ./daiban-data）")
    @click.option("--actor", "actor_opt", default=None, help="操作人（默认 $DAIBAN_USER，否则系统用户）")
    @wraps(func)
    def wrapper(*args, root_opt=None, actor_opt=None, **kwargs):
        ctx = click.get_current_context()
        if root_opt is not None:
            ctx.obj["root"] = root_opt
        if actor_opt is not None:
            ctx.obj["actor"] = actor_opt
        return func(*args, **kwargs)
    return wrapper


def form_values(func):
    """Add --set and --data, the values staff give beyond what the case already knows."""
    func = click.option("--data", "data_file", type=click.Path(path_type=Path),
                        help="TOML 数据文件：顶层键用于所有表单，[表单编号] 表用于单张表单")(func)
    return click.option("--set", "sets", multiple=True, metavar="字段=值",
                        help="表单字段的值，可多次使用（如 --set subject=用地协调）")(func)


def _archive():
    from archive.catalog.session import open_archive, resolve_actor

    obj = click.get_current_context().obj
    return open_archive(resolve_root(obj.get("root")), resolve_actor(obj.get("actor")))


class EchoWarnings(logging.Handler):
    """Show warnings the services log (e.g. an index update to repair later) on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"警告：{record.getMessage()}", err=True)


def _show_warnings() -> None:
    logger = logging.getLogger("daiban")
    if not any(isinstance(h, EchoWarnings) for h in logger.handlers):
        logger.addHandler(EchoWarnings(logging.WARNING))
        logger.propagate = False


class DaibanGroup(click.Group):
    """A click group that ends every failure with its ExitCode: a Chinese message, or a traceback for a bug."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except DaibanError as exc:
            click.echo(f"错误：{exc.message}", err=True)
            _exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("已中断", err=True)
            _exit(ExitCode.INTERRUPTED)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except Exception as exc:
            if isinstance(exc, OSError) and exc.errno in STORAGE_ERRNOS:
                click.echo(f"错误：{storage_error(exc, resolve_root(ctx.obj.get('root'))).message}", err=True)
                _exit(ExitCode.STORAGE)
            click.echo(readable(traceback.format_exc()), err=True)
            click.echo("内部错误：daiban 遇到了意外情况（见上方的错误跟踪），请把以上信息报告给维护人员。", err=True)
            _exit(ExitCode.INTERNAL)


@click.group(cls=DaibanGroup, context_settings=CONTEXT)
@click.option("--root", type=click.Path(path_type=Path), default=None,
              help="数据根目录（默认 $DAIBAN_ROOT，否则 ./daiban-data）")
@click.option("--actor", default=None, help="操作人（默认 $DAIBAN_USER，否则系统用户）")
@click.pass_context
def main(ctx, root, actor):
    """daiban：投资项目“全代办”案件与“一事一档”档案管理。"""
    ctx.ensure_object(dict)
    ctx.obj.update(root=root, actor=actor)
    _show_warnings()


@main.command()
@root_option
@click.option("--agency", default="市政务服务中心项目代办服务中心", show_default=True, help="代办机构名称")
@click.option("--short", default="代办", show_default=True, help="机构简称（文号用）")
@click.option("--city", default="", help="所在市")
@click.option("--fonds", default="Z001", show_default=True, help="全宗号")
@click.option("--phone", default=None, help="代办服务电话（印在交给企业的表单上）")
@click.option("--address", default=None, help="代办机构地址")
@click.option("--report-email", default=None, help="政企互动情况统计表的报送邮箱")
@click.option("--group", default="", help="可读取档案的用户组（默认只有所有者可读）")
@click.option("--self-signed-cert", is_flag=True,
              help="生成自签名的签名密钥和证书，用于试用移交档案的数字签名（仅供试用）")
def init(agency, short, city, fonds, phone, address, report_email, group, self_signed_cert):
    """初始化数据根目录（设置、目录库、文件夹）；未给出的机构信息在终端上会询问。"""
    from archive.casework.agency import new_archive, unset_agency_settings
    from archive.catalog.session import resolve_actor
    from archive.dataroot.settings import Agency

    obj = click.get_current_context().obj
    asked = {name: _ask(value, label) for name, value, label in
             (("phone", phone, "代办服务电话"), ("address", address, "代办机构地址"),
              ("report_email", report_email, "政企互动统计报送邮箱"))}
    facts = Agency(name=agency, short=short, city=city, fonds=fonds, **asked)
    archive = new_archive(resolve_root(obj.get("root")), resolve_actor(obj.get("actor")), facts, group,
                          self_signed_cert)
    click.echo(f"已初始化数据根目录：{archive.root.path}")
    _print_unset(unset_agency_settings(archive.settings.agency))
    archive.close()


def _ask(value: str | None, label: str) -> str:
    """A value given as an option, else asked for on a terminal (empty: set it later)."""
    if value is not None or not sys.stdin.isatty():
        return value or ""
    return click.prompt(f"{label}（可留空，以后用 daiban config set 设置）", default="", show_default=False)


def _print_unset(unset) -> None:
    if unset:
        names = "、".join(f"{s.label}（{s.key}）" for s in unset)
        click.echo(f"尚未设置：{names}。需要这些信息的表单在设置前不会生成；"
                   f"设置方法：daiban config set {unset[0].key} 值")


@main.group(cls=DaibanGroup)
def config():
    """机构设置：查看与修改 daiban.toml 中印在表单上的机构信息。"""


@config.command("show")
@root_option
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def config_show(as_json):
    """列出机构信息（名称、简称、电话、地址、邮箱、全宗号）。"""
    from archive.casework.agency import agency_settings

    settings = agency_settings(_archive())
    if as_json:
        _json(settings)
        return
    _table("机构设置（daiban.toml）", ["设置项", "名称", "值"],
           [[s.key, s.label, s.value or "（未设置）"] for s in settings])


@config.command("set")
@root_option
@click.argument("key")
@click.argument("value")
def config_set(key, value):
    """修改一项机构信息，例如：daiban config set agency.phone 0356-2021888（记入操作日志）。"""
    from archive.casework.agency import change_agency_setting

    changed = change_agency_setting(_archive(), key, value)
    old, new = changed.old or "（未设置）", changed.new or "（未设置）"
    click.echo(f"已设置 {changed.label}（{changed.key}）：{old} → {new}")


# ---------------------------------------------------------------- cases

@main.command("serve")
@root_option
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址（对外服务请放在 HTTPS 反向代理之后）")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="端口")
@click.option("--behind-proxy", is_flag=True,
              help="在 HTTPS 反向代理之后运行：Cookie 仅经 HTTPS 发送，采信代理转发的客户端地址")
def serve_cmd(host, port, behind_proxy):
    """启动网页界面（按 Ctrl-C 停止）：员工、档案员、审计和企业用浏览器登录使用。"""
    from archive.web.server import serve

    root = resolve_root(click.get_current_context().obj.get("root"))
    click.echo(f"daiban 网页界面：http://{host}:{port}/ （数据根目录 {root}；按 Ctrl-C 停止）")
    serve(root, host, port, behind_proxy=behind_proxy)


@main.group(cls=DaibanGroup)
def user():
    """网页界面的用户：添加、角色、密码、停用（管理员、项目长/代办员、档案员、审计、企业）。"""


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码")


ROLE_HELP = "角色：管理员、项目长、代办员、档案员、审计、企业"


@user.command("add")
@root_option
@click.argument("login")
@click.option("--name", required=True, help="姓名（项目长、代办员须与案件中的姓名一致；企业填企业名称）")
@click.option("--role", "role_name", required=True, help=ROLE_HELP)
@click.option("--credit-code", default="", help="企业账户：本企业的统一社会信用代码")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码（脚本用）；否则提示输入")
def user_add(login, name, role_name, credit_code, password_stdin):
    """添加用户。"""
    from archive.base.terms import UserRole
    from archive.casework.users import add_user

    role = UserRole.parse(role_name)  # before the password is asked for
    added = add_user(_archive(), login, name, role, _password(password_stdin), credit_code)
    click.echo(f"已添加用户 {added.login}（{added.name}，{added.role.label}）")


@user.command("list")
@root_option
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def user_list(as_json):
    """列出用户。"""
    from archive.casework.users import list_users

    found = list_users(_archive())
    if as_json:
        _json(found)
        return
    _table("用户", ["用户名", "姓名", "角色", "统一社会信用代码", "创建", "状态"],
           [[u.login, u.name, u.role.label, u.credit_code, u.created[:10], "已停用" if u.disabled else "启用"]
            for u in found])


@user.command("role")
@root_option
@click.argument("login")
@click.argument("role_name", metavar="ROLE")
@click.option("--credit-code", default="", help="改为企业账户时：本企业的统一社会信用代码")
def user_role(login, role_name, credit_code):
    """修改用户的角色。"""
    from archive.casework.users import set_role

    changed = set_role(_archive(), login, role_name, credit_code)
    click.echo(f"用户 {changed.login} 的角色已改为 {changed.role.label}")


@user.command("passwd")
@root_option
@click.argument("login")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码（脚本用）；否则提示输入")
def user_passwd(login, password_stdin):
    """设置用户的密码。"""
    from archive.casework.users import set_password

    set_password(_archive(), login, _password(password_stdin))
    click.echo(f"已设置用户 {login} 的密码")


@user.command("disable")
@root_option
@click.argument("login")
@click.option("--enable", is_flag=True, help="重新启用")
def user_disable(login, enable):
    """停用用户（不能再登录，记录保留），或用 --enable 重新启用。"""
    from archive.casework.users import set_disabled

    changed = set_disabled(_archive(), login, not enable)
    click.echo(f"用户 {changed.login} 已{'启用' if changed.active else '停用'}")


@main.group(cls=DaibanGroup)
def case():
    """案件：立案、查询、项目长变更、恢复、归档。"""


FACT_OPTIONS = [
    ("project_name", "--project-name", "项目名称"), ("unit", "--unit", "项目单位"),
    ("credit_code", "--credit-code", "统一社会信用代码（18位）"), ("project_code", "--project-code", "项目代码"),
    ("project_type", "--project-type", "项目类型：企业投资 / 政府投资"), ("location", "--location", "建设地点"),
    ("scale", "--scale", "建设规模及内容"), ("investment", "--investment", "总投资（万元）"),
    ("funding", "--funding", "资金来源"), ("land", "--land", "用地情况"), ("contact", "--contact", "联系人"),
    ("phone", "--phone", "联系电话"), ("manager", "--manager", "项目长"),
    ("manager_phone", "--manager-phone", "项目长电话"), ("agents", "--agents", "代办员（逗号分隔）"),
]


def fact_options(func):
    """Add one option per project fact."""
    for name, flag, label in reversed(FACT_OPTIONS):
        func = click.option(flag, name, default=None, help=label)(func)
    return func


@case.command("new")
@root_option
@fact_options
@click.option("--from", "from_file", type=click.Path(path_type=Path), help="从 TOML 文件读取项目信息（中英文键均可）")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def case_new(from_file, as_json, **facts):
    """立案：登记项目信息，生成案件编号。"""
    from archive.casework.cases import open_case
    from archive.casework.facts import read_facts_file

    raw = read_facts_file(from_file) if from_file else {}
    raw.update({k: v for k, v in facts.items() if v is not None})
    created = open_case(_archive(), raw)
    if as_json:
        _json(created)
    else:
        click.echo(f"已立案：{created.case_no}  {created.facts.project_name}（状态：{created.status}）")


@case.command("list")
@root_option
@click.option("--status", type=click.Choice([s.value for s in CaseStatus]), help="按状态筛选")
@click.option("--manager", help="按项目长筛选")
@click.option("--year", type=int, help="按年度筛选")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def case_list(status, manager, year, as_json):
    """列出案件。"""
    from archive.casework.cases import list_cases

    found = list_cases(_archive(), status, manager, year)
    if as_json:
        _json(found)
        return
    _table(f"案件（{len(found)} 件）", ["案件编号", "项目名称", "项目单位", "项目长", "状态", "立案时间"],
           [[c.case_no, c.facts.project_name, c.facts.unit, c.facts.manager, c.status, c.opened[:10]]
            for c in found])


@case.command("show")
@root_option
@click.argument("case_no")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def case_show(case_no, as_json):
    """查看案件：项目信息、状态、审批事项、文件、近期事件、下一步所缺。"""
    from archive.casework.cases import show_case

    view = show_case(_archive(), case_no)
    if as_json:
        matters = [dataclasses.asdict(m) | {"planned": view.planned[m.id]} for m in view.matters]
        _json({"case": view.case, "people": view.people, "matters": matters,
               "items": [_item_json(item) for item in view.items],
               "documents": view.documents, "events": view.events, "next": view.needs})
        return
    _print_case(view)


def _planned(due) -> str:
    if due is None:
        return ""
    return f"{due.day}（估算）" if due.estimated else str(due.day)


def _item_json(item) -> dict:
    files = [dataclasses.asdict(f) | {"rendition": f.rendition} for f in item.files]
    return {"item_no": item.item_no, "title": item.title, "category": item.category, "form_id": item.form_id,
            "version": item.version, "state": item.state, "main": item.main.id, "files": files}


def _print_case(view) -> None:
    from archive.casework.facts import labelled_facts

    out = _out()
    found = view.case
    out.print(f"[bold]{found.case_no}  {found.facts.project_name}[/bold]    状态：[bold]{found.status}[/bold]"
              + (f"（中止情形 {found.suspend_code}：{found.suspend_reason}）" if found.suspend_code else ""))
    for label, value in labelled_facts(found.facts):
        out.print(f"  {label}：{value}")
    former = [p for p in view.people if p.until]
    if former:
        out.print("  历任：" + "；".join(f"{p.role} {p.name}（{p.since[:10]}–{p.until[:10]}）" for p in former))
    if view.matters:
        _table("审批事项（销号）", ["编号", "阶段", "事项", "审批部门", "时限(工作日)", "申报", "受理", "计划办结",
                                  "实际办结", "办理结果", "状态"],
               [[m.id, m.stage, m.name + (f"（并联：{m.parallel_group}）" if m.parallel_group else ""),
                 f"{m.level} {m.dept}", m.time_limit or "", m.submitted or "", (m.accepted or "")[:10],
                 _planned(view.planned[m.id]), (m.done or "")[:10], _item_ref(m.result_item), m.status]
                for m in view.matters])
    for cat in CATEGORIES:
        found = [item for item in view.items if item.category == cat.name]
        if found:
            _table(f"{cat.folder}", ["件号", "题名", "表单", "版本", "文件（件内各稿）", "页数", "状态"],
                   [[f"{i.item_no:04d}", i.title, i.form_id or "", i.version or "",
                     "、".join(f.rendition for f in i.files), i.main.pages or "",
                     i.state.label if i.state == DocState.WITHDRAWN else ""] for i in found])
    if view.events:
        _table("近期事件", ["#", "时间", "操作人", "事件"],
               [[e.seq, e.ts[:19].replace("T", " "), e.actor, e.label] for e in view.events])
    if view.needs:
        out.print("[bold]下一步所需：[/bold]")
        for need in view.needs:
            out.print(f"  {need.step}：{need.text}")


@case.command("manager")
@root_option
@click.argument("case_no")
@click.argument("name")
@click.option("--phone", default="", help="新项目长电话")
def case_manager(case_no, name, phone):
    """变更项目长（原项目长留档，不覆盖）。"""
    from archive.casework.cases import change_manager

    changed = change_manager(_archive(), case_no, name, phone)
    click.echo(f"案件 {changed.case_no} 项目长已变更为 {changed.facts.manager}")


@case.command("resume")
@root_option
@click.argument("case_no")
@click.option("--note", required=True, help="中止情形如何消除")
def case_resume(case_no, note):
    """恢复中止的案件（中止 → 办理）。"""
    from archive.casework.steps import resume_case

    resume_case(_archive(), case_no, note)
    click.echo(f"案件 {case_no} 已恢复办理")


@case.command("archive")
@root_option
@click.argument("case_no")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def case_archive(case_no, as_json):
    """归档（封卷）：办结或终止的案件经校验和完整性检查后，按归档顺序编件号和档号，此后只能补充。"""
    from archive.casework.sealing import seal_case

    sealed = seal_case(_archive(), case_no)
    if as_json:
        _json(sealed)
        return
    click.echo(f"案件 {case_no} 已归档，共 {len(sealed.references)} 件；事件链头 {sealed.head}")
    _table("档号", ["件号（归档）", "件号（办理）", "档号"], [[n, f"{i:04d}", ref] for i, n, ref in sealed.references])


class BuildByDefault(DaibanGroup):
    """A group whose first argument, when it names no subcommand, is a case for its default command."""

    default = "build"

    def resolve_command(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = [self.default, *args]
        return super().resolve_command(ctx, args)


class ShowByDefault(BuildByDefault):
    """`daiban ledger CASE` shows the case's ledger."""

    default = "show"


@main.group(cls=ShowByDefault)
def ledger():
    """台账（工作日志）：daiban ledger CASE 显示案件的台账；daiban ledger add 记一笔。"""


@ledger.command("show")
@root_option
@click.argument("case_no")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def ledger_show(case_no, as_json):
    """显示案件台账：立案、归档、状态变更、事项办理、逾期的时限和手记的工作，按时间排列。"""
    from archive.casework.ledger import case_ledger

    lines = case_ledger(_archive(), case_no)
    if as_json:
        _json(lines)
        return
    _table(f"{case_no} 台账", ["#", "时间", "内容", "完成许可事项情况", "类别", "记录人"],
           [[n, line.day, line.content, line.result, line.kind, line.actor] for n, line in enumerate(lines, 1)])


@ledger.command("add")
@root_option
@click.argument("case_no")
@click.argument("text")
@click.option("--kind", default="其他", show_default=True, help="类别：咨询、催办、督办、协调、补正、踏勘、沟通、其他")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), help="日期 YYYY-MM-DD（默认今天）")
def ledger_add(case_no, text, kind, on):
    """在案件台账中记一笔（咨询、催办、协调等手工记录），记入事件日志。"""
    from archive.casework.ledger import add_ledger

    line = add_ledger(_archive(), case_no, text, kind, on.date() if on else None)
    click.echo(f"已记入台账：{line.day} {line.content}")


@main.group(cls=BuildByDefault)
def dossier():
    """移交档案：daiban dossier CASE 生成交给企业的案卷 PDF（封面、卷内目录、页号、归档章、备考表）。"""


@dossier.command("build")
@root_option
@click.argument("case_no")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), help="输出文件夹（默认 exports/dossiers/案件编号/）")
@click.option("--include-internal", is_flag=True, help="连同内部材料（研判表、台账、评价、建议表）一并入卷")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def dossier_build(case_no, out_dir, include_internal, as_json):
    """生成案件的移交档案 PDF（按归档顺序入卷，记入操作日志）。"""
    from archive.outputs.dossier import build_dossier

    built = build_dossier(_archive(), case_no, out_dir, include_internal)
    if as_json:
        _json(built)
        return
    click.echo(f"已生成移交档案：{built.pdf}（{len(built.entries)} 件，共 {built.pages} 页，"
               f"sha256 {built.sha256[:12]}…）")
    click.echo(f"移交包（BagIt）：{built.package}（sha256 {built.package_sha256[:12]}…）")
    _table("卷内目录", ["序号", "件号", "题名", "入卷文件", "页号", "页数"],
           [[e.seq, f"{e.item_no:04d}", e.title, e.rendition, e.start, e.pages] for e in built.entries])
    for line in built.left_out:
        click.echo(f"未入卷：{line}")


@dossier.command("verify")
@click.argument("zip_path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def dossier_verify(zip_path, as_json):
    """校验移交包（企业收到后也可用任何 BagIt 工具校验）：逐个文件核对 sha256，列出不符者。"""
    from archive.outputs.package import check_package

    checked = check_package(zip_path)
    if as_json:
        sig = checked.signature
        _json({"ok": checked.ok, "files": checked.files, "info": checked.info, "problems": checked.problems,
               "signature": None if sig is None else dataclasses.asdict(sig) | {"ok": sig.ok}})
    else:
        for p in checked.problems:
            click.echo(f"不符：{p.path}：{p.message}")
        sig = checked.signature
        if sig is not None:
            click.echo("移交档案未加数字签名" if not sig.signed else
                       f"数字签名：{'有效' if sig.ok else '无效'}（签名人：{sig.signer}）")
        verdict = "校验通过" if checked.ok else f"校验未通过：{len(checked.problems)} 个问题"
        click.echo(f"{verdict}（{checked.info.get('External-Identifier', '')}，包内文件 {checked.files} 个）")
    if not checked.ok:
        _exit(ExitCode.INTEGRITY)


@main.group()
def calendar():
    """工作日日历：法定节假日与调休（内置数据到 2026 年，此后的年份由机构按国务院公布的安排添加）。"""


@calendar.command("show")
@root_option
@click.argument("year", type=click.IntRange(2004, 2100))
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def calendar_show(year, as_json):
    """显示某年的放假日（周一至周五）和调休上班日（周末），以及数据来源。"""
    from archive.casework.workcalendar import show_year

    view = show_year(_archive(), year)
    if as_json:
        _json(view)
        return
    click.echo(f"{view.year} 年：{view.source}，工作日 {view.workdays} 天")
    click.echo("放假（工作日）：" + ("、".join(f"{d:%m-%d}" for d in view.days_off) or "无"))
    click.echo("调休上班（周末）：" + ("、".join(f"{d:%m-%d}" for d in view.make_up) or "无"))


@calendar.command("add-year")
@root_option
@click.argument("year", type=click.IntRange(2004, 2100))
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--replace", is_flag=True, help="替换 calendar.toml 中已有的该年安排")
def calendar_add_year(year, source, replace):
    """添加一年的节假日安排（TOML 文件，含 [年份] 一节：days_off 放假日期，make_up 调休上班日），校验后记入日志。"""
    from archive.casework.workcalendar import add_year

    view = add_year(_archive(), year, source, replace)
    click.echo(f"已添加 {view.year} 年的节假日安排：放假 {len(view.days_off)} 个工作日，"
               f"调休上班 {len(view.make_up)} 个周末日，全年工作日 {view.workdays} 天")


@main.group()
def report():
    """汇总报表。"""


@report.command("quarter")
@root_option
@click.argument("quarter")
@click.option("--xlsx", "xlsx_path", type=click.Path(path_type=Path, dir_okay=False),
              help="同时写出 Excel 工作簿（.xlsx，含图表）")
@click.option("--form", "with_form", is_flag=True,
              help="同时生成本季度《政企互动情况统计表》归入机构文件（填报人等用 --set 给出）")
@form_values
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def report_quarter(quarter, xlsx_path, with_form, sets, data_file, as_json):
    """季度汇总（如 2026Q4）：案件状态、各项目长的案件、受理至办结的工作日、逾期的时限、中止情形、
    政企互动活动、服务评价。"""
    from archive.outputs.context import read_form_values
    from archive.outputs.quarterly import quarter_report

    values = read_form_values(data_file, list(sets)) if with_form else None
    found = quarter_report(_archive(), quarter, xlsx_path, form=values)
    if as_json:
        _json(found)
        return
    click.echo(f"{found.quarter.label}：立案 {found.opened} 件，办结 {found.completed} 件")
    _table("案件状态", ["状态", "案件数"], [list(r) for r in found.by_status])
    _table("项目长", ["项目长", "案件数", "在办"], [list(r) for r in found.by_manager])
    _table("受理至办结", ["案件", "项目长", "受理", "办结", "工作日"],
           [[d.case_no, d.manager, d.accepted, d.completed, f"{d.workdays}{'（估算）' if d.estimated else ''}"]
            for d in found.durations])
    _table("逾期的时限", ["时限", "逾期次数"], [list(r) for r in found.overdue])
    _table("中止情形", ["中止情形", "次数"], [list(r) for r in found.suspensions])
    _print_interactions(f"政企互动活动（{len(found.interactions)} 次）", found.interactions)
    _table("服务评价", ["评价对象", "评价内容", *RATINGS],
           [[r.subject, r.aspect, *r.counts] for r in found.ratings])
    if found.form:
        _print_generated([found.form])
    if found.xlsx:
        click.echo(f"工作簿：{found.xlsx}")


def _print_interactions(title: str, found) -> None:
    _table(title, ["时间", "地点", "参加企业", "活动内容", "备注"],
           [[a.day, a.place, a.companies, a.content, a.note] for a in found])


@main.group()
def interaction():
    """政企互动活动（机构层面）：记录、按季度查看；季度统计表由 report quarter --form 生成。"""


@interaction.command("add")
@root_option
@click.option("--date", "on", required=True, type=click.DateTime(["%Y-%m-%d"]), help="活动日期 YYYY-MM-DD")
@click.option("--place", required=True, help="活动地点")
@click.option("--companies", required=True, help="参加企业")
@click.option("--content", required=True, help="活动内容")
@click.option("--note", default="", help="备注")
def interaction_add(on, place, companies, content, note):
    """记录一次已开展的政企互动活动（座谈、走访、政策宣讲等）。"""
    from archive.casework.interactions import add_interaction

    added = add_interaction(_archive(), on.date(), place, companies, content, note)
    click.echo(f"已记录政企互动活动：{added.day} {added.place}，{added.companies}")


@interaction.command("list")
@root_option
@click.argument("quarter")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def interaction_list(quarter, as_json):
    """列出一个季度（如 2026Q4）的政企互动活动。"""
    from archive.casework.interactions import list_interactions

    found = list_interactions(_archive(), quarter)
    if as_json:
        _json(found)
        return
    _print_interactions(f"{quarter} 政企互动活动", found)


RATING = click.Choice(RATINGS)


@main.group()
def evaluate():
    """服务评价（双向）：项目单位评价代办服务，代办员评价审批部门服务。"""


@evaluate.command("enterprise")
@root_option
@click.argument("case_no")
@click.option("--attitude", type=RATING, help="代办机构及代办员：服务态度")
@click.option("--efficiency", type=RATING, help="代办机构及代办员：办事效率")
@click.option("--quality", type=RATING, help="代办机构及代办员：服务质量")
@click.option("--dept-attitude", type=RATING, help="审批部门及窗口工作人员：服务态度")
@click.option("--dept-efficiency", type=RATING, help="审批部门及窗口工作人员：办事效率")
@click.option("--dept-quality", type=RATING, help="审批部门及窗口工作人员：服务质量")
@click.option("--method", default="书面评价", show_default=True,
              type=click.Choice(EVALUATION_METHODS), help="评价方式")
@click.option("--comments", default="", help="意见和建议")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), help="评价日期 YYYY-MM-DD（默认今天）")
def evaluate_enterprise(case_no, attitude, efficiency, quality, dept_attitude, dept_efficiency, dept_quality,
                        method, comments, on):
    """记录项目单位在《代办服务评价意见单》上的评价。"""
    from archive.casework.evaluations import record_enterprise_evaluation

    ratings = {"agent_attitude": attitude, "agent_efficiency": efficiency, "agent_quality": quality,
               "dept_attitude": dept_attitude, "dept_efficiency": dept_efficiency, "dept_quality": dept_quality}
    done = record_enterprise_evaluation(_archive(), case_no, ratings, method, comments, on.date() if on else None)
    click.echo(f"已记录项目单位评价（{done.day}，{done.method}）：" + "、".join(done.ratings.values()))


@evaluate.command("dept")
@root_option
@click.argument("case_no")
@click.argument("dept")
@click.option("--attitude", type=RATING, help="服务态度")
@click.option("--efficiency", type=RATING, help="办事效率")
@click.option("--quality", type=RATING, help="服务质量")
@click.option("--comments", default="", help="意见和建议")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), help="评价日期 YYYY-MM-DD（默认今天）")
def evaluate_dept(case_no, dept, attitude, efficiency, quality, comments, on):
    """代办员评价一个审批部门在本案中的服务（须为本案审批事项的审批部门）。"""
    from archive.casework.evaluations import record_department_evaluation

    ratings = {"attitude": attitude, "efficiency": efficiency, "quality": quality}
    done = record_department_evaluation(_archive(), case_no, dept, ratings, comments, on.date() if on else None)
    click.echo(f"已记录对{done.dept}的评价（{done.day}）：" + "、".join(done.ratings.values()))


@evaluate.command("list")
@root_option
@click.argument("case_no", required=False)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def evaluate_list(case_no, as_json):
    """列出服务评价（某一案件，或全部）。"""
    from archive.casework.evaluations import list_evaluations

    found = list_evaluations(_archive(), case_no)
    if as_json:
        _json(found)
        return
    _table("服务评价", ["案件", "日期", "评价人", "评价对象", "评价", "意见和建议"],
           [[e.case_no, e.day, "项目单位" if e.by_enterprise else e.actor, "代办服务" if e.by_enterprise else e.dept,
             "、".join(e.ratings.values()), e.comments] for e in found])


@main.command("due")
@root_option
@click.option("--days", type=click.IntRange(0, 366), default=14, show_default=True, help="列出今后多少天内到期的事项")
@click.option("--overdue", "overdue_only", is_flag=True, help="只列出已逾期的")
@click.option("--manager", help="只列出某位项目长的案件")
@click.option("--ics", "ics_path", type=click.Path(path_type=Path, dir_okay=False),
              help="同时写出日历文件（.ics），可导入任何日历软件")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def due_cmd(days, overdue_only, manager, ics_path, as_json):
    """到期事项：已逾期和即将到期的时限（按中国法定工作日计算），按日期排列。"""
    from archive.casework.deadlines import due
    from archive.outputs.ics import due_calendar

    archive = _archive()
    listing = (due_calendar(archive, ics_path, days, overdue_only, manager) if ics_path
               else due(archive, days, overdue_only, manager))
    if as_json:
        _json({"today": listing.today, "unknown_years": listing.unknown_years,
               "deadlines": [dataclasses.asdict(d) | {"estimated": d.estimated, "overdue": d.overdue(listing.today)}
                             for d in listing.deadlines]})
        return
    _table(f"到期事项（{listing.today} 起 {days} 天内及已逾期）", ["到期日", "状态", "案件", "项目长", "事项", "依据"],
           [[f"{d.due}{'（估算）' if d.estimated else ''}", _due_state(d.due, listing.today), d.case_no or "机构",
             d.manager, d.what, d.basis] for d in listing.deadlines])
    for year in listing.unknown_years:
        click.echo(f"注意：{year} 年的节假日安排尚无数据，标“估算”的日期只按周末计算；国务院公布后请运行 "
                   f"daiban calendar add-year {year} 文件")
    if ics_path:
        click.echo(f"日历文件：{ics_path}（{len(listing.deadlines)} 项）")


def _due_state(day, today) -> str:
    if day < today:
        return f"逾期 {(today - day).days} 天"
    return "今天到期" if day == today else f"还有 {(day - today).days} 天"


@main.command("audit")
@root_option
@click.argument("case_no", required=False)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def audit_cmd(case_no, as_json):
    """完整性检查：按案件当前状态列出应有而缺少的材料（签署件、事项、文字识别、待审核、文件完好）。"""
    from archive.casework.audit import audit

    results = audit(_archive(), case_no)
    if as_json:
        _json([{"case_no": a.case_no, "status": a.status, "ok": a.ok, "missing": a.missing} for a in results])
    else:
        for a in results:
            click.echo(f"{a.case_no}（{a.status}）：" + ("齐全" if a.ok else f"缺 {len(a.missing)} 项"))
            for m in a.missing:
                click.echo(f"  - {m.text}")
    if not all(a.ok for a in results):
        _exit(ExitCode.INTEGRITY)


# ---------------------------------------------------------------- matters

@main.group(cls=DaibanGroup)
def matter():
    """审批事项：按阶段管理（待办 → 已受理 → 已办结）。"""


@main.group("catalog")
def catalog_group():
    """事项库：审批事项的阶段、层级、部门、法定时限、办理条件、申请材料等（数据根目录的 matters.toml）。"""


@catalog_group.command("check")
@root_option
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def catalog_check(as_json):
    """校验事项库，列出尚未填写的内容（审批部门、法定时限、办理条件、申请材料、份数等）；有缺项时退出码 11。"""
    from archive.casework.matterlibrary import check_library

    checked = check_library(_archive())
    if as_json:
        _json(dataclasses.asdict(checked) | {"ok": checked.ok})
    else:
        where = (f"内置初始目录 {checked.path}（只读；新建的数据根目录自带可编辑的副本）" if checked.builtin
                 else str(checked.path))
        click.echo(f"事项库：{where}；事项 {checked.matters} 个，材料 {checked.materials} 种")
        for line in checked.gaps:
            click.echo(f"缺项：{line}")
        click.echo("校验通过，无缺项" if checked.ok else f"格式正确；{len(checked.gaps)} 处缺项，请按本地事项清单补全")
    if not checked.ok:
        _exit(ExitCode.INTEGRITY)


@catalog_group.command("list")
@root_option
@click.option("--stage", help="只列出某一阶段")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def catalog_list(stage, as_json):
    """列出事项库中的审批事项。"""
    from archive.casework.matterlibrary import library_matters
    from archive.casework.matters import parse_stage

    found = library_matters(_archive(), parse_stage(stage) if stage else None)
    if as_json:
        _json(found)
        return
    _table("事项库", ["阶段", "事项", "层级", "审批部门", "时限(工作日)", "材料数", "并联"],
           [[m.stage, m.name, m.level, m.dept, m.time_limit or "", len(m.materials),
             {True: "是", False: "否", None: ""}[m.parallel]] for m in found])


@catalog_group.command("show")
@root_option
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def catalog_show(name, as_json):
    """显示一个事项：办理条件、申请材料（原件/复印件、份数、类别）、中介服务、费用。"""
    from archive.casework.matterlibrary import library_entry

    entry = library_entry(_archive(), name)
    if as_json:
        _json(entry)
        return
    m = entry.matter
    for label, value in (("事项", m.name), ("阶段", m.stage), ("层级", m.level), ("审批部门", m.dept),
                         ("法定时限", f"{m.time_limit} 个工作日" if m.time_limit else ""), ("办理条件", m.conditions),
                         ("中介服务环节", m.intermediary), ("需缴纳费用", m.fees),
                         ("可否并联", {True: "是", False: "否", None: ""}[m.parallel]), ("出处", m.source)):
        click.echo(f"{label}：{value or '（未填）'}")
    _table("申请材料", ["材料", "类别", "原件/复印件", "份数", "说明"],
           [[x.name, x.kind, x.form, x.copies or "", x.note] for x in entry.materials])


@matter.command("add")
@root_option
@click.argument("case_no")
@click.option("--name", required=True, help="事项名称（事项库中的事项只需名称，其余取自事项库）")
@click.option("--stage", help="审批阶段：立项 / 工程 / 施工 / 竣工（或 1-4）")
@click.option("--level", help="审批层级：市级 / 县级 / 省级")
@click.option("--dept", help="审批部门")
@click.option("--liaison", default="", help="审批联络员")
@click.option("--days", "time_limit", type=int, help="办理时限（工作日）")
@click.option("--parallel/--no-parallel", default=None, help="并联审批（默认取自事项库）")
@click.option("--group", default="", help="并联组名称：同组事项并联办理")
@click.option("--no-assist", is_flag=True, help="跨层级事项不自动生成协办单")
def matter_add(case_no, name, stage, level, dept, liaison, time_limit, parallel, group, no_assist):
    """添加审批事项：事项库中的事项按名称添加，未列入的事项须给出阶段、层级和审批部门；
    同阶段中层级更高的事项自动生成协办单（本级审批完成后 1 个工作日内推送）。"""
    from archive.outputs.assist import add_matter_with_assist

    added = add_matter_with_assist(_archive(), case_no, name, stage=stage, level=level, dept=dept, liaison=liaison,
                                   time_limit=time_limit, parallel=parallel, group=group, assist=not no_assist)
    m = added.matter
    limit = f"，时限 {m.time_limit} 个工作日" if m.time_limit else ""
    click.echo(f"已添加事项 {m.id}：{m.stage} {m.name}（{m.level} {m.dept}{limit}"
               + (f"，并联组 {m.parallel_group}" if m.parallel_group else "") + "）")
    _print_assists(added.assists)
    if added.assist_error:
        click.echo(f"警告：协办单未能生成：{added.assist_error}；处理后运行 daiban matter assist {case_no}", err=True)


def _print_assists(assists) -> None:
    for upper, made in assists:
        click.echo(f"已生成协办单（第 {made.docx.item_no:04d} 件，{made.doc_no}）：向{upper.dept}推送“{upper.name}”，"
                   "本级审批完成后 1 个工作日内推送")


@matter.command("assist")
@root_option
@click.argument("case_no")
def matter_assist(case_no):
    """为同阶段中层级更高、尚无协办单的事项生成协办单。"""
    from archive.outputs.assist import prepare_assists

    made = prepare_assists(_archive(), case_no)
    _print_assists(made)
    if not made:
        click.echo("没有需要生成协办单的跨层级事项")


@matter.command("list")
@root_option
@click.argument("case_no")
@click.option("--stage", help="只列出某一阶段")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def matter_list(case_no, stage, as_json):
    """列出案件的审批事项。"""
    from archive.casework.matters import list_matters

    items = list_matters(_archive(), case_no, stage)
    if as_json:
        _json(items)
        return
    _table(f"{case_no} 审批事项", ["编号", "阶段", "事项", "层级", "审批部门", "时限(工作日)", "并联", "申报", "协办单",
                                "办理结果", "状态"],
           [[m.id, m.stage, m.name, m.level, m.dept, m.time_limit, m.parallel_group or ("是" if m.parallel else ""),
             m.submitted or "", _item_ref(m.assist_item), _item_ref(m.result_item), m.status] for m in items])


def _item_ref(item_no: int | None) -> str:
    return f"第{item_no:04d}件" if item_no else ""


def _matter_date_option(label: str):
    return click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), help=f"{label} YYYY-MM-DD（默认今天）")


@matter.command("submit")
@root_option
@click.argument("case_no")
@click.argument("matter_id", type=int)
@_matter_date_option("申报日期")
def matter_submit(case_no, matter_id, on):
    """事项已向审批部门申报（跨层级事项：已连同协办单推送）。"""
    from archive.casework.matters import submit_matter

    done = submit_matter(_archive(), case_no, matter_id, on.date() if on else None)
    click.echo(f"事项 {done.id} {done.name}：{done.submitted} 已申报")


@matter.command("accept")
@root_option
@click.argument("case_no")
@click.argument("matter_id", type=int)
@_matter_date_option("受理日期")
def matter_accept(case_no, matter_id, on):
    """事项已被审批部门受理（办理时限自受理日起按工作日计算）。"""
    from archive.casework.matters import accept_matter

    done = accept_matter(_archive(), case_no, matter_id, on.date() if on else None)
    click.echo(f"事项 {done.id} {done.name}：{done.status}")


@matter.command("done")
@root_option
@click.argument("case_no")
@click.argument("matter_id", type=int)
@_matter_date_option("办结日期")
@click.option("--result", "result_item", type=int, help="办理结果（批复、证照）在本案中的件号")
def matter_done(case_no, matter_id, on, result_item):
    """事项办结（销号），可同时指明其办理结果的件号。"""
    from archive.casework.matters import finish_matter

    done = finish_matter(_archive(), case_no, matter_id, on.date() if on else None, result_item)
    click.echo(f"事项 {done.id} {done.name}：{done.status}"
               + (f"，办理结果 {_item_ref(done.result_item)}" if done.result_item else ""))


@matter.command("result")
@root_option
@click.argument("case_no")
@click.argument("matter_id", type=int)
@click.argument("item_no", type=int)
def matter_result(case_no, matter_id, item_no):
    """指明事项的办理结果：已归入“批复证照”类的件号。"""
    from archive.casework.matters import record_result

    done = record_result(_archive(), case_no, matter_id, item_no)
    click.echo(f"事项 {done.id} {done.name}：办理结果 {_item_ref(done.result_item)}")


# ---------------------------------------------------------------- the case file

@main.command("file")
@root_option
@click.argument("case_no")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--category", help="档案类别：" + "、".join(f"{c.code}={c.name}" for c in CATEGORIES))
@click.option("--title", help="题名（默认取表单名称或文件名）")
@click.option("--form", "form_id", help="表单编号（见 daiban forms list）")
@click.option("--signed", is_flag=True, help="签署件：推进该表单所证明的案件状态")
@click.option("--date", "doc_date", type=click.DateTime(["%Y-%m-%d"]), help="文件日期 YYYY-MM-DD")
@click.option("--doc-no", default="", help="文号")
@click.option("--author", default="", help="责任者")
@click.option("--reason", "reason_code", type=click.IntRange(1, 7),
              help="中止情形 1-7：" + "；".join(f"{k}.{v}" for k, v in SUSPEND_REASONS.items()))
@click.option("--supplement", default="", help="向已归档案件补充文件的原因（补充件编在卷末，留痕）")
@click.option("--meeting", "meeting_id", type=int, help="归入该编号的会议（会议纪要、照片等）")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def file_cmd(case_no, paths, category, title, form_id, signed, doc_date, doc_no, author, reason_code, supplement,
             meeting_id, as_json):
    """将文件归入案件（一事一档），记录 sha256、页数、版本。"""
    from archive.casework.filing import file_paths

    result = file_paths(_archive(), case_no, list(paths), category=category, title=title, form_id=form_id,
                        signed=signed, doc_date=doc_date.date() if doc_date else None, doc_no=doc_no,
                        author=author, reason_code=reason_code, supplement=supplement, meeting_id=meeting_id)
    if as_json:
        _json({"documents": result.documents, "status": result.status_after})
        return
    for d in result.documents:
        click.echo(f"已归档 件号{d.item_no:04d}：{d.path}（{d.pages or '-'} 页，sha256 {d.sha256[:12]}…）")
    if result.status_after != result.status_before:
        click.echo(f"案件 {case_no} 状态：{result.status_before} → {result.status_after}")


@main.command("withdraw")
@root_option
@click.argument("case_no")
@click.argument("item_no", type=int)
@click.option("--reason", required=True, help="撤回原因")
def withdraw_cmd(case_no, item_no, reason):
    """撤回一件（连同其全部文件；文件保留并留痕，不再作为现行文件）。"""
    from archive.casework.filing import withdraw_item

    files = withdraw_item(_archive(), case_no, item_no, reason)
    click.echo(f"已撤回 件号{item_no:04d}：{files[0].title}（{len(files)} 个文件）")


@main.command("log")
@root_option
@click.argument("case_no", required=False)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def log_cmd(case_no, as_json):
    """查看事件日志（全程留痕）；不指定案件则为全库。"""
    from archive.casework.cases import case_log

    found = case_log(_archive(), case_no)
    if as_json:
        _json(found)
        return
    _table(f"事件日志 {case_no or '全库'}", ["#", "时间", "操作人", "事件", "详情"],
           [[e.seq, e.ts[:19].replace("T", " "), e.actor, e.label, e.summary] for e in found])


@main.command("verify")
@root_option
@click.argument("case_no", required=False)
@click.option("--head", "anchor", metavar="序号:哈希",
              help="保存在库外的事件链头（此前 verify 打印的），用以证明其前的事件未被改写")
@click.option("--report", "report_path", type=click.Path(path_type=Path, dir_okay=False),
              help="同时做四性检测（DA/T 70-2018，归档与移交环节），报告写入此文件（.html 或 .pdf）")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def verify_cmd(case_no, anchor, report_path, as_json):
    """校验：文件与目录、sha256、事件日志与目录一致；--report 另做四性检测并写出报告。有问题时退出码非零。"""
    from archive.catalog.verify import verify
    from archive.outputs.fourchecks import four_checks

    checked = four_checks(_archive(), report_path, case_no, anchor) if report_path else None
    report = checked.verified if checked else verify(_archive(), case_no, anchor)
    if as_json:
        found = {"ok": report.ok, "documents": report.documents, "files": report.files, "events": report.events,
                 "head": report.head, "problems": report.problems, "notes": report.notes}
        if checked:
            found["four_checks"] = {"report": str(checked.path), "ok": checked.report.ok,
                                    "items": checked.report.lines}
        _json(found)
    else:
        for f in report.problems:
            click.echo(f"问题 [{f.code}] {f.where}：{f.message}")
        for f in report.notes:
            click.echo(f"说明 [{f.code}] {f.where}：{f.message}")
        verdict = "校验通过" if report.ok else f"校验未通过：{len(report.problems)} 个问题"
        click.echo(f"{verdict}（{report.items} 件，文件 {report.documents} 个，磁盘文件 {report.files} 个，"
                   f"事件 {report.events} 条）")
        click.echo(f"事件链头：{report.head}（请另行保存，日后用 daiban verify --head 证明其前的记录未被改写）")
        if checked:
            _echo_four_checks(checked.report, checked.path)
    if not report.ok or (checked and not checked.report.ok):
        _exit(ExitCode.INTEGRITY)


def _echo_four_checks(report, path: Path) -> None:
    _table("四性检测（DA/T 70-2018）", ["环节", "编号", "检测项目", "结果"],
           [[line.stage, line.item, f"{line.aspect}·{line.name}", line.outcome.value] for line in report.lines])
    counts = "，".join(f"{o.value} {n} 项" for o, n in report.counts.items())
    click.echo(f"四性检测报告：{path}（{counts}）")


@main.command("backup")
@root_option
@click.argument("dest", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def backup_cmd(dest, as_json):
    """备份：在归档进行中也能得到一致的副本（目录库、所引用的全部文件、sha256 清单、事件链头）。"""
    from archive.custody.backup import backup

    archive = _archive()
    bar, progress = _count_progress("复制文件")
    with bar:
        report = backup(archive, dest, progress)
    if as_json:
        _json(report)
        return
    click.echo(f"已备份到 {report.dest}：案件 {report.cases} 件，文件 {report.documents} 件，"
               f"共 {report.files} 个文件 {report.bytes / 1e6:.1f} MB")
    click.echo(f"事件链头：{report.head}（清单 manifest-sha256.txt 可用 sha256sum -c 校验）")


@main.command("restore")
@root_option
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("target", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def restore_cmd(src, target, as_json):
    """由备份恢复到新的数据根目录：先核对每个文件的 sha256，恢复后校验、重建索引。"""
    from archive.catalog.session import resolve_actor
    from archive.custody.backup import restore

    bar, progress = _count_progress("恢复文件")
    with bar:
        report = restore(src, target, resolve_actor(click.get_current_context().obj.get("actor")), progress)
    if as_json:
        _json({"root": report.root, "files": report.files, "head": report.head, "ok": report.verified.ok,
               "problems": report.verified.problems, "indexed": report.indexed})
    else:
        click.echo(f"已恢复到 {report.root}：{report.files} 个文件，索引 {report.indexed} 件")
        verdict = "校验通过" if report.verified.ok else f"校验未通过：{len(report.verified.problems)} 个问题"
        click.echo(f"{verdict}；事件链头与备份记录一致：{report.head}" if report.verified.ok else verdict)
        for f in report.verified.problems:
            click.echo(f"问题 [{f.code}] {f.where}：{f.message}")
    if not report.verified.ok:
        _exit(ExitCode.INTEGRITY)


# ---------------------------------------------------------------- forms

@main.group(cls=DaibanGroup)
def forms():
    """表单目录：列出、查看、检查模板。"""


@forms.command("list")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def forms_list(as_json):
    """列出全部表单。"""
    from docgen.catalog import load_catalog

    specs = list(load_catalog().forms.values())
    if as_json:
        _json(specs)
        return
    _table(f"表单（{len(specs)} 种）", ["编号", "名称", "阶段", "类别", "签署", "移交企业"],
           [[s.id, s.title, s.stage, s.category, "、".join(s.signers), "是" if s.handover else "否"]
            for s in specs])


@forms.command("show")
@click.argument("form_id")
def forms_show(form_id):
    """查看表单：字段、签署人、阶段。"""
    from docgen.catalog import load_catalog

    spec = load_catalog().require(form_id)
    out = _out()
    out.print(f"[bold]{spec.id}  {spec.title}[/bold]")
    out.print(f"  阶段：{spec.stage}  类别：{spec.category}  签署：{'、'.join(spec.signers) or '无'}"
              f"  移交企业：{'是' if spec.handover else '否'}")
    for label, text in (("来源", spec.source), ("自行设计", spec.designed)):
        if text:
            out.print(f"  {label}：{text}")
    if spec.fields:
        _table("字段", ["字段", "名称", "类型", "必填", "默认"],
               [[f.name, f.label, f.type, "是" if f.required else "", f.default] for f in spec.fields])


@forms.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def forms_check(paths):
    """检查模板：Jinja 语法、未知变量、未使用的必填字段。"""
    from docgen.catalog import load_catalog
    from docgen.check import check_template_files

    reports = check_template_files(list(paths), load_catalog())
    for report in reports:
        for p in report.problems:
            label = "错误" if p.severity == "error" else "提示"
            click.echo(f"{report.path}：{label}：{p.message}" + (f"\n    {p.context}" if p.context else ""))
        if not report.problems:
            click.echo(f"{report.path}：检查通过")
    if not all(r.ok for r in reports):
        _exit(ExitCode.TEMPLATE)


# ---------------------------------------------------------------- generating forms

def _print_generated(generated) -> None:
    for g in generated:
        click.echo(f"{g.form_id:<14} {g.doc_no}  {g.identity}")
        click.echo(f"    {g.docx.path}")
        if g.pdf:
            click.echo(f"    {g.pdf.path}")


@main.command("render")
@root_option
@click.argument("case_no")
@click.argument("form_id")
@form_values
@click.option("--no-pdf", is_flag=True, help="只生成 .docx，不转换 PDF")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def render_cmd(case_no, form_id, sets, data_file, no_pdf, as_json):
    """生成案件的一张表单（.docx 与 PDF），带文号与二维码，并归入案件。"""
    from archive.outputs.context import read_form_values
    from archive.outputs.forms import generate_forms

    generated = generate_forms(_archive(), case_no, [form_id], read_form_values(data_file, list(sets)),
                               pdf=not no_pdf)
    if as_json:
        _json(generated)
    else:
        _print_generated(generated)


@main.group()
def agency():
    """机构文件：机构层面的表单（名单报送回执、政企互动情况统计表），按年度归档，不属于任何案件。"""


@agency.command("render")
@root_option
@click.argument("form_id")
@click.option("--year", type=click.IntRange(2000, 2100), help="归入哪一年度的机构文件（默认今年）")
@click.option("--quarter", help="政企互动情况统计表的季度（如 2026Q4），活动取自 daiban interaction")
@form_values
@click.option("--no-pdf", is_flag=True, help="只生成 .docx，不转换 PDF")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def agency_render(form_id, year, quarter, sets, data_file, no_pdf, as_json):
    """生成机构层面的表单，归入机构文件（二维码中是机构文件编号 JG-年度，不是案件编号）。"""
    from archive.outputs.agencyforms import render_agency_form, render_interactions
    from archive.outputs.context import read_form_values

    values = read_form_values(data_file, list(sets))
    if quarter:
        if form_id != "interactions":
            raise click.UsageError("--quarter 只用于 interactions（政企互动情况统计表）")
        made = render_interactions(_archive(), quarter, values, pdf=not no_pdf)
    else:
        made = render_agency_form(_archive(), form_id, values, year, pdf=not no_pdf)
    if as_json:
        _json([made])
    else:
        _print_generated([made])


@agency.command("file")
@root_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--form", "form_id", help="表单编号：roster 或 interactions")
@click.option("--signed", is_flag=True, help="签署（盖章）件")
@click.option("--category", help="档案类别（不是表单时）")
@click.option("--title", help="题名")
@click.option("--date", "doc_date", type=click.DateTime(["%Y-%m-%d"]), help="文件日期 YYYY-MM-DD")
@click.option("--year", type=click.IntRange(2000, 2100), help="归入哪一年度的机构文件（默认取文件日期或今年）")
def agency_file(paths, form_id, signed, category, title, doc_date, year):
    """把机构层面的文件（盖章的名单报送回执等）归入机构文件。"""
    from archive.outputs.agencyforms import file_agency_paths

    result = file_agency_paths(_archive(), list(paths), form_id, signed, year, category, title,
                               doc_date.date() if doc_date else None)
    for doc in result.documents:
        click.echo(f"已归档 {doc.case_no} 第{doc.item_no:04d}件：{doc.title}（{doc.path}）")


@agency.command("show")
@root_option
@click.option("--year", type=click.IntRange(2000, 2100), help="年度（默认今年）")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def agency_show(year, as_json):
    """查看一个年度的机构文件。"""
    from archive.outputs.agencyforms import show_agency_file

    found = show_agency_file(_archive(), year)
    if as_json:
        _json({"file_no": found.file_no, "items": [_item_json(i) for i in found.items]})
        return
    if found.file is None:
        click.echo(f"{found.file_no} 机构文件尚无文件")
        return
    _table(f"{found.file_no} 机构文件（{found.file.folder}）", ["件号", "题名", "表单", "版本", "文件（件内各稿）"],
           [[f"{i.item_no:04d}", i.title, i.form_id or "", i.version or "", "、".join(f.rendition for f in i.files)]
            for i in found.items])


@main.group()
def meeting():
    """会议（联席会议、联合审批协调会议）：召集、会议记录与议定事项、跟踪办结。"""


@meeting.command("new")
@root_option
@click.argument("case_no")
@click.option("--topic", required=True, help="会议议题")
@click.option("--date", "held", required=True, type=click.DateTime(["%Y-%m-%d"]), help="会议日期 YYYY-MM-DD")
@click.option("--place", required=True, help="会议地点")
@click.option("--convener", required=True, help="主持人")
@click.option("--dept", "depts", multiple=True, required=True, metavar="部门:负责人",
              help="参会部门及负责人，可多次使用")
@form_values
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def meeting_new(case_no, topic, held, place, convener, depts, sets, data_file, as_json):
    """召集会议：记录会议，生成会议通知和会议签到表（均归入该会议）。"""
    from archive.outputs.context import read_form_values
    from archive.outputs.meetings import call_meeting

    papers = call_meeting(_archive(), case_no, topic, held.date(), place, convener, list(depts),
                          read_form_values(data_file, list(sets)))
    if as_json:
        _json(papers)
        return
    m = papers.meeting
    click.echo(f"已召集会议 {m.id}：{m.topic}（{m.held}，{m.place}）")
    _print_generated(papers.forms)


@meeting.command("minutes")
@root_option
@click.argument("meeting_id", type=int)
@click.option("--issues", required=True, help="协调事项及存在问题")
@click.option("--decision", "decisions", multiple=True, metavar="议定事项|责任部门|期限",
              help="议定事项，可多次使用（期限 YYYY-MM-DD，可省略）")
@click.option("--recorder", required=True, help="记录人")
@form_values
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def meeting_minutes(meeting_id, issues, decisions, recorder, sets, data_file, as_json):
    """会议记录：记录议定事项（逐项跟踪到办结），生成会议记录表，签字后扫描入库即为会议纪要。"""
    from archive.outputs.context import read_form_values
    from archive.outputs.meetings import write_minutes

    papers = write_minutes(_archive(), meeting_id, issues, list(decisions), recorder,
                           read_form_values(data_file, list(sets)))
    if as_json:
        _json(papers)
        return
    for d in papers.decisions:
        click.echo(f"议定事项 {d.id}：{d.issue}（{d.dept}{'，' + d.deadline + '前' if d.deadline else ''}）")
    _print_generated(papers.forms)


@meeting.command("close")
@root_option
@click.argument("decision_id", type=int)
@click.option("--note", default="", help="办结说明")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), help="办结日期（默认今天）")
def meeting_close(decision_id, note, on):
    """议定事项办结。"""
    from archive.casework.meetings import close_decision

    closed = close_decision(_archive(), decision_id, note, on.date() if on else None)
    click.echo(f"议定事项 {closed.id}“{closed.issue}”已于 {closed.closed} 办结")


@meeting.command("list")
@root_option
@click.argument("case_no")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def meeting_list(case_no, as_json):
    """列出案件的会议：材料、议定事项及其办结情况、尚缺的纪要或签到表。"""
    from archive.casework.meetings import case_meeting_views

    views = case_meeting_views(_archive(), case_no)
    if as_json:
        _json(views)
        return
    for view in views:
        m = view.meeting
        click.echo(f"会议 {m.id}：{m.topic}（{m.held}，{m.place}，主持人 {m.convener}）")
        for item in view.items:
            click.echo(f"  件号{item.item_no:04d} {item.title}")
        for d in view.decisions:
            state = f"已于 {d.closed} 办结" if d.closed else (f"{d.deadline} 前" if d.deadline else "未定期限")
            click.echo(f"  议定事项 {d.id}：{d.issue}（{d.dept}，{state}）")
        for line in view.missing:
            click.echo(f"  缺：{line}")


@main.command("packet")
@root_option
@click.argument("case_no")
@click.argument("stage")
@form_values
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def packet_cmd(case_no, stage, sets, data_file, as_json):
    """生成某阶段的全部表单（一次转换），并合并为一份打印用 PDF。"""
    from archive.outputs.context import read_form_values
    from archive.outputs.forms import generate_packet

    result = generate_packet(_archive(), case_no, stage, read_form_values(data_file, list(sets)))
    if as_json:
        _json(result)
        return
    _print_generated(result.forms)
    click.echo(f"打印用合并 PDF：{result.merged}")


@main.command("packets")
@root_option
@click.argument("stage")
@click.argument("case_nos", nargs=-1, required=True)
@form_values
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def packets_cmd(stage, case_nos, sets, data_file, as_json):
    """为多个案件生成同一阶段的材料包：LibreOffice 常驻，只启动一次；某一案件失败不影响其余。"""
    from archive.outputs.context import read_form_values
    from archive.outputs.forms import generate_packets

    outcomes = generate_packets(_archive(), list(case_nos), stage, read_form_values(data_file, list(sets)))
    if as_json:
        _json(outcomes)
    for outcome in outcomes if not as_json else []:
        click.echo(f"{outcome.case_no}：" + (f"打印用合并 PDF {outcome.packet.merged}" if outcome.packet
                                             else f"未生成（{outcome.error}）"))
    # As ingest does: the batch went on, and the exit code is the first failure's.
    if failed := [o for o in outcomes if o.error]:
        sys.exit(failed[0].exit_code)


# ---------------------------------------------------------------- scans in

def _print_report(report) -> None:
    from archive.intake.outcomes import IngestStatus

    colours = {IngestStatus.FILED: "green", IngestStatus.REVIEW: "yellow", IngestStatus.DUPLICATE: "cyan",
               IngestStatus.FAILED: "red"}
    out = _out()
    for o in report.outcomes:
        out.print(f"[{colours[o.status]}]{o.status.label}[/] {o.source}：{o.message}")
    out.print(report.summary())


def _ingest_progress(bar, print_each: bool):
    """An IngestProgress drawing one bar for the files and one for the OCR steps of the current file."""
    from archive.intake.outcomes import IngestProgress, IngestReport

    files = bar.add_task("文件", total=None)
    current = {}

    def started(path: Path, number: int, total: int) -> None:
        bar.update(files, completed=number - 1, total=total)
        current["task"] = bar.add_task(f"  {path.name}", total=None)
        current["name"] = path.name

    def step(name: str, done: float, total: float | None) -> None:
        bar.update(current["task"], description=f"  {current['name']}：{name}", completed=done, total=total)

    def finished(path: Path, outcomes) -> None:
        bar.remove_task(current.pop("task"))
        bar.advance(files)
        if print_each:
            _print_report(IngestReport(outcomes))

    return IngestProgress(started, step, finished)


@main.command("ingest")
@root_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--case", "case_no", help="指定案件（补全或覆盖二维码识别结果）")
@click.option("--form", "form_id", help="指定表单：整份扫描件作为该表单的签署件")
@click.option("--category", help="无二维码页面归入的档案类别（须同时指定 --case）")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def ingest_cmd(paths, case_no, form_id, category, as_json):
    """扫描件入库：OCR 为 PDF/A，按表单二维码自动归档，无法识别的转入待审核。"""
    from archive.intake.ingest import ingest_files
    from archive.intake.outcomes import Target

    archive = _archive()
    with _progress_bar() as bar:
        report = ingest_files(archive, list(paths), Target(case_no, form_id, category), _ingest_progress(bar, False))
    if as_json:
        _json(report.outcomes)
    else:
        _print_report(report)
    if report.exit_code != ExitCode.OK:
        _exit(report.exit_code)


@main.command("watch")
@root_option
@click.option("--once", is_flag=True, help="处理完收件箱中现有文件后退出")
@click.option("--settle", default=2.0, show_default=True, help="文件大小保持不变多少秒后视为写入完成")
def watch_cmd(once, settle):
    """监视收件箱（inbox/）：文件写入完成后自动入库并移出收件箱；Ctrl-C 停止。"""
    from archive.intake.inbox import watch_inbox

    archive = _archive()
    stop = threading.Event()
    click.echo(f"监视收件箱：{archive.root.inbox_dir}" + ("" if once else "（Ctrl-C 停止）"))
    try:
        with _progress_bar() as bar:
            watch_inbox(archive, stop, once=once, settle=settle, progress=_ingest_progress(bar, True))
    except KeyboardInterrupt:
        stop.set()
        click.echo("已停止监视收件箱")


@main.group(cls=DaibanGroup)
def review():
    """待审核队列：无法自动识别的扫描件。"""


@review.command("list")
@root_option
@click.option("--all", "show_all", is_flag=True, help="包括已归档和已退回的")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def review_list(show_all, as_json):
    """列出待审核的扫描件及推测的案件。"""
    from archive.intake.review import list_items

    items = list_items(_archive(), show_all)
    if as_json:
        _json(items)
        return
    _table(f"待审核（{len(items)} 件）", ["编号", "文件", "页数", "状态", "原因", "推测案件"],
           [[i.id, i.source_name, i.pages, i.state.label, i.reason,
             "；".join(f"{g.case_no}（{g.why}）" for g in i.guesses)] for i in items])


@review.command("file")
@root_option
@click.argument("review_id", type=int)
@click.argument("case_no")
@click.option("--form", "form_id", help="作为该表单的签署件归档（推进案件状态）")
@click.option("--category", help="不是表单时，归入的档案类别")
def review_file(review_id, case_no, form_id, category):
    """将待审核的扫描件归入案件。"""
    from archive.intake.review import file_item

    for d in file_item(_archive(), review_id, case_no, form_id, category):
        click.echo(f"已归档 件号{d.item_no:04d}：{d.path}")


@review.command("reject")
@root_option
@click.argument("review_id", type=int)
@click.option("--reason", required=True, help="退回原因")
def review_reject(review_id, reason):
    """退回待审核的扫描件（不属于任何案件）。"""
    from archive.intake.review import reject_item

    item = reject_item(_archive(), review_id, reason)
    click.echo(f"已退回待审核项 {item.id}：{item.source_name}")


# ---------------------------------------------------------------- search

@main.command("search")
@root_option
@click.argument("query", nargs=-1, required=True)
@click.option("--case", "case_no", help="只查某一案件")
@click.option("--form", "form_id", help="只查某种表单")
@click.option("--category", help="只查某一档案类别（如 会议纪要；待审核 为待审核队列）")
@click.option("--stage", help="只查某一阶段（归档时的案件状态）")
@click.option("--kind", type=click.Choice([*(k.value for k in DocKind), "review"]),
              help="文件性质（review：待审核队列中的扫描件）")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="起始日期 YYYY-MM-DD")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="截止日期 YYYY-MM-DD")
@click.option("--limit", default=10, show_default=True, help="每页条数")
@click.option("--page", default=1, show_default=True, help="页码")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON（命中以 **…** 标出；--html 则为 <mark>）")
@click.option("--html", is_flag=True, help="JSON 中用 <mark> 标出命中")
def search_cmd(query, case_no, form_id, category, stage, kind, since, until, limit, page, as_json, html):
    """全文检索：任意中文片段、人名、单位、项目代码；空格为“且”，OR 为“或”，-词 排除，"短语"，字段:值。"""
    from archive.indexing.search import search_archive

    result = search_archive(_archive(), " ".join(query), case_no=case_no, form_id=form_id, category=category,
                            stage=stage, kind=kind, since=since.date() if since else None,
                            until=until.date() if until else None, page=page, limit=limit)
    if as_json:
        _json(result.to_dict("html" if html else "markdown"))
        return
    _print_hits(result, page, limit)


def _print_hits(result, page: int, limit: int) -> None:
    from rich.text import Text

    from index.search import METADATA_ONLY

    out = _out()
    out.print(f"共 {result.total} 件（第 {result.page}/{max(result.pages, 1)} 页，索引：{result.backend}）")
    if result.hint:
        out.print(result.hint, style="yellow", markup=False)
    for n, hit in enumerate(result.hits, start=(page - 1) * limit + 1):
        doc = hit.doc
        heading = Text(f"{n}. {doc.case_no}  {doc.title}", style="bold")
        heading.append(f"  {doc.project_name}  {doc.category}  {doc.date or ''}")
        if hit.metadata_only:
            heading.append(f"  {METADATA_ONLY}", style="yellow")
        out.print(heading)
        place = result.places.get(doc.doc_id)
        where = f"件号{place.item_no:04d} {place.rendition}  " if place else ""
        out.print(f"   {where}{doc.path}", style="dim", markup=False)
        snippet = Text("   ")
        for text, is_hit in hit.snippet:
            snippet.append(text, style="bold reverse" if is_hit else None)
        out.print(snippet)


@main.command("open")
@root_option
@click.argument("case_no")
@click.argument("item_no", type=int)
def open_cmd(case_no, item_no):
    """调阅文件：打印文件路径，并记录调阅人（调阅留痕）。"""
    from archive.indexing.search import open_document

    click.echo(open_document(_archive(), case_no, item_no))


@main.group(cls=DaibanGroup)
def index():
    """全文索引：重建、同步、检查（索引可随时由目录库重建）。"""


def _count_progress(description: str):
    bar = _progress_bar()
    return bar, _counter(bar, description)


def _counter(bar, description: str):
    """A progress callback whose line appears on the bar when work is first reported."""
    tasks = []

    def update(done: int, total: int | None) -> None:
        if not tasks:
            tasks.append(bar.add_task(description, total=total))
        bar.update(tasks[0], completed=done, total=total)
    return update


@index.command("rebuild")
@root_option
@click.option("--backend", type=click.Choice(["whoosh", "tantivy"]), help="切换索引后端（默认保持当前）")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def index_rebuild(backend, as_json):
    """由目录库重建全文索引（无需重新 OCR）；完成后原子替换旧索引。"""
    from archive.indexing.maintenance import rebuild_index

    archive = _archive()
    bar, progress = _count_progress("重建索引")
    with bar:
        report = rebuild_index(archive, backend, progress, _counter(bar, "重新提取文字"))
    if as_json:
        _json(report)
        return
    if report.reread:
        click.echo(f"已按新方法重新提取 {report.reread} 件文件的文字（表格逐格、保留原样标点）")
    click.echo(f"索引已重建：{report.documents} 件，后端 {report.backend}，用时 {report.seconds:.1f} 秒")


@index.command("sync")
@root_option
def index_sync():
    """补齐索引缺少的文件，删除多余的，刷新变更的。"""
    from archive.indexing.maintenance import sync_index

    archive = _archive()
    bar, progress = _count_progress("同步索引")
    with bar:
        report = sync_index(archive, progress)
    click.echo(f"索引已同步：新增 {report.added}，更新 {report.updated}，删除 {report.deleted}")


@index.command("check")
@root_option
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def index_check(as_json):
    """检查索引与目录库是否一致；不一致时退出码非零。"""
    from archive.indexing.maintenance import check_index

    health = check_index(_archive())
    if as_json:
        _json({"ok": health.ok, "report": health.report, "queued": health.waiting})
    else:
        report = health.report
        for label, ids in (("索引缺少", report.missing), ("索引多出", report.extra),
                           ("索引过期", report.stale), ("索引重复", report.duplicated)):
            if ids:
                click.echo(f"{label}：文件 #" + "、#".join(map(str, ids)))
        for item in health.waiting:
            click.echo(f"待补索引：文件 #{item.doc_id}（{item.error or '尚未处理'}）")
        click.echo("索引与目录库一致" if health.ok else "索引与目录库不一致：请运行 daiban index sync")
    if not health.ok:
        _exit(ExitCode.INTEGRITY)


if __name__ == "__main__":
    main()
