#!/usr/bin/env bash
# The whole suite: system packages, build, Node tests, Python (training) tests, browser tests.
# Every part runs even when an earlier one fails, so one red part does not hide another; exit status is non-zero if any
# failed. The last line adds up what the three runners counted.
set -u -o pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-deps.sh || exit 1
# Compiled tests of files that no longer exist must not run: start build/ afresh.
rm -rf build
npm run build || { echo "build failed"; exit 1; }
logs=$(mktemp -d); trap 'rm -rf "$logs"' EXIT
failed=()
echo "== Node tests"
node scripts/run-node-tests.mjs 2>&1 | tee "$logs/node" || failed+=(node)
echo "== Python tests (training/)"
/usr/bin/python3 -m unittest discover -s training/tests -t . -v 2>&1 | tee "$logs/python" || failed+=(python)
echo "== Browser tests"
npx --no-install web-test-runner --config web-test-runner.config.mjs 2>&1 | tee "$logs/browser" || failed+=(browser)

count() { grep -Eo "$2" "$logs/$1" | tail -n 1 | grep -Eo '[0-9]+' | head -n 1 || true; }
node_pass=$(count node '^# pass [0-9]+'); node_fail=$(count node '^# fail [0-9]+')
py_ran=$(count python '^Ran [0-9]+ test'); py_bad=$(grep -Eo '(failures|errors)=[0-9]+' "$logs/python" | awk -F= '{ s += $2 } END { print s + 0 }')
br_pass=$(count browser '[0-9]+ passed'); br_fail=$(grep -Eo '[0-9]+ failed' "$logs/browser" | tail -n 1 | grep -Eo '[0-9]+' || true)
py_bad=${py_bad:-0}
passed=$(( ${node_pass:-0} + ${py_ran:-0} - py_bad + ${br_pass:-0} ))
nfailed=$(( ${node_fail:-0} + py_bad + ${br_fail:-0} ))
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED parts: ${failed[*]}"
  [ "$nfailed" -gt 0 ] || nfailed=1
  echo "total: $passed passed, $nfailed failed"
  exit 1
fi
echo "total: $passed passed, $nfailed failed"
