#!/usr/bin/env bash
# Smoke test of the built bundle: `make package-test`, or packaging/smoke_test.sh [BUNDLE_DIR].
#
# Runs only the bundle's own executables, from a scratch folder, with PATH and PYTHON* variables
# that cannot reach the development tree, and with the history, recovery and settings in that
# scratch folder. It checks the exit codes (and a few outputs) of:
#   - the layout: both executables, the bundled examples, pruned Qt translations and modules
#   - the CLI: catalog, validate, run with a profile, run of the custom-function example
#     ("Reported phish", which goes through the sandbox), export in both dialects, import
#   - both executables standing in for `python -I -c` (how the sandbox starts its child)
#   - the GUI offscreen on an example with --screenshot, and on X11 under xvfb-run if present
#   - every bundled library's link-time dependencies on Qt/ICU/Python being inside the bundle
# Exit status: 0 when every step passed, 1 otherwise, 2 when there is no bundle.
set -uo pipefail

bundle=${1:-dist/playbook-studio}
if [ ! -x "$bundle/playbook" ] || [ ! -x "$bundle/playbook-studio" ]; then
    echo "smoke_test: no bundle at $bundle; build it with: make package" >&2
    exit 2
fi
bundle=$(cd "$bundle" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/playbook-smoke.XXXXXX")
trap 'rm -rf "$work"' EXIT

export PLAYBOOK_STUDIO_HISTORY=$work/history.sqlite3
export PLAYBOOK_STUDIO_RECOVERY=$work/recovery
export XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data XDG_CACHE_HOME=$work/cache
export QT_QPA_PLATFORM=offscreen
export PATH=/usr/local/bin:/usr/bin:/bin
unset PYTHONPATH PYTHONHOME PYTHONSTARTUP VIRTUAL_ENV
cd "$work" || exit 2

pb=$bundle/playbook
studio=$bundle/playbook-studio
examples=$bundle/_internal/resources/examples
logon=$examples/suspicious-logon-triage.playbook.json
phish=$examples/phishing-response.playbook.json
failures=0
count=0

report() {  # report OK|FAIL NAME SECONDS [LOG]
    if [ "$1" = OK ]; then
        printf '  ok    %-62s %3ss\n' "$2" "$3"
    else
        printf '  FAIL  %-62s %3ss\n' "$2" "$3"
        [ -n "${4:-}" ] && [ -s "$4" ] && tail -n 25 "$4" | sed 's/^/        | /'
        failures=$((failures + 1))
    fi
}

step() {  # step NAME EXPECTED_EXIT COMMAND...   (output kept in $last_log)
    local name=$1 expected=$2 started=$SECONDS code
    shift 2
    count=$((count + 1))
    last_log=$work/step-$count.log
    timeout 180 "$@" >"$last_log" 2>&1
    code=$?
    if [ "$code" -eq "$expected" ]; then
        report OK "$name" $((SECONDS - started))
    else
        echo "exit code $code, expected $expected: $*" >>"$last_log"
        report FAIL "$name (exit $code, expected $expected)" $((SECONDS - started)) "$last_log"
    fi
    return 0
}

check() {  # check NAME COMMAND...   (an assertion; passes when COMMAND exits 0)
    local name=$1
    shift
    if "$@" >/dev/null 2>&1; then report OK "  $name" 0; else report FAIL "  $name" 0 "${last_log:-}"; fi
}

is_png() { [ -s "$1" ] && [ "$(head -c 4 "$1" | tail -c 3)" = PNG ]; }

echo "Smoke test of $bundle ($(du -sh "$bundle" | cut -f1))"

echo "layout"
check "examples are bundled as package data" test -f "$logon" -a -f "$phish"
check "catalog is bundled as package data" test -f "$bundle/_internal/resources/catalog/index.json"
check "sandbox bootstrap source is bundled" test -f "$bundle/_internal/runtime/sandbox/child.py"
check "no Qt translations" test ! -e "$bundle/_internal/PySide6/Qt/translations"
check "no QtNetwork / QtQml / QtQuick" \
    bash -c "! find '$bundle' -name '*Qt6Network*' -o -name '*Qt6Qml*' -o -name '*Qt6Quick*' | grep -q ."
check "desktop integration beside the executables" \
    test -f "$bundle/share/applications/playbook-studio.desktop" \
    -a -f "$bundle/share/icons/hicolor/256x256/apps/playbook-studio.png" -a -x "$bundle/install.sh"

echo "playbook (CLI)"
step "playbook --help" 0 "$pb" --help
step "playbook catalog --format json" 0 "$pb" catalog --format json
check "the catalog lists the Function state" grep -q '"id": "function"' "$last_log"
step "playbook validate (every bundled example)" 0 "$pb" validate "$examples"/*.playbook.json
step "playbook validate of a broken file exits 3" 3 "$pb" validate /nonexistent.playbook.json
step "playbook run suspicious-logon-triage --profile 'Risky logon'" 0 \
    "$pb" run "$logon" --profile "Risky logon"
check "the run succeeded" grep -q "SUCCESS" "$last_log"
step "playbook run phishing-response --profile 'Reported phish' (sandbox)" 0 \
    "$pb" run "$phish" --profile "Reported phish" --format json
check "the run succeeded" grep -q '"status": "success"' "$last_log"
check "the custom function extracted the indicators" grep -q '"examp1e-login.com"' "$last_log"
step "playbook export phishing-response -o (snake)" 0 "$pb" export "$phish" -o phishing.json
check "server JSON and requirements manifest written" \
    test -s phishing.json -a -s phishing.requirements.json
step "playbook export --dialect camel" 0 "$pb" export "$phish" --dialect camel -o camel.json
step "playbook import of the exported definition" 0 "$pb" import phishing.json -o back.playbook.json
step "playbook validate of the imported document" 0 "$pb" validate back.playbook.json
step "playbook executions list" 0 "$pb" executions list
check "both runs are in the history" test "$(grep -ci success "$last_log")" -ge 2

echo "python -I -c stand-in (sandbox child)"
step "playbook -I -c" 0 "$pb" -I -c 'import sys, resource, json; print(json.dumps(sys.argv))' x
check "code sees argv ['-c', 'x']" grep -qx '\["-c", "x"\]' "$last_log"
step "playbook-studio -I -c" 0 "$studio" -I -c 'import sys; print(sys.argv[1:])' y
check "code sees argv ['y']" grep -qx "\['y'\]" "$last_log"
step "the code sees only the environment it was given" 0 \
    env -i PATH=/usr/bin:/bin LANG=C.UTF-8 PYTHONIOENCODING=utf-8 \
    "$pb" -I -c 'import os; print(" ".join(sorted(os.environ)))'
check "LANG PATH PYTHONIOENCODING, nothing from the bootloader" \
    grep -qx "LANG PATH PYTHONIOENCODING" "$last_log"

echo "playbook-studio (GUI)"
step "offscreen: open an example, --screenshot, quit" 0 \
    "$studio" "$logon" --screenshot "$work/offscreen.png"
check "the screenshot is a PNG" is_png "$work/offscreen.png"
if command -v xvfb-run >/dev/null 2>&1; then
    step "X11 (xvfb-run): open the custom-function example, --screenshot" 0 \
        env QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1600x1000x24" \
        "$studio" "$phish" --screenshot "$work/x11.png"
    check "the screenshot is a PNG" is_png "$work/x11.png"
else
    echo "  skip  X11 check (xvfb-run not installed)"
fi

echo "libraries"
missing=$work/missing.txt
find "$bundle/_internal" -type f \( -name '*.so' -o -name '*.so.*' \) -print0 |
    xargs -0 -n 20 ldd 2>/dev/null | awk '/not found/ {print $1}' | sort -u >"$missing"
last_log=$missing
check "Qt, ICU, PySide6 and Python libraries all resolve inside the bundle" \
    bash -c "! grep -Eq '^lib(Qt6|icu|pyside6|shiboken6|python)' '$missing'"
if [ -s "$missing" ]; then
    echo "  note  system libraries missing on this machine (optional plugins use them):"
    sed 's/^/          /' "$missing"
fi

echo
if [ "$failures" -eq 0 ]; then
    echo "smoke test passed ($count commands)"
    exit 0
fi
echo "smoke test FAILED: $failures check(s)"
exit 1
