#!/bin/sh
# Rendered by `citystream deploy` from templates/host/install-release.sh. Installs the uploaded package
# (citystream.tgz from `npm pack`, and package-lock.json) as release {{release_id}}, with exactly the locked
# production dependencies. The release appears under its final name only once complete.
set -eu
staging={{releases}}/.{{release_id}}.partial
rm -rf "${staging}"
mkdir -p "${staging}"
tar -xzf {{upload_dir}}/citystream.tgz -C "${staging}" --strip-components=1 --no-same-owner
cp {{upload_dir}}/package-lock.json "${staging}/package-lock.json"
cd "${staging}"
npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >&2
echo {{release_id}} > "${staging}/.citystream-release"
chmod -R u+rwX,go+rX,go-w "${staging}"
cd /
rm -rf {{releases}}/{{release_id}}
mv "${staging}" {{releases}}/{{release_id}}
rm -f {{upload_dir}}/citystream.tgz {{upload_dir}}/package-lock.json
echo "installed release {{release_id}}"
