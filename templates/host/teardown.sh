#!/bin/sh
# Rendered by `citystream teardown` from templates/host/teardown.sh. Stops and removes every citystream
# unit (the monitoring ones too), the releases and the configuration; the data directories and the system
# users only unless kept. Prints one "removed …" line per thing removed, nothing when there was nothing.
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
for d in {{root}} {{etc_dir}} {{monitoring_etc_dir}}; do
  if [ -e "${d}" ]; then
    rm -rf "${d}"
    echo "removed ${d}"
  fi
done
for pair in {{data_dir}}:{{user}} {{monitoring_data_dir}}:{{monitoring_user}}; do
  dir=${pair%%:*}
  user=${pair#*:}
  if [ "${keep_data}" = no ]; then
    if [ -e "${dir}" ]; then
      rm -rf "${dir}"
      echo "removed ${dir}"
    fi
    if id -u "${user}" >/dev/null 2>&1; then
      userdel "${user}" >/dev/null 2>&1 || true
      echo "removed system user ${user}"
    fi
  elif [ -e "${dir}" ]; then
    echo "kept ${dir}"
  fi
done
