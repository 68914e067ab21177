#!/usr/bin/env node
// A STAND-IN for systemd's `systemctl` and `journalctl`, for machines without systemd as PID 1 (CI
// containers). The deploy test puts it first on the PATH of its sshd's sessions. It does only what
// citystream's host commands use: it reads the unit files citystream wrote to /etc/systemd/system, runs
// each unit's ExecStart as the unit's User with its EnvironmentFile and WorkingDirectory, restarts it
// when it exits (Restart=always, RestartSec), counts restarts, and keeps its output as the "journal".
// Sandboxing directives (ProtectSystem, ReadWritePaths, …) are not applied; systemd-analyze verify
// checks the units themselves. Everything else in the test (ssh, files, processes, ports) is real.
import { spawn } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  writeFileSync,
  rmSync,
} from 'node:fs';
import path from 'node:path';

const STATE = process.env.CITYSTREAM_STAND_IN_STATE ?? '/run/citystream-stand-in';
const UNIT_DIR = '/etc/systemd/system';
mkdirSync(STATE, { recursive: true });

const [tool, ...args] = process.argv.slice(2);
const unitOf = (name) => (name.endsWith('.service') ? name : `${name}.service`);
const statePath = (unit) => path.join(STATE, `${unit}.json`);
const logPath = (unit) => path.join(STATE, `${unit}.log`);
const readState = (unit) => {
  try {
    return JSON.parse(readFileSync(statePath(unit), 'utf8'));
  } catch {
    return { state: 'inactive', restarts: 0, since: null, enabled: false };
  }
};
const writeState = (unit, patch) =>
  writeFileSync(statePath(unit), JSON.stringify({ ...readState(unit), ...patch }));
const alive = (pid) => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function parseUnit(unit) {
  const text = readFileSync(path.join(UNIT_DIR, unit), 'utf8');
  const values = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m) values[m[1]] = m[2];
  }
  return values;
}

function parseEnvFile(file) {
  const env = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let v = m[2];
    if ((v.startsWith("'") && v.endsWith("'")) || (v.startsWith('"') && v.endsWith('"'))) v = v.slice(1, -1);
    env[m[1]] = v;
  }
  return env;
}

async function start(unit) {
  if (!existsSync(path.join(UNIT_DIR, unit))) {
    process.stderr.write(`Failed to start ${unit}: Unit ${unit} not found.\n`);
    process.exitCode = 5;
    return;
  }
  const s = readState(unit);
  if (alive(s.supervisorPid)) return;
  const child = spawn(process.execPath, [new URL(import.meta.url).pathname, 'supervise', unit], {
    detached: true,
    stdio: 'ignore',
    env: process.env,
  });
  child.unref();
  for (let i = 0; i < 250 && readState(unit).supervisorPid !== child.pid; i++) await sleep(20);
}

async function stop(unit) {
  const s = readState(unit);
  if (!alive(s.supervisorPid)) {
    writeState(unit, { state: 'inactive', supervisorPid: null, pid: null });
    return;
  }
  process.kill(s.supervisorPid, 'SIGTERM');
  for (let i = 0; i < 1750 && alive(s.supervisorPid); i++) await sleep(20);
}

async function supervise(unit) {
  const u = parseUnit(unit);
  const argv = u.ExecStart.split(/\s+/).filter(Boolean);
  const restartMs = Number(u.RestartSec ?? 1) * 1000;
  let stopping = false;
  let child;
  writeState(unit, { supervisorPid: process.pid, state: 'activating' });
  const log = (pid, line) =>
    appendFileSync(
      logPath(unit),
      `${JSON.stringify({ t: new Date().toISOString(), unit, pid, msg: line })}\n`,
    );
  const run = () => {
    const env = {
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      ...(u.EnvironmentFile ? parseEnvFile(u.EnvironmentFile) : {}),
    };
    const runuser =
      ['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser'].find((f) => existsSync(f)) ?? 'runuser';
    child = spawn(runuser, ['-u', u.User ?? 'root', '--', ...argv], {
      cwd: u.WorkingDirectory ?? '/',
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    writeState(unit, { state: 'active', pid: child.pid, since: new Date().toISOString() });
    for (const stream of [child.stdout, child.stderr]) {
      let buffered = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const l of lines) log(child.pid, l);
      });
    }
    child.on('error', (err) => log(0, `${unit}: cannot start: ${err.message}`));
    child.on('exit', (code, signal) => {
      log(child.pid, `${unit}: Main process exited, code=${code ?? 'killed'}, signal=${signal ?? 'none'}`);
      if (stopping) {
        writeState(unit, { state: 'inactive', pid: null, supervisorPid: null });
        process.exit(0);
      }
      const restarts = readState(unit).restarts + 1;
      writeState(unit, { state: 'activating', pid: null, restarts });
      setTimeout(run, restartMs);
    });
  };
  process.on('SIGTERM', () => {
    stopping = true;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), Number(u.TimeoutStopSec ?? 30) * 1000).unref();
    } else {
      writeState(unit, { state: 'inactive', pid: null, supervisorPid: null });
      process.exit(0);
    }
  });
  run();
}

