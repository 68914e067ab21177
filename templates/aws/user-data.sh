#!/bin/bash
# citystream stack {{STACK}}: first boot of the instance (rendered by citystream deploy; no secrets here).
# Installs Node.js 22 and the launcher that reads the stack's secret with the instance profile; the
# services themselves are installed over SSH by the --host deploy.
set -euo pipefail

dnf install -y nodejs22 nodejs22-npm
ln -sf /usr/bin/node-22 /usr/local/bin/node
ln -sf /usr/bin/npm-22 /usr/local/bin/npm

cat > {{SECRET_LAUNCHER}} <<'LAUNCHER'
#!/bin/bash
# Runs a command with the stack's runtime settings from Secrets Manager in its environment. The secret
# is read with the instance profile, piped (never an argument) and exported; it is never written down.
set -euo pipefail
secret_json="$(aws secretsmanager get-secret-value --region {{REGION}} --secret-id {{SECRET_ID}} --query SecretString --output text)"
CITYSTREAM_API_TOKEN="$(printf '%s' "$secret_json" | /usr/local/bin/node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => process.stdout.write(JSON.parse(s).apiToken))')"
export CITYSTREAM_API_TOKEN
unset secret_json
exec "$@"
LAUNCHER
chmod 0755 {{SECRET_LAUNCHER}}
