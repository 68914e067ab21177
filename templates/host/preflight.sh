#!/bin/sh
# Rendered by `citystream deploy` from templates/host/preflight.sh. Reads the host, changes nothing, and
# prints one fact per line for the deploy plan. Runs as root (directly or through `sudo -n`).
set -u
echo "os=$(uname -s)"
if command -v systemctl >/dev/null 2>&1; then
  echo "systemd=$(systemctl is-system-running 2>/dev/null || true)"
else
  echo "systemd=missing"
fi
node_bin=$(command -v node || true)
echo "node=${node_bin}"
if [ -n "${node_bin}" ]; then
  echo "node_version=$("${node_bin}" --version 2>/dev/null || true)"
fi
if command -v npm >/dev/null 2>&1; then echo "npm=yes"; else echo "npm=no"; fi
echo "arch=$(uname -m)"
if command -v apt-get >/dev/null 2>&1; then echo "apt=yes"; else echo "apt=no"; fi
if [ -x {{prometheus_bin}} ]; then echo "prometheus_bin=yes"; else echo "prometheus_bin=no"; fi
if [ -f {{grafana_dir}}/.citystream-installed ]; then echo "grafana_present=yes"; else echo "grafana_present=no"; fi
mkdir_target={{root}}
[ -d "${mkdir_target}" ] || mkdir_target=$(dirname {{root}})
echo "free_mb=$(df -Pm "${mkdir_target}" | awk 'NR==2 {print $4}')"
echo "current=$(basename "$(readlink {{current}} 2>/dev/null || true)")"
if [ -f {{releases}}/{{release_id}}/.citystream-release ]; then echo "release_present=yes"; else echo "release_present=no"; fi
for f in {{files}}; do
  if [ -f "${f}" ]; then echo "file $(sha256sum "${f}" | cut -d' ' -f1) ${f}"; else echo "file - ${f}"; fi
done
for u in {{all_units}}; do
  if [ -f "{{unit_dir}}/${u}.service" ]; then installed=yes; else installed=no; fi
  echo "unit ${u} $(systemctl is-active "${u}.service" 2>/dev/null || true) ${installed}"
done
for pair in {{unit_ports}}; do
  u=${pair%%:*}
  port=${pair#*:}
  if [ "$(systemctl is-active "${u}.service" 2>/dev/null || true)" = active ]; then continue; fi
  if [ -n "${node_bin}" ] && ! "${node_bin}" -e 'const s = require("net").createServer(); s.once("error", () => process.exit(1)); s.listen(Number(process.argv[1]), "0.0.0.0", () => s.close());' "${port}"; then
    echo "port_busy ${port} ${u}"
  fi
done