function journalEntries(units) {
  const entries = [];
  for (const unit of units) {
    if (!existsSync(logPath(unit))) continue;
    for (const line of readFileSync(logPath(unit), 'utf8').split('\n'))
      if (line) entries.push(JSON.parse(line));
  }
  return entries.sort((a, b) => a.t.localeCompare(b.t));
}

async function journalctl(argv) {
  const units = [];
  let lines;
  let since;
  let follow = false;
  let format = 'short-iso';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-u') units.push(unitOf(argv[++i]));
    else if (a === '-n') lines = Number(argv[++i]);
    else if (a === '-o') format = argv[++i];
    else if (a.startsWith('--since=-'))
      since = Date.now() - Number(a.slice('--since=-'.length).replace(/s$/, '')) * 1000;
    else if (a === '-f') follow = true;
  }
  const show = (e) =>
    process.stdout.write(
      format === 'cat'
        ? `${e.msg}\n`
        : `${e.t} stand-in ${e.unit.replace(/\.service$/, '')}[${e.pid}]: ${e.msg}\n`,
    );
  let entries = journalEntries(units).filter((e) => since === undefined || Date.parse(e.t) >= since);
  if (lines !== undefined) entries = entries.slice(-lines);
  entries.forEach(show);
  if (!follow) return;
  process.stdout.on('error', () => process.exit(0));
  let seen = journalEntries(units).length;
  for (;;) {
    await sleep(200);
    const all = journalEntries(units);
    all.slice(seen).forEach(show);
    seen = all.length;
  }
}

async function systemctl(argv) {
  const flags = argv.filter((a) => a.startsWith('-'));
  const [verb, ...rest] = argv.filter((a) => !a.startsWith('-'));
  const units = rest.map(unitOf);
  switch (verb) {
    case 'is-system-running':
      process.stdout.write('running\n');
      return;
    case 'daemon-reload':
    case 'reset-failed':
      return;
    case 'enable':
      for (const u of units) {
        writeState(u, { enabled: true });
        if (flags.includes('--now')) await start(u);
      }
      return;
    case 'disable':
      for (const u of units) {
        if (flags.includes('--now')) await stop(u);
        writeState(u, { enabled: false });
      }
      return;
    case 'start':
      for (const u of units) await start(u);
      return;
    case 'stop':
      for (const u of units) await stop(u);
      return;
    case 'restart':
      for (const u of units) {
        await stop(u);
        await start(u);
      }
      return;
    case 'is-active': {
      const state =
        existsSync(statePath(units[0])) && alive(readState(units[0]).supervisorPid)
          ? readState(units[0]).state
          : 'inactive';
      process.stdout.write(`${state}\n`);
      process.exitCode = state === 'active' ? 0 : 3;
      return;
    }
    case 'show': {
      const s = readState(units[0]);
      const running = alive(s.supervisorPid);
      const props = {
        ActiveState: running ? s.state : 'inactive',
        SubState: running ? (s.state === 'active' ? 'running' : 'auto-restart') : 'dead',
        ActiveEnterTimestamp: running && s.since ? s.since : '',
        NRestarts: String(s.restarts ?? 0),
        UnitFileState: existsSync(path.join(UNIT_DIR, units[0])) ? (s.enabled ? 'enabled' : 'disabled') : '',
        MainPID: String(running ? (s.pid ?? 0) : 0),
      };
      const wanted = [];
      for (let i = 0; i < argv.length; i++) if (argv[i] === '-p') wanted.push(argv[++i]);
      for (const k of wanted.length ? wanted : Object.keys(props))
        process.stdout.write(`${k}=${props[k] ?? ''}\n`);
      return;
    }
    default:
      process.stderr.write(`systemctl stand-in: unsupported verb ${verb}\n`);
      process.exitCode = 1;
  }
}

/** Test clean-up: stops every supervised unit and forgets all state. */
async function reset() {
  if (!existsSync(STATE)) return;
  for (const f of readdirSync(STATE)) if (f.endsWith('.json')) await stop(f.slice(0, -'.json'.length));
  rmSync(STATE, { recursive: true, force: true });
}

if (tool === 'systemctl') await systemctl(args);
else if (tool === 'journalctl') await journalctl(args);
else if (tool === 'supervise') await supervise(args[0]);
else if (tool === 'reset') await reset();
else {
  process.stderr.write(`usage: systemd-stand-in.mjs systemctl|journalctl|supervise|reset …\n`);
  process.exitCode = 2;
}
