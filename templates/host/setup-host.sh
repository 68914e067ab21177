#!/bin/sh
# Rendered by `citystream deploy` from templates/host/setup-host.sh: the system user and the directories.
# Idempotent: a second run changes nothing.
set -eu
if ! id -u {{user}} >/dev/null 2>&1; then
  useradd --system --user-group --home-dir {{data_dir}} --no-create-home --shell /usr/sbin/nologin {{user}}
  echo "created system user {{user}}"
fi
install -d -m 0755 -o root -g root {{root}} {{releases}}
install -d -m 0700 -o root -g root {{upload_dir}} {{rollback_dir}}
install -d -m 0750 -o root -g {{user}} {{etc_dir}}
install -d -m 0750 -o {{user}} -g {{user}} {{data_dir}}
