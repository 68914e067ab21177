#!/bin/sh
# Rendered by `citystream teardown` from templates/host/teardown.sh. Stops and removes every citystream
# unit, the releases and the configuration; the data directory and the system user only unless kept.
# Prints one "removed …" line per thing removed, nothing when there was nothing to remove.
set -eu
keep_data={{keep_data}}
units=""
for f in {{unit_dir}}/citystream-*.service; do
  [ -e "${f}" ] || continue
  units="${units} $(basename "${f}")"
done
for u in ${units}; do
  systemctl disable --now "${u}" >/dev/null 2>&1 || systemctl stop "${u}" >/dev/null 2>&1 || true
  rm -f "{{unit_dir}}/${u}"
  echo "removed unit ${u}"
done
if [ -n "${units}" ]; then systemctl daemon-reload || true; fi
for d in {{root}} {{etc_dir}}; do
  if [ -e "${d}" ]; then
    rm -rf "${d}"
    echo "removed ${d}"
  fi
done
if [ "${keep_data}" = no ]; then
  if [ -e {{data_dir}} ]; then
    rm -rf {{data_dir}}
    echo "removed {{data_dir}}"
  fi
  if id -u {{user}} >/dev/null 2>&1; then
    userdel {{user}} >/dev/null 2>&1 || true
    echo "removed system user {{user}}"
  fi
elif [ -e {{data_dir}} ]; then
  echo "kept {{data_dir}}"
fi
