#!/usr/bin/env bash
# The main job on the bundled sample: classify the CRM export examples/data/crm_accounts.csv
# through the policy examples/policies/crm.json (SPEC §9: its inputs section maps the raw columns),
# then classify examples/data/accounts.csv (SPEC §2 columns), summarise it, plan every account's
# onboarding, aggregate the product events into usage (SPEC §10) and classify the CRM export again
# with its frequency from that usage (--join), and write the portfolio report (report.html) and one welcome pack.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
mkdir -p build/sample
status=0
build/bin/riskscale classify examples/data/crm_accounts.csv --policy examples/policies/crm.json \
  -o build/sample/crm_classified.csv --keep Name,Industry --keep-inputs || status=$?
[ "$status" -le 1 ] || exit "$status"  # 1: the export's 6 faulty rows are in the rejects file
echo "wrote build/sample/crm_classified.csv and build/sample/crm_classified.rejects.csv"
# The summary of the raw export counts its rejects too (exit status 1 when there are some).
build/bin/riskscale summary examples/data/crm_accounts.csv --policy examples/policies/crm.json || status=$?
[ "$status" -le 1 ] || exit "$status"
status=0
build/bin/riskscale classify examples/data/accounts.csv -o build/sample/accounts_classified.csv \
  --keep industry,region || status=$?
[ "$status" -le 1 ] || exit "$status"
echo "wrote build/sample/accounts_classified.csv"
build/bin/riskscale summary build/sample/accounts_classified.csv
# Every account's onboarding plan, one touchpoint a row, starting today.
build/bin/riskscale plan examples/data/accounts.csv --all -o build/sample/onboarding_touchpoints.csv
echo "wrote build/sample/onboarding_touchpoints.csv"
# Usage from product events (SPEC §10): active users and active days per sample account over the
# 30 days to 2026-11-27, from examples/data/events.csv (every time form, written by
# examples/data/generate_accounts.py --events).
status=0
build/bin/riskscale usage examples/data/events.csv -o build/sample/usage.csv --as-of 2026-11-27 \
  --accounts examples/data/accounts.csv || status=$?
[ "$status" -le 1 ] || exit "$status"
echo "wrote build/sample/usage.csv"
# Events -> usage -> classify: the CRM export again, its frequency now from the events (the usage
# table joined on the account id; examples/policies/crm_usage.json reads active_days from it).
status=0
build/bin/riskscale classify examples/data/crm_accounts.csv --policy examples/policies/crm_usage.json \
  --join build/sample/usage.csv -o build/sample/crm_with_usage_classified.csv --keep Name --keep-inputs || status=$?
[ "$status" -le 1 ] || exit "$status"
echo "wrote build/sample/crm_with_usage_classified.csv"
# The portfolio report for stakeholders: one self-contained HTML page (inline CSS and SVG, nothing
# fetched), this month's accounts against last month's snapshot, with the example business goals.
build/bin/riskscale report examples/data/accounts.csv --previous examples/data/accounts_previous.csv \
  --goals examples/goals/goals.json -o build/sample/report.html
# And the welcome pack of one new customer, printable.
build/bin/riskscale report examples/data/accounts.csv --account ACC-000042 -o build/sample/welcome_ACC-000042.html
