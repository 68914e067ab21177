#!/usr/bin/env node
// A STAND-IN for Grafana's `bin/grafana`, for the monitoring deploy test: Grafana cannot be downloaded here
// (only the npm and Debian registries are reachable), so the test packs this script as `bin/grafana` of a
// tarball, serves it over HTTP and deploys with --grafana-tarball/--grafana-sha256, as a user with a mirror
// would. It takes Grafana's command line (`server --homepath H --config C`) and does what the deploy relies
// on: reads the rendered grafana.ini, resolves its $__file{…} values (failing, as Grafana does, when a file
// cannot be read), checks that the provisioned datasource is there, and answers GET /api/health on the
// configured http_addr:http_port. It is not Grafana: no UI, no dashboards, no datasource queries.
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';

const argv = process.argv.slice(2);
const flag = (name) => {
  const i = argv.indexOf(name);
  return i === -1 ? undefined : argv[i + 1];
};
if (argv[0] !== 'server' || !flag('--homepath') || !flag('--config')) {
  process.stderr.write('grafana stand-in: usage: grafana server --homepath DIR --config FILE\n');
  process.exit(2);
}

const ini = {};
let section = '';
for (const raw of readFileSync(flag('--config'), 'utf8').split('\n')) {
  const line = raw.trim();
  if (line === '' || line.startsWith(';') || line.startsWith('#')) continue;
  const header = /^\[(.+)\]$/.exec(line);
  if (header) section = header[1];
  else {
    const eq = line.indexOf('=');
    ini[`${section}.${line.slice(0, eq).trim()}`] = line.slice(eq + 1).trim();
  }
}
const expand = (value) =>
  value.replace(/\$__file\{([^}]+)\}/g, (_, file) => {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch (err) {
      process.stderr.write(`grafana stand-in: cannot read ${file}: ${err.message}\n`);
      process.exit(1);
    }
  });
const password = expand(ini['security.admin_password'] ?? '');
expand(ini['security.secret_key'] ?? '');
if (password.length < 16) {
  process.stderr.write('grafana stand-in: the admin password is missing or short\n');
  process.exit(1);
}
const datasources = path.join(ini['paths.provisioning'], 'datasources');
const provisioned = readdirSync(datasources).some((f) =>
  readFileSync(path.join(datasources, f), 'utf8').includes('uid: citystream-prometheus'),
);
if (!provisioned) {
  process.stderr.write(`grafana stand-in: no citystream-prometheus datasource in ${datasources}\n`);
  process.exit(1);
}

const host = ini['server.http_addr'];
const port = Number(ini['server.http_port']);
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/api/health') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ database: 'ok', version: 'stand-in' }));
  } else {
    res.writeHead(404).end();
  }
});
server.listen(port, host, () => process.stdout.write(`grafana stand-in listening on ${host}:${port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
