#!/usr/bin/env bash
# The whole suite: system packages, build, Node tests, Python (training) tests, browser tests.
# Every part runs even when an earlier one fails, so one red part does not hide another; exit status is non-zero if any failed.
set -u
cd "$(dirname "$0")/.."
bash scripts/ensure-system-deps.sh || exit 1
npm run build || { echo "build failed"; exit 1; }
failed=()
echo "== Node tests"; node scripts/run-node-tests.mjs || failed+=(node)
echo "== Python tests (training/)"; /usr/bin/python3 -m unittest discover -s training/tests -t . -v || failed+=(python)
if [ -f web-test-runner.config.mjs ]; then
  echo "== Browser tests"; npx --no-install web-test-runner --config web-test-runner.config.mjs || failed+=(browser)
fi
if [ ${#failed[@]} -gt 0 ]; then echo "FAILED parts: ${failed[*]}"; exit 1; fi
echo "all test parts passed"
