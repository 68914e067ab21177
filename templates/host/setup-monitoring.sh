#!/bin/sh
# Rendered by `citystream deploy --monitoring` from templates/host/setup-monitoring.sh: the monitoring
# user, its directories, and the Grafana admin password and secret key, generated here on the host from
# /dev/urandom (they never leave it: no argument, no output, no file elsewhere). Idempotent: existing
# secrets are kept, so a re-deploy changes nothing.
set -eu
if ! id -u {{user}} >/dev/null 2>&1; then
  useradd --system --user-group --home-dir {{data_dir}} --no-create-home --shell /usr/sbin/nologin {{user}}
  echo "created system user {{user}}"
fi
install -d -m 0750 -o root -g {{user}} {{etc_dir}} {{grafana_etc}} {{provisioning_dir}} \
  {{provisioning_dir}}/datasources {{provisioning_dir}}/dashboards {{provisioning_dir}}/plugins \
  {{provisioning_dir}}/alerting {{dashboards_dir}}
install -d -m 0750 -o {{user}} -g {{user}} {{data_dir}} {{prometheus_data}} {{grafana_data}}
install -d -m 0755 -o root -g root {{grafana_installs}}
for secret in {{admin_password_file}} {{secret_key_file}}; do
  [ -s "${secret}" ] && continue
  tmp=$(mktemp "${secret}.XXXXXX")
  od -An -N24 -tx1 /dev/urandom | tr -d ' \n' > "${tmp}"
  chown root:{{user}} "${tmp}"
  chmod 0640 "${tmp}"
  mv -f "${tmp}" "${secret}"
  echo "generated ${secret}"
done
