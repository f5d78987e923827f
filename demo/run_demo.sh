#!/usr/bin/env bash
# The daiban walk-through on sample data: one 全代办 case from registration through
# signed scans, search, 办结 and sealing to the dossier handed to the enterprise.
# Every line printed with "$" is a real command.
set -euo pipefail
cd "$(dirname "$0")/.."
export DAIBAN_ROOT="$PWD/demo-data" DAIBAN_USER="代办员张丽"
rm -rf "$DAIBAN_ROOT"

run() { printf '\n\033[1m$ daiban %s\033[0m\n' "$*"; daiban "$@"; }
say() { printf '\n\033[1;34m# %s\033[0m\n' "$*"; }

say "登记：初始化数据根目录，立案，列出审批事项"
run init --agency "晋城市政务服务中心项目代办服务中心" --short "晋代办" --city "晋城市" --fonds "Z035" \
    --phone "0356-2021888" --address "晋城市泽州路1188号政务服务中心三楼" --report-email "zwfw@jcs.example.gov.cn" \
    --self-signed-cert
say "事项库：内置初始目录只收录种子研判表列出的事项和材料，缺项由机构补全；演示装入一份示例事项库"
daiban catalog check | tail -1 || true
cp demo/matters.toml "$DAIBAN_ROOT/matters.toml"
run catalog check
CASE=$(daiban case new --from demo/case.toml --json | python -c 'import json,sys; print(json.load(sys.stdin)["case_no"])')
printf '\n\033[1m$ daiban case new --from demo/case.toml\033[0m\n已立案：%s\n' "$CASE"
say "同一阶段中层级更高的事项（市级的用地预审）自动生成协办单：本级审批完成后 1 个工作日内推送"
run matter add "$CASE" --name "企业投资项目备案" --group "立项阶段并联"
run matter add "$CASE" --name "建设项目用地预审与选址意见书"
run matter add "$CASE" --name "建设工程规划许可证核发"
run matter add "$CASE" --name "建筑工程施工许可证核发"

say "受理：生成受理阶段材料包（委托书、告知清单、联系卡），一次转换为 PDF 并合并打印件"
run forms list
run packet "$CASE" 受理

say "方案：生成代办任务分解计划表（审批事项、部门逐行列在表格中）"
run render "$CASE" taskplan

say "召集联审协调会议：记录会议，生成会议通知和会议签到表（均归入该会议）"
run meeting new "$CASE" --topic "用地预审与规划许可并联办理问题" --date 2026-11-26 --place "政务服务中心三楼会议室" \
    --convener 李明 --dept "晋城市规划和自然资源局:刘涛" --dept "泽州县行政审批服务管理局:张敏"

