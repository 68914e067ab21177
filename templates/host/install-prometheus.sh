#!/bin/sh
# Rendered by `citystream deploy --monitoring` from templates/host/install-prometheus.sh. Installs Debian's
# prometheus package for its binary, {{prometheus_bin}}; citystream runs that binary as its own unit
# (citystream-prometheus, 127.0.0.1 only). The package's own {{debian_unit}} would listen on every
# interface: a runtime mask keeps it from starting during the install, and it is left disabled.
set -eu
if [ -x {{prometheus_bin}} ]; then
  echo "{{prometheus_bin}} is there"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "this host has no apt-get: install Prometheus so that {{prometheus_bin}} exists, then deploy again" >&2
  exit 1
fi
trap 'systemctl unmask --runtime {{debian_unit}} >/dev/null 2>&1 || true' EXIT
systemctl mask --runtime {{debian_unit}} >/dev/null 2>&1 || true
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends prometheus >&2
systemctl disable {{debian_unit}} >/dev/null 2>&1 || true
echo "installed Debian's prometheus package (its own {{debian_unit}} stays disabled)"
