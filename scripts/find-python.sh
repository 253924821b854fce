#!/usr/bin/env bash
# Prints the path of a Python >= 3.12 to build the virtualenv with.
# Order: pyenv's interpreter for .python-version, then python3.13 / python3.12 / python3 on PATH.
set -u
want=$(cat "$(dirname "$0")/../.python-version" 2>/dev/null || echo 3.13)
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }
candidates=()
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root)
  for d in "$root"/versions/"$want"*; do [ -x "$d/bin/python" ] && candidates+=("$d/bin/python"); done
fi
for n in python3.13 python3.12 python3; do
  p=$(command -v "$n" 2>/dev/null) && candidates+=("$p")
done
for c in "${candidates[@]}"; do
  if ok "$c"; then echo "$c"; exit 0; fi
done
echo "No Python >= 3.12 found. Install Python $want (e.g. 'pyenv install $want', or Debian's python3.12+) and retry." >&2
exit 1
