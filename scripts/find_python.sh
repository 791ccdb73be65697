#!/usr/bin/env bash
# Prints the path of a working Python 3.10 (Rasa 3.6 does not run on newer Pythons).
# Looks at python3.10 on PATH, then pyenv's installed 3.10.x, then the usual system places.
set -u
try() { "$1" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1 && { echo "$1"; exit 0; }; }
command -v python3.10 >/dev/null 2>&1 && try "$(command -v python3.10)"
if command -v pyenv >/dev/null 2>&1; then
  for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.|$)' | sort -V -r); do
    try "$(pyenv root)/versions/$v/bin/python3.10"
  done
fi
for p in "$HOME"/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do
  [ -x "$p" ] && try "$p"
done
cat >&2 <<'MSG'
Python 3.10 was not found. Rasa 3.6 needs Python 3.10 (newer versions are not supported).
Install it, then run make again:
  with pyenv:   pyenv install 3.10.13
  on Debian:    apt-get install python3.10 python3.10-venv
MSG
exit 1
