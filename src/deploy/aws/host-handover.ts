import type { HostSettings, HostTarget } from './host-deployer.js';
import { SECRET_LAUNCHER, SSH_PORT, SSH_USER, type DesiredStack } from './stack-spec.js';
import type { StackFiles } from './stack-record.js';

/** What the AWS deploy hands to the --host deploy: the instance as an SSH target, and its settings. Pure. */

export function hostSettings(stack: DesiredStack): HostSettings {
  return {
    target: 'aws',
    region: stack.region,
    tablePrefix: stack.tablePrefix,
    apiPort: stack.apiPort,
    apiHost: '0.0.0.0',
    kafka: stack.kafka,
    brokers: stack.kafka === 'external' ? stack.brokers : ['127.0.0.1:9092'],
    producer: stack.producer,
    rate: stack.rate,
    secretId: stack.secretName,
    launcher: SECRET_LAUNCHER,
    ...(stack.archive !== undefined ? { archive: stack.archive } : {}),
  };
}

export function hostTarget(
  stack: DesiredStack,
  host: string,
  hostKey: string,
  files: StackFiles,
): HostTarget {
  return {
    host,
    user: SSH_USER,
    port: SSH_PORT,
    identityFile: files.key,
    hostKey,
    stack: stack.name,
    settings: hostSettings(stack),
  };
}
