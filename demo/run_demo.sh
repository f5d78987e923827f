#!/usr/bin/env bash
# The daiban walk-through on sample data: one 全代办 case from registration on.
# Every line printed with "$" is a real command a member of staff would type.
set -euo pipefail
cd "$(dirname "$0")/.."
export DAIBAN_ROOT="$PWD/demo-data" DAIBAN_USER="代办员张丽"
rm -rf "$DAIBAN_ROOT"

run() { printf '\n\033[1m$ daiban %s\033[0m\n' "$*"; daiban "$@"; }

run init --agency "晋城市政务服务中心项目代办服务中心" --short "晋代办" --city "晋城市" --fonds "Z035"
CASE=$(daiban case new --from demo/case.toml --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["case_no"])')
printf '\n$ daiban case new --from demo/case.toml\n已立案：%s\n' "$CASE"

run matter add "$CASE" --stage 立项 --name "企业投资项目备案" --level 县级 --dept "泽州县行政审批服务管理局" --days 1
run matter add "$CASE" --stage 立项 --name "建设项目用地预审与选址意见书" --level 市级 --dept "晋城市规划和自然资源局" --days 10 --parallel
run matter add "$CASE" --stage 工程 --name "建设工程规划许可证核发" --level 市级 --dept "晋城市规划和自然资源局" --days 5
run matter add "$CASE" --stage 施工 --name "建筑工程施工许可证核发" --level 市级 --dept "晋城市行政审批服务管理局" --days 3

run forms list
run packet "$CASE" 受理
run render "$CASE" assess
run file "$CASE" "demo/samples/第一次联审协调会议纪要.txt" --category 会议纪要 --author "李明" --date 2026-03-12
run matter accept "$CASE" 1
run matter done "$CASE" 1
run case show "$CASE"
run log "$CASE"
run verify
