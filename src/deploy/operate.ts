import { UserError } from '../errors.js';
import { SERVICE_NAMES, unitName, type ServiceName } from './layout.js';
import { hostExecutor, type DeployIO } from './deploy.js';
import type { HostTarget } from './options.js';
import {
  inventoryStep,
  journalStep,
  statusStep,
  teardownStep,
  type JournalOptions,
} from './remote/commands.js';
import { readStackRecord, removeStackRecord, validateStackName, type StackRecord } from './stack-record.js';

/** `status`, `logs` and `teardown`: find the stack (record or --host), then one builder, one executor. */

export interface StackSelector {
  stack: string;
  /** --host given on the command line; without it the record says where the stack runs. */
  target?: HostTarget;
}

export async function resolveStack(
  selector: StackSelector,
  io: Pick<DeployIO, 'stacksDir'>,
): Promise<{ target: HostTarget; record?: StackRecord }> {
  validateStackName(selector.stack);
  const record = await readStackRecord(io.stacksDir, selector.stack);
  if (selector.target) {
    if (record && (record.host !== selector.target.host || record.port !== selector.target.port))
      throw new UserError(
        `stack "${selector.stack}" runs on ${record.host}:${record.port}, not ${selector.target.host}:${selector.target.port}`,
        {
          hint: 'pass the --stack NAME of that host',
        },
      );
    return {
      target: { ...selector.target, identityFile: selector.target.identityFile ?? record?.identityFile },
      record,
    };
  }
  if (!record)
    throw new UserError(`no stack "${selector.stack}" here (${io.stacksDir} has no record of it)`, {
      hint: 'pass --host USER@ADDRESS, or --stack NAME of a stack deployed from this directory',
    });
  return {
    target: { host: record.host, user: record.user, port: record.port, identityFile: record.identityFile },
    record,
  };
}

export interface ServiceStatus {
  service: ServiceName;
  unit: string;
  state: string;
  subState: string;
  since: string | null;
  restarts: number | null;
  enabled: string;
}

export interface StackStatus {
  stack: string;
  host: string;
  release: string | null;
  services: ServiceStatus[];
  api: { url: string | null; health: number | null };
  /** With --monitoring: where each listens on the host (127.0.0.1) and its readiness status code. */
  monitoring?: {
    prometheus: { address: string; ready: number | null };
    grafana: { address: string; health: number | null };
  };
  lag: unknown;
}

export function parseStatus(text: string): {
  release: string | null;
  units: ServiceStatus[];
  api: number | null;
  prometheus: number | null;
  grafana: number | null;
  lag: unknown;
} {
  let release: string | null = null;
  let api: number | null = null;
  let prometheus: number | null = null;
  let grafana: number | null = null;
  const units: ServiceStatus[] = [];
  let section: 'none' | 'unit' | 'lag' = 'none';
  const lagLines: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('release ')) {
      const r = line.slice('release '.length).trim();
      release = r === '' || r === 'none' ? null : r;
    } else if (line.startsWith('api ')) {
      api = Number(line.slice(4).trim());
      section = 'none';
    } else if (line.startsWith('prometheus ')) {
      prometheus = Number(line.slice('prometheus '.length).trim());
      section = 'none';
    } else if (line.startsWith('grafana ')) {
      grafana = Number(line.slice('grafana '.length).trim());
      section = 'none';
    } else if (line.startsWith('--- unit ')) {
      const unit = line.slice('--- unit '.length).trim();
      units.push({
        service: unit.replace(/^citystream-/, '') as ServiceName,
        unit,
        state: 'unknown',
        subState: '',
        since: null,
        restarts: null,
        enabled: '',
      });
      section = 'unit';
    } else if (line.startsWith('--- lag')) section = 'lag';
    else if (section === 'lag') lagLines.push(line);
    else if (section === 'unit' && line.includes('=')) {
      const u = units[units.length - 1];
      if (!u) continue;
      const key = line.slice(0, line.indexOf('='));
      const value = line.slice(line.indexOf('=') + 1).trim();
      if (key === 'ActiveState') u.state = value;
      else if (key === 'SubState') u.subState = value;
      else if (key === 'ActiveEnterTimestamp') u.since = value === '' || value === 'n/a' ? null : value;
      else if (key === 'NRestarts') u.restarts = value === '' ? null : Number(value);
      else if (key === 'UnitFileState') u.enabled = value;
    }
  }
  const lagText = lagLines.join('\n').trim();
  let lag: unknown = null;
  if (lagText !== '') {
    try {
      lag = JSON.parse(lagText);
    } catch {
      lag = { error: lagText.split('\n').pop() };
    }
  }
  return { release, units, api, prometheus, grafana, lag };
}

