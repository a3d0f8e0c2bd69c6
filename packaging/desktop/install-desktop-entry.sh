#!/bin/sh
# Add Prompt Workbench to this user's application menu, started from this folder:
#   ./install-desktop-entry.sh            install (or update after moving the folder)
#   ./install-desktop-entry.sh --remove   take it out again
# Writes only under ${XDG_DATA_HOME:-~/.local/share}: applications/ and icons/hicolor/.
set -eu
here=$(dirname -- "$(readlink -f -- "$0")")
data=${XDG_DATA_HOME:-$HOME/.local/share}
entry="$data/applications/prompt-workbench.desktop"

if [ "${1:-}" = "--remove" ]; then
    rm -f "$entry"
    find "$data/icons/hicolor" -name 'prompt-workbench.*' -path '*/apps/*' -delete 2>/dev/null || true
    echo "removed $entry and the icons"
    exit 0
fi

# Exec= takes the launcher's full path in double quotes (spaces and any other character allowed);
# inside them ", `, $ and \ are escaped with a backslash, and a .desktop string doubles backslashes.
quoted=$(printf '%s' "$here/prompt-workbench" | sed -e 's/[\\"`$]/\\&/g' -e 's/\\/\\\\/g')
mkdir -p "$data/applications"
{ grep -v -e '^Exec=' -e '^TryExec=' "$here/prompt-workbench.desktop"; printf 'Exec="%s"\n' "$quoted"; } >"$entry.tmp"
mv "$entry.tmp" "$entry"
(cd "$here/icons" && find hicolor -type f -name 'prompt-workbench.*') | while read -r icon; do
    mkdir -p "$data/icons/$(dirname "$icon")"
    cp "$here/icons/$icon" "$data/icons/$icon"
done
command -v update-desktop-database >/dev/null && update-desktop-database -q "$data/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$data/icons/hicolor" 2>/dev/null || true
echo "installed $entry (starts $here/prompt-workbench)"
