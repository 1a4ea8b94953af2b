#!/usr/bin/env bash
# Makes sure the Debian packages the test suite drives for real are present: Chromium (browser tests), Xvfb + ImageJ 1.x
# (macro tests), Debian's Python with PyTorch/ONNX (training tests), Gnumeric's ssconvert (a real spreadsheet reading
# the CLI's CSV: formula-injection test) and GNU parallel (sharded runs, as docs/cluster.md shows). As root it installs what is missing with apt-get;
# otherwise it names the packages and fails, so a missing tool is never mistaken for a passing test.
set -u
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v xvfb-run >/dev/null 2>&1 || missing+=(xvfb)
command -v xauth >/dev/null 2>&1 || missing+=(xauth)
[ -f /usr/share/java/ij.jar ] || missing+=(imagej)
command -v ssconvert >/dev/null 2>&1 || missing+=(gnumeric)
command -v parallel >/dev/null 2>&1 || missing+=(parallel)
[ -x /usr/bin/time ] || missing+=(time) # GNU time: peak memory of the CLI runs in bench/metrics-bench.ts
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
for mod in torch:python3-torch onnx:python3-onnx scipy:python3-scipy tifffile:python3-tifffile matplotlib:python3-matplotlib numpy:python3-numpy; do
  /usr/bin/python3 -c "import ${mod%%:*}" >/dev/null 2>&1 || missing+=("${mod#*:}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "installing Debian packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2 && apt-get install -y -q --no-install-recommends "${missing[@]}" fonts-liberation >&2 || { echo "apt-get install failed: ${missing[*]}" >&2; exit 1; }
else
  echo "missing Debian packages (install as root): apt-get install ${missing[*]}" >&2
  exit 1
fi
