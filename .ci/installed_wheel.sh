#!/usr/bin/env bash
# The product as a user installs it: build the wheel, install it into a fresh venv, and from
# an empty folder ingest the demo, export, show the status and start the dashboard. Fails when
# anything needed at run time is missing from the wheel or is looked for in the source tree,
# or when a command writes into the installed package.
set -euo pipefail
cd "$(dirname "$0")/.."
checkout=$PWD
tmp=$(mktemp -d)
app_pid=""
cleanup() {
    if [ -n "$app_pid" ]; then kill "$app_pid" 2>/dev/null || true; wait "$app_pid" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# built from a copy of the project's files (tracked or not ignored), so no build folder of an
# earlier run can slip stale files into the wheel, and the checkout stays as it was
mkdir "$tmp/src"
git ls-files -z --cached --others --exclude-standard | xargs -0 tar -cf - | tar -xf - -C "$tmp/src"
.venv/bin/pip wheel -q --no-deps -w "$tmp/dist" "$tmp/src"
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install -q "$tmp"/dist/insights-*.whl
mkdir "$tmp/empty" && cd "$tmp/empty"
site=$("$tmp/venv/bin/python" -c 'import insights, pathlib; print(pathlib.Path(insights.__file__).parent)')
case "$site" in "$checkout"*) echo "the installed package resolves to the checkout: $site"; exit 1;; esac
touch "$tmp/installed"
for name in $(env | sed -n 's/^\(INSIGHTS_[A-Z_]*\)=.*/\1/p'); do unset "$name"; done
insights=$tmp/venv/bin/insights
"$insights" ingest --quiet
"$insights" export campaigns -o campaigns.csv
rows=$(wc -l < campaigns.csv)
[ "$rows" -gt 1 ] || { echo "export wrote no campaign rows"; exit 1; }
"$insights" status > status.txt
grep -q ad_insights_daily status.txt || { cat status.txt; echo "status shows no tables"; exit 1; }

port=$("$tmp/venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$insights" app --server.headless true --server.port "$port" > app.log 2>&1 &
app_pid=$!
"$tmp/venv/bin/python" - "$port" <<'PY' || { cat app.log; exit 1; }
import sys, time, urllib.request
url = f"http://127.0.0.1:{sys.argv[1]}/_stcore/health"
deadline = time.monotonic() + 60
while True:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            if answer.read().decode() == "ok":
                break
    except OSError:
        pass
    if time.monotonic() > deadline:
        sys.exit(f"the dashboard did not answer {url} within 60 s")
    time.sleep(0.5)
PY
kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=""
# the packaged configuration applies from any folder: localhost only, no network address
if grep -q "Network URL" app.log; then cat app.log; echo "the dashboard listened beyond localhost"; exit 1; fi
# the packaged entry script runs its pages on the store ingested above
"$tmp/venv/bin/python" - <<'PY'
from importlib import resources

from streamlit.testing.v1 import AppTest

app = AppTest.from_file(str(resources.files("insights.ui") / "app.py"), default_timeout=60).run()
assert not app.exception, app.exception
assert any(metric.label == "Spend" for metric in app.metric), "the Overview shows no Spend"
PY

written=$(find "$site" -newer "$tmp/installed" -type f -not -name '*.pyc')
[ -z "$written" ] || { echo "written into the installed package:"; echo "$written"; exit 1; }
echo "installed wheel: ingest, export ($((rows - 1)) campaigns), status and the dashboard work from $PWD"
