#!/bin/sh
# Rendered by `citystream deploy --monitoring` from templates/host/install-grafana.sh. Downloads the Grafana
# release tarball, checks it against the pinned SHA-256 before anything is unpacked, and installs it as
# {{grafana_dir}}; the directory appears under its final name only once complete.
set -eu
url={{grafana_url}}
download={{upload_dir}}/grafana.tar.gz
staging={{grafana_dir}}.partial
rm -f "${download}"
# node is on every host citystream deploys to; curl and wget are not.
node -e '
const [url, file] = process.argv.slice(1);
const { createWriteStream } = require("node:fs");
const { Readable } = require("node:stream");
const { pipeline } = require("node:stream/promises");
fetch(url, { signal: AbortSignal.timeout(900000) })
  .then((res) => {
    if (!res.ok || !res.body) throw new Error("HTTP " + res.status);
    return pipeline(Readable.fromWeb(res.body), createWriteStream(file, { mode: 0o600 }));
  })
  .catch((err) => {
    console.error("cannot download the Grafana tarball " + url + ": " + err.message);
    process.exit(1);
  });
' "${url}" "${download}"
actual=$(sha256sum "${download}" | cut -d' ' -f1)
if [ "${actual}" != {{grafana_checksum}} ]; then
  rm -f "${download}"
  echo "the Grafana tarball ${url} has SHA-256 ${actual}, not the pinned {{grafana_checksum}}: nothing installed" >&2
  exit 1
fi
rm -rf "${staging}"
mkdir -p "${staging}"
tar -xzf "${download}" -C "${staging}" --strip-components=1 --no-same-owner
rm -f "${download}"
if [ ! -x "${staging}/bin/grafana" ]; then
  rm -rf "${staging}"
  echo "the Grafana tarball ${url} has no bin/grafana: nothing installed" >&2
  exit 1
fi
chmod -R u+rwX,go+rX,go-w "${staging}"
echo {{grafana_checksum}} > "${staging}/.citystream-installed"
rm -rf {{grafana_dir}}
mv "${staging}" {{grafana_dir}}
echo "installed Grafana in {{grafana_dir}}"
