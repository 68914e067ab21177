import { ServiceError, UserError } from '../../errors.js';

/**
 * Every failure of a host, translated once, here: ssh's exit code 255 (it could not connect or
 * authenticate), the stderr of a remote command (sudo, disk), and the facts of the preflight step (no
 * systemd, a port in use, no node). Each becomes one line that says what to do.
 */
export interface HostDescription {
  /** user@host:port, for messages. */
  label: string;
  host: string;
  port: number;
  user: string;
  knownHostsFile: string;
}

export interface CommandFailure {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut?: boolean;
}

const UNREACHABLE =
  /Connection refused|Connection timed out|timed out during banner exchange|No route to host|Network is unreachable|Could not resolve hostname|Name or service not known|Connection closed by remote host|Connection reset/i;
const AUTH = /Permission denied \(|Too many authentication failures|no mutual signature algorithm/i;
const HOST_KEY =
  /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed|host key for .* has changed/i;
const NO_SUDO =
  /sudo: a (password|terminal) is required|is not in the sudoers file|sudo: command not found|may not run sudo/i;
const DISK_FULL = /No space left on device|ENOSPC/;
const PORT_IN_USE = /EADDRINUSE|address already in use|is already in use/i;

export function classifyFailure(host: HostDescription, what: string, failure: CommandFailure): Error {
  const stderr = failure.stderr;
  if (failure.timedOut)
    return new ServiceError(`${what} on ${host.label} did not finish in time`, {
      hint: 'the host may be overloaded or the network slow; re-run, or check the host with `citystream status`',
    });
  if (HOST_KEY.test(stderr))
    return new UserError(
      `the host key of ${host.host} has changed since it was pinned; refusing to connect`,
      {
        hint: `if the host was rebuilt on purpose, verify its new key and delete ${host.knownHostsFile}; otherwise someone may be intercepting the connection`,
      },
    );
  if (failure.exitCode === 255 && AUTH.test(stderr))
    return new UserError(`${host.label} refused the SSH key for ${host.user}`, {
      hint: `pass --identity FILE with a private key whose public half is in ~${host.user}/.ssh/authorized_keys, or check --host's user`,
    });
  if (failure.exitCode === 255 && UNREACHABLE.test(stderr))
    return new UserError(
      `cannot reach ${host.host}:${host.port} over SSH (${firstLine(stderr, UNREACHABLE)})`,
      {
        hint: 'check --host and --ssh-port, that sshd runs there and that a firewall or security group lets you in',
      },
    );
  if (NO_SUDO.test(stderr))
    return new UserError(`${host.user} on ${host.host} cannot run sudo without a password`, {
      hint: `connect as root, or give ${host.user} passwordless sudo (a NOPASSWD line in /etc/sudoers.d/)`,
    });
  if (DISK_FULL.test(stderr) || DISK_FULL.test(failure.stdout))
    return new UserError(`the disk of ${host.host} is full (${what})`, {
      hint: 'free space under /opt and /var/lib on the host (see `df -h`), then deploy again',
    });
  if (PORT_IN_USE.test(stderr))
    return new UserError(
      `a port citystream needs on ${host.host} is in use (${firstLine(stderr, PORT_IN_USE)})`,
      {
        hint: 'stop what listens there, or move citystream with --api-port and friends',
      },
    );
  if (failure.exitCode === 255)
    return new UserError(`ssh to ${host.label} failed: ${lastLine(stderr) || 'no message'}`, {
      hint: 'try `ssh` with the same --host, --ssh-port and --identity by hand',
    });
  return new ServiceError(
    `${what} failed on ${host.host} (exit ${failure.exitCode}): ${lastLine(stderr) || lastLine(failure.stdout) || 'no message'}`,
    {
      hint: 're-run with --debug for the whole output',
    },
  );
}

export function noSystemd(host: HostDescription, state: string): UserError {
  return new UserError(`${host.host} does not run systemd (systemctl says "${state || 'nothing'}")`, {
    hint: 'deploy to a Linux host booted with systemd (Debian, Ubuntu, Amazon Linux, …)',
  });
}

export function notLinux(host: HostDescription, os: string): UserError {
  return new UserError(`${host.host} runs ${os || 'an unknown system'}, not Linux`, {
    hint: 'deploy to a Linux host with systemd',
  });
}

export function noNode(host: HostDescription, found: string): UserError {
  return new UserError(
    found
      ? `${host.host} has Node.js ${found}; citystream needs 20 or newer, with npm`
      : `${host.host} has no Node.js (node and npm)`,
    { hint: 'install Node.js 20+ and npm on the host (apt-get install nodejs npm, or dnf install nodejs20)' },
  );
}

export function diskLow(host: HostDescription, freeMb: number, neededMb: number): UserError {
  return new UserError(
    `the disk of ${host.host} is nearly full: ${freeMb} MB free under /opt, a release needs ${neededMb} MB`,
    {
      hint: 'free space on the host (see `df -h`), then deploy again',
    },
  );
}

export function portsInUse(
  host: HostDescription,
  busy: ReadonlyArray<{ port: number; service: string }>,
): UserError {
  const list = busy.map((b) => `${b.port} (${b.service})`).join(', ');
  return new UserError(`port${busy.length > 1 ? 's' : ''} ${list} already in use on ${host.host}`, {
    hint: 'stop what listens there, or move citystream with --api-port, --broker-port, --dynamo-port, --metrics-port, --prometheus-port or --grafana-port',
  });
}

export function noPrometheus(host: HostDescription): UserError {
  return new UserError(`${host.host} has no Prometheus (/usr/bin/prometheus) and no apt-get to install it`, {
    hint: 'install Prometheus on the host so that /usr/bin/prometheus exists, or deploy without --monitoring',
  });
}

export function grafanaNotForArch(host: HostDescription, arch: string): UserError {
  return new UserError(
    `the pinned Grafana tarball is for x86_64 and ${host.host} is ${arch || 'of an unknown architecture'}`,
    {
      hint: 'pass --grafana-tarball URL and --grafana-sha256 HEX of the Grafana release for that architecture',
    },
  );
}

function firstLine(text: string, pattern: RegExp): string {
  const line = text.split('\n').find((l) => pattern.test(l)) ?? '';
  return line.replace(/^ssh: /, '').trim();
}

function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines[lines.length - 1] ?? '';
}
