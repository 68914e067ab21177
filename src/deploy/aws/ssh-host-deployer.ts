import { deployToHost, type DeployIO, type DeployRequest } from '../deploy.js';
import { describeHostDeploy } from '../dry-run.js';
import { stackStatus } from '../operate.js';
import { unitName } from '../layout.js';
import { DEFAULT_PORTS, type HostTarget as SshTarget } from '../options.js';
import { readStackRecord, removeStackRecord } from '../stack-record.js';
import type { HostDeployer, HostServiceState, HostTarget } from './host-deployer.js';

/**
 * The real {@link HostDeployer}: the `deploy --host` code path (src/deploy/deploy.ts, operate.ts) run
 * against the instance with its key file and the host key pinned from the console output. The services
 * use DynamoDB in the region with the instance profile; Kafka is the embedded broker on 127.0.0.1, the
 * Apache Kafka user-data installed (kafka.service on 127.0.0.1:9092, an "external" Kafka to the host
 * deploy), or the --brokers cluster. Each unit starts through the secret launcher, which exports the API
 * token read from Secrets Manager: no secret passes through here.
 */

/** Where the embedded broker listens on the instance (the security group opens only SSH and the API). */
const ON_HOST = '127.0.0.1';

/** The AWS side's host target → what deployToHost takes. Pure. */
export function sshDeployArgs(target: HostTarget): { target: SshTarget; request: DeployRequest } {
  const s = target.settings;
  return {
    target: {
      host: target.host,
      user: target.user,
      port: target.port,
      identityFile: target.identityFile,
      knownHostsLine: target.hostKey,
    },
    request: {
      stack: target.stack,
      kafka: s.kafka === 'embedded' ? 'embedded' : 'external',
      brokers: s.kafka === 'embedded' ? [] : s.brokers,
      brokerListen: ON_HOST,
      brokerAdvertised: ON_HOST,
      dynamodb: 'aws',
      region: s.region,
      prefix: s.tablePrefix,
      producer: s.producer,
      rate: s.rate,
      ports: { ...DEFAULT_PORTS, api: s.apiPort },
      execPrefix: s.launcher,
      secrets: {},
      archive: s.archive,
    },
  };
}

export type SshDeployerIO = Omit<DeployIO, 'signal'> & { signal?: AbortSignal };

export function sshHostDeployer(io: SshDeployerIO): HostDeployer {
  const withSignal = (signal: AbortSignal | undefined): DeployIO => ({
    ...io,
    signal: signal ?? io.signal ?? new AbortController().signal,
  });
  return {
    async deploy(target, options = {}) {
      const args = sshDeployArgs(target);
      await forgetReplacedInstance(io.stacksDir, target);
      const result = await deployToHost(args.target, args.request, {
        ...withSignal(options.signal),
        info: options.onProgress ?? io.info,
      });
      return {
        release: result.release,
        services: result.services.map((s) => ({ name: unitName(s), state: 'active' })),
      };
    },
    async status(target, options = {}) {
      const args = sshDeployArgs(target);
      await forgetReplacedInstance(io.stacksDir, target);
      const status = await stackStatus(
        { stack: target.stack, target: args.target },
        withSignal(options.signal),
      );
      return status.services.map((s): HostServiceState => ({
        name: s.unit,
        state: s.state,
        detail: s.subState || undefined,
      }));
    },
    describe(target) {
      const args = sshDeployArgs(target);
      return describeHostDeploy(args.target, args.request);
    },
  };
}

/**
 * The host record of this stack names the instance's key file but another address: the instance was
 * replaced, so the record (which would make the host deploy refuse the new address) is out of date.
 */
async function forgetReplacedInstance(stacksDir: string, target: HostTarget): Promise<void> {
  const record = await readStackRecord(stacksDir, target.stack);
  if (record && record.identityFile === target.identityFile && record.host !== target.host)
    await removeStackRecord(stacksDir, target.stack);
}