export async function stackStatus(selector: StackSelector, io: DeployIO): Promise<StackStatus> {
  const { target, record } = await resolveStack(selector, io);
  const ssh = hostExecutor(target, selector.stack, io);
  const services = record?.services ?? [...SERVICE_NAMES];
  const apiPort = record?.apiPort ?? 8082;
  const mon = record?.monitoring;
  const ports = mon && { prometheus: mon.prometheusPort, grafana: mon.grafanaPort };
  const parsed = parseStatus((await ssh.run(statusStep(services, apiPort, undefined, ports))).stdout);
  return {
    stack: selector.stack,
    host: target.host,
    release: parsed.release,
    services: parsed.units,
    api: { url: `http://${target.host}:${apiPort}/api/v1`, health: parsed.api },
    ...(mon && {
      monitoring: {
        prometheus: { address: `127.0.0.1:${mon.prometheusPort}`, ready: parsed.prometheus },
        grafana: { address: `127.0.0.1:${mon.grafanaPort}`, health: parsed.grafana },
      },
    }),
    lag: parsed.lag,
  };
}

export async function streamLogs(
  selector: StackSelector,
  service: ServiceName | undefined,
  options: JournalOptions,
  io: DeployIO,
  write: (chunk: string) => void,
): Promise<void> {
  const { target, record } = await resolveStack(selector, io);
  const ssh = hostExecutor(target, selector.stack, io);
  const services = service ? [service] : (record?.services ?? [...SERVICE_NAMES]);
  const step = journalStep(services, options);
  if (options.follow) await ssh.stream(step, write, io.signal);
  else write((await ssh.run(step)).stdout);
}

export interface TeardownResult {
  stack: string;
  host: string;
  removed: string[];
  kept: string[];
  nothingToRemove: boolean;
}

/** What is there to remove (read only), for the confirmation and --dry-run. */
export async function teardownInventory(
  selector: StackSelector,
  io: DeployIO,
): Promise<{ target: HostTarget; found: string[] }> {
  const { target } = await resolveStack(selector, io);
  const ssh = hostExecutor(target, selector.stack, io);
  const out = (await ssh.run(inventoryStep())).stdout;
  const found = out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => l.replace(/^(unit|path) /, ''));
  return { target, found };
}

export async function teardownHost(
  selector: StackSelector,
  keepData: boolean,
  io: DeployIO,
): Promise<TeardownResult> {
  const { target } = await resolveStack(selector, io);
  const ssh = hostExecutor(target, selector.stack, io);
  const out = (await ssh.run(teardownStep(keepData), { signal: io.signal })).stdout;
  const removed: string[] = [];
  const kept: string[] = [];
  for (const line of out.split('\n')) {
    if (line.startsWith('removed ')) removed.push(line.slice('removed '.length));
    else if (line.startsWith('kept ')) kept.push(line.slice('kept '.length));
  }
  await removeStackRecord(io.stacksDir, selector.stack);
  return { stack: selector.stack, host: target.host, removed, kept, nothingToRemove: removed.length === 0 };
}

export function teardownScriptFor(keepData: boolean): string {
  return teardownStep(keepData).script;
}

export { unitName };