say "企业签字盖章、参会人员签到后扫描，扫描件放入收件箱（此处用扫描模拟器代替打印机和扫描仪）"
ENTRUST=$(ls "$DAIBAN_ROOT"/cases/*/*/01*/*委托书*.pdf)
CARD=$(ls "$DAIBAN_ROOT"/cases/*/*/10*/*联系卡*.pdf)
SIGNIN=$(ls "$DAIBAN_ROOT"/cases/*/*/06*/*签到表*.pdf)
python demo/make_scans.py "$DAIBAN_ROOT/inbox" 150dpi "$ENTRUST" "$CARD" "$SIGNIN"

say "收件箱入库：OCR 为 PDF/A，按二维码归入案件，签署的委托书使案件进入“受理”"
run watch --once --settle 0.5

say "办理：会议议定事项逐项跟踪；会议纪要归入该会议；审批事项销号"
run meeting minutes 1 --issues "用地预审与规划许可能否并联办理" --recorder 张丽 \
    --decision "规划许可与用地预审并联受理|晋城市规划和自然资源局|2026-12-10" --decision "补充勘测定界报告|项目单位"
run file "$CASE" "demo/samples/第一次联审协调会议纪要.txt" --category 会议纪要 --author "李明" --date 2026-11-26 --meeting 1
run meeting list "$CASE"
run matter submit "$CASE" 1 --date 2026-11-13
run matter accept "$CASE" 1 --date 2026-11-16
run file "$CASE" "demo/samples/企业投资项目备案证明.txt" --category 批复证照 --author "泽州县行政审批服务管理局" \
    --date 2026-11-19
RESULT=$(daiban case show "$CASE" --json | python -c 'import json,sys; print([i["item_no"] for i in json.load(sys.stdin)["items"] if i["category"] == "批复证照"][-1])')
run matter done "$CASE" 1 --date 2026-11-19 --result "$RESULT"
say "县级备案办结后 1 个工作日内，用地预审连同协办单推送至市级部门"
run matter submit "$CASE" 2 --date 2026-11-20
run case show "$CASE"

say "检索：任何中文片段都能找到所在案件与文件"
run search 马艳
run search 委托书 --kind signed
run search "建设工程规划许可" --limit 3

say "检索：表格单元格里的部门名称；案件的项目代码（只由案件信息命中的文件排在后面并标注）；繁体字的查询"
run search 晋城市规划和自然资源局 --form taskplan
run search 2026-140500-44-01-012345 --limit 2
run search 審批事項 --limit 2

say "出具服务方案，案件进入“办理”；其余审批事项逐项办结"
run render "$CASE" plan --set "key_points=用地预审与规划许可并联办理" --set "optimization=施工图审查与消防审查合并"
run matter accept "$CASE" 2 --date 2026-11-23
run matter accept "$CASE" 3 --date 2026-11-02
run ledger add "$CASE" "电话催办建设工程规划许可证，审批部门答复材料齐全、三日内出证" --kind 催办 --date 2026-11-25

say "到期事项：按法定工作日（节假日、调休）计算；2027 年尚无国务院安排的数据，相关日期标为估算"
run due --days 60 --ics "$DAIBAN_ROOT/exports/到期事项.ics"
run calendar show 2027
run meeting close 1 --note "已并联受理"

for MATTER in 2 3; do daiban matter done "$CASE" "$MATTER" > /dev/null; done
daiban matter accept "$CASE" 4 > /dev/null; daiban matter done "$CASE" 4 > /dev/null
run matter list "$CASE"
run ledger "$CASE"

say "进度汇总：每半月向项目单位反馈一次，汇总期间与计划办结时间由系统填写"
run render "$CASE" progress --set "next_plan=整理办结材料，签署办结单并移交"

say "办结：生成办结单与移交清单，企业签字后扫描入库"
run render "$CASE" complete --set "completed_on=$(date +%F)"
run render "$CASE" handover
COMPLETE=$(ls "$DAIBAN_ROOT"/cases/*/*/10*/*办结单*.pdf)
HANDOVER=$(ls "$DAIBAN_ROOT"/cases/*/*/10*/*移交清单*.pdf)
python demo/make_scans.py "$DAIBAN_ROOT/inbox" 150dpi "$COMPLETE" "$HANDOVER"
run watch --once --settle 0.5

say "归档：完整性检查，封卷（按归档顺序编件号和档号），此后只能留痕补充"
run audit "$CASE"
run case archive "$CASE"

say "移交：生成交给企业的移交档案（封面、卷内目录、页号、归档章、备考表，数字签名）和 BagIt 移交包，并校验"
run dossier "$CASE"
run dossier verify "$DAIBAN_ROOT/exports/dossiers/$CASE/$CASE 移交包.zip"
run log "$CASE"

say "双向评价：项目单位评价代办服务，代办员评价审批部门服务"
run evaluate enterprise "$CASE" --attitude 满意 --efficiency 满意 --quality 满意 --dept-efficiency 基本满意 \
    --comments "希望施工许可阶段进一步压缩时限"
run evaluate dept "$CASE" "泽州县行政审批服务管理局" --attitude 满意 --efficiency 满意 --quality 满意

say "机构层面：记录政企互动活动；名单报送回执归入机构文件（不属于任何案件）"
run interaction add --date "$(date +%F)" --place "政务服务中心三楼会议室" --companies "晋城市泽州新能源科技有限公司等 6 家企业" \
    --content "投资项目审批政策宣讲暨“全代办”服务座谈会"
run agency render roster --data demo/roster.toml

QUARTER="$(date +%Y)Q$(( ($(date +%-m) - 1) / 3 + 1 ))"
say "季度汇总：案件状态、各项目长、受理至办结的工作日、逾期、中止情形、政企互动、服务评价（另存 Excel 工作簿），并生成本季度政企互动情况统计表"
run report quarter "$QUARTER" --xlsx "$DAIBAN_ROOT/exports/季度汇总.xlsx" --form \
    --set filler=张丽 --set office_phone=0356-2021888 --set mobile=13935600001
run agency show

say "四性检测（DA/T 70-2018，归档与移交环节）：逐项检测并写出报告"
run verify --report "$DAIBAN_ROOT/exports/四性检测报告.html"
run verify "$CASE" --report "$DAIBAN_ROOT/exports/$CASE 四性检测报告.pdf"

say "网页界面：演示账户（密码均为 daiban-demo-2026，仅供演示）"
DEMO_PASSWORD="daiban-demo-2026"
while IFS=: read -r LOGIN NAME ROLE CODE; do
    printf '%s\n' "$DEMO_PASSWORD" | daiban user add "$LOGIN" --name "$NAME" --role "$ROLE" --credit-code "$CODE" \
        --password-stdin
done <<'ACCOUNTS'
admin:系统管理员:管理员:
liming:李明:项目长:
zhangli:张丽:代办员:
dangan:档案员王静:档案员:
shenji:审计员赵敏:审计:
qiye:晋城市泽州新能源科技有限公司:企业:91140500MA0K7Q5X30
ACCOUNTS
run user list
printf '\n\033[1m启动网页界面：\033[0m  .venv/bin/daiban --root demo-data serve   然后在浏览器打开 http://127.0.0.1:8000/\n'
printf '用上面任一账户登录（密码 %s）：admin 管理员，liming 项目长，zhangli 代办员，dangan 档案员，shenji 审计，qiye 企业。\n' "$DEMO_PASSWORD"
