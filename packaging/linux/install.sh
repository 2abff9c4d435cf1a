#!/bin/sh
# Add Playbook Studio to the desktop's application menu, from an unpacked bundle.
#
#   ./install.sh                 per user (~/.local), or system-wide (/usr/local) when run as root
#   ./install.sh --prefix DIR    into DIR/share/... and DIR/bin
#   ./install.sh --uninstall     remove what an earlier run installed (same --prefix)
#
# Installs the desktop entry (its Exec pointing at this bundle, wherever it was unpacked), the
# icons, the AppStream metainfo and the *.playbook.json file type, and links `playbook-studio`
# and `playbook` in DIR/bin. The bundle itself stays where it is; run this again after moving it.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
prefix=
uninstall=no
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
        --prefix=*) prefix=${1#--prefix=}; shift ;;
        --uninstall) uninstall=yes; shift ;;
        -h|--help) sed -n '2,10s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
if [ -z "$prefix" ]; then
    if [ "$(id -u)" = 0 ]; then prefix=/usr/local; else prefix=$HOME/.local; fi
fi
prefix=$(mkdir -p "$prefix" && cd "$prefix" && pwd)
apps=$prefix/share/applications
icons=$prefix/share/icons/hicolor
metainfo=$prefix/share/metainfo
mime=$prefix/share/mime
desktop=playbook-studio.desktop
appdata=io.github.playbookstudio.PlaybookStudio.metainfo.xml

# Refresh the desktop's caches only where they already exist: creating one in a user folder
# would hide icons that other programs later install there without refreshing it.
refresh() {
    # The file type (*.playbook.json) needs the MIME database rebuilt, as every package does.
    if [ -d "$mime/packages" ] && command -v update-mime-database >/dev/null 2>&1; then
        update-mime-database "$mime" >/dev/null 2>&1 || true
    fi
    if [ -f "$apps/mimeinfo.cache" ] && command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$apps" || true
    fi
    if [ -f "$icons/icon-theme.cache" ] && command -v gtk-update-icon-cache >/dev/null 2>&1; then
        gtk-update-icon-cache -q -t "$icons" || true
    fi
}

if [ "$uninstall" = yes ]; then
    rm -f "$apps/$desktop" "$metainfo/$appdata" "$mime/packages/playbook-studio.xml" \
        "$icons"/*/apps/playbook-studio.png \
        "$icons/scalable/apps/playbook-studio.svg"
    for tool in playbook-studio playbook; do
        if [ -L "$prefix/bin/$tool" ]; then rm -f "$prefix/bin/$tool"; fi
    done
    refresh
    echo "Removed Playbook Studio's desktop entry from $prefix"
    exit 0
fi

[ -x "$here/playbook-studio" ] || { echo "install.sh: run it from the unpacked bundle" >&2; exit 1; }
sed_escape() { printf '%s' "$1" | sed 's/[\\|&]/\\&/g'; }
# Desktop Entry quoting for Exec: wrap in double quotes, escape " ` $ and \ inside.
exec_arg=$(printf '%s' "$here/playbook-studio" | sed 's/[\\"`$]/\\&/g')
exec_line=$(sed_escape "Exec=\"$exec_arg\" %f")
tryexec_line=$(sed_escape "TryExec=$here/playbook-studio")
mkdir -p "$apps" "$metainfo" "$prefix/bin"
sed -e "s|^Exec=.*|$exec_line|" -e "s|^TryExec=.*|$tryexec_line|" \
    "$here/share/applications/$desktop" > "$apps/$desktop.tmp"
mv "$apps/$desktop.tmp" "$apps/$desktop"
cp "$here/share/metainfo/$appdata" "$metainfo/$appdata"
if [ -f "$here/share/mime/packages/playbook-studio.xml" ]; then
    mkdir -p "$mime/packages"
    cp "$here/share/mime/packages/playbook-studio.xml" "$mime/packages/playbook-studio.xml"
fi
(cd "$here/share/icons/hicolor" && find . -type f) | while read -r icon; do
    mkdir -p "$(dirname "$icons/$icon")"
    cp "$here/share/icons/hicolor/$icon" "$icons/$icon"
done
for tool in playbook-studio playbook; do
    ln -sfn "$here/$tool" "$prefix/bin/$tool"
done
refresh
echo "Installed Playbook Studio's desktop entry in $apps"
echo "and linked playbook-studio, playbook in $prefix/bin"
