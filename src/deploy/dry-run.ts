import type { ServiceName } from './layout.js';
import {
  resolveDeployOptions,
  wantedServices,
  type DeployOptions,
  type DeployOptionsGiven,
  type HostTarget,
} from './options.js';
import type { ReleasePackage } from './package.js';
import { healthProbeStep } from './remote/commands.js';
import { maskSecrets } from './remote/files.js';
import { DRY_RUN_NODE, freshHostSteps } from './steps.js';

/** `deploy --dry-run` and the AWS deploy's dry run: the steps of a fresh host's deploy, as text. Pure. */

/** The steps of a deploy of `request` to a fresh `target`, one line each (no packing, no I/O). */
export function describeHostDeploy(target: HostTarget, request: DeployOptionsGiven): string[] {
  const options = resolveDeployOptions(target, request);
  const steps = freshHostSteps(options, {
    releaseId: '<this build>',
    tarball: 'citystream.tgz',
    lockfile: 'package-lock.json',
  });
  const probe = healthProbeStep(wantedServices(options), options.ports);
  return [...steps, probe].map((s) => `ssh ${target.user}@${target.host}: ${s.title}`);
}

/** Every script and file of the deploy, secrets masked, as --dry-run prints it. */
export function dryRunText(
  target: HostTarget,
  options: DeployOptions,
  services: readonly ServiceName[],
  pkg: Pick<ReleasePackage, 'tarball' | 'lockfile' | 'releaseId'>,
): string {
  const steps = freshHostSteps(options, pkg);
  const user = target.user === 'root' ? 'root' : `${target.user} (through sudo -n)`;
  const lines = [
    `# citystream deploy --dry-run: stack ${options.stack} on ${target.user}@${target.host}:${target.port}, release ${pkg.releaseId}`,
    `# Nothing runs on the host. Every step below is an sh script run as ${user} over ssh; files arrive on stdin.`,
    '# This is the plan for a fresh host; on a host that has the stack, deploy skips what would not change.',
    `# node is assumed at ${DRY_RUN_NODE} (a real deploy uses the one the host has).`,
  ];
  steps.forEach((s, i) => {
    lines.push('', `## ${i + 1}. ${s.title}`, s.script.trimEnd());
    if (s.input?.kind === 'file') lines.push(`### stdin: the local file ${s.input.path}`);
    if (s.input?.kind === 'text') {
      lines.push(`### stdin${s.input.secret ? ' (secrets masked)' : ''}:`);
      lines.push(maskSecrets(s.input.text, options.secrets).trimEnd());
    }
  });
  const probe = healthProbeStep(services, options.ports);
  lines.push(
    '',
    `## ${steps.length + 1}. ${probe.title}, every second, up to ${Math.round(options.healthTimeoutMs / 1000)} s; if it never passes, roll back`,
    probe.script,
  );
  return `${lines.join('\n')}\n`;
}
