import { connect, createServer } from 'node:net';
import { ServiceError, UserError } from '../errors.js';
import { hostExecutor, type DeployIO } from './deploy.js';
import { MONITORING_LAYOUT, type TunnelService } from './monitoring.js';
import { classifyFailure } from './ssh/errors.js';
import { execaSpawner } from './ssh/executor.js';
import { readStackRecord, recordPath, validateStackName } from './stack-record.js';

/**
 * `citystream tunnel grafana|prometheus`: Prometheus and Grafana listen on 127.0.0.1 of the host only, so
 * they are reached through an SSH local forward made with the stack record's address, key and pinned host
 * key (never accept-new: the key must be pinned already).
 */
export interface Tunnel {
  service: TunnelService;
  /** Where to point a browser or curl, here. */
  url: string;
  localPort: number;
  remotePort: number;
  host: string;
  /** How to read the Grafana admin password on the host (a command line, not the password). */
  passwordCommand?: string;
  /** Rejects when ssh exits by itself (the connection dropped); resolves once stopped. */
  ended: Promise<void>;
  stop(): Promise<void>;
}

/** How long ssh gets to connect and bind the local port. */
const OPEN_TIMEOUT_MS = 20_000;

export async function openTunnel(
  request: { stack: string; service: TunnelService; localPort?: number },
  io: Pick<DeployIO, 'stacksDir' | 'spawn' | 'debug'>,
): Promise<Tunnel> {
  validateStackName(request.stack);
  const record = await readStackRecord(io.stacksDir, request.stack);
  if (!record)
    throw new UserError(`no stack "${request.stack}" here (no ${recordPath(io.stacksDir, request.stack)})`, {
      hint: 'deploy one with `citystream deploy --host USER@ADDRESS --monitoring`, or pass --stack NAME',
    });
  if (!record.monitoring)
    throw new UserError(`stack "${request.stack}" on ${record.host} was deployed without --monitoring`, {
      hint: `deploy it again with --monitoring: citystream deploy --host ${record.user}@${record.host} --monitoring`,
    });
  const target = {
    host: record.host,
    user: record.user,
    port: record.port,
    identityFile: record.identityFile,
  };
  const ssh = hostExecutor(target, request.stack, io);
  if ((await ssh.pinnedKey()).trim() === '')
    throw new UserError(`no host key of ${record.host} is pinned for stack "${request.stack}"`, {
      hint: 'deploy the stack again from this directory to pin it',
    });
  const remotePort =
    request.service === 'grafana' ? record.monitoring.grafanaPort : record.monitoring.prometheusPort;
  const localPort = request.localPort ?? remotePort;
  await ensureFree(localPort);

  const stopper = new AbortController();
  const spawn = io.spawn ?? execaSpawner;
  const running = spawn({
    file: 'ssh',
    args: await ssh.forwardArgs(localPort, remotePort),
    input: '',
    signal: stopper.signal,
  });
  const ended = running.then((result) => {
    if (stopper.signal.aborted) return;
    const failure = classifyFailure(ssh.description, 'the SSH tunnel', result);
    throw result.exitCode === 0 || failure instanceof ServiceError
      ? new ServiceError(`the SSH tunnel to ${record.host} closed: ${failure.message}`, {
          hint: 'run `citystream tunnel` again; `citystream status` shows whether the host is up',
        })
      : failure;
  });
  const stop = async () => {
    stopper.abort();
    await ended.catch(() => undefined);
  };
  try {
    await Promise.race([untilListening(localPort, stopper.signal), ended.then(() => undefined)]);
  } catch (err) {
    await stop();
    throw err;
  }
  const base = `http://127.0.0.1:${localPort}`;
  const sudo = record.user === 'root' ? '' : 'sudo ';
  const sshLine = `ssh ${record.port === 22 ? '' : `-p ${record.port} `}${record.user}@${record.host}`;
  return {
    service: request.service,
    url: `${base}/`,
    localPort,
    remotePort,
    host: record.host,
    ...(request.service === 'grafana' && {
      passwordCommand: `${sshLine} ${sudo}cat ${MONITORING_LAYOUT.adminPasswordFile}`,
    }),
    ended,
    stop,
  };
}

/** The local port must be free: ssh would only say so after connecting. */
async function ensureFree(port: number): Promise<void> {
  const server = createServer();
  const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(undefined)));
  });
  if (error?.code === 'EADDRINUSE' || error?.code === 'EACCES')
    throw new UserError(
      `port ${port} on 127.0.0.1 here is ${error.code === 'EACCES' ? 'not allowed' : 'in use'}`,
      {
        hint: 'pass --local-port N with a free port',
      },
    );
  if (error) throw error;
}

/** Resolves once the forward accepts connections (ssh has bound the port); bounded by OPEN_TIMEOUT_MS. */
async function untilListening(port: number, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + OPEN_TIMEOUT_MS;
  while (!signal.aborted) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => (socket.destroy(), resolve(false)));
    });
    if (open) return;
    if (Date.now() > deadline)
      throw new ServiceError(
        `the SSH tunnel did not open 127.0.0.1:${port} within ${OPEN_TIMEOUT_MS / 1000} s`,
        {
          hint: 're-run with --debug, or check the host with `citystream status`',
        },
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}
