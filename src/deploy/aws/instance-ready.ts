import { DescribeInstancesCommand, GetConsoleOutputCommand } from '@aws-sdk/client-ec2';
import { awsErrorName, type AwsClients } from '../../clients/aws.js';
import { knownHostsLine } from './host-key.js';
import { pollUntil, type Timing } from './timing.js';

/** Waiting for a launched instance: its state, its public address, and its SSH host key. */

export async function instanceState(clients: AwsClients, id: string): Promise<string | undefined> {
  const { Reservations } = await clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return Reservations?.[0]?.Instances?.[0]?.State?.Name;
}

export async function waitForInstance(clients: AwsClients, id: string, timing: Timing, signal?: AbortSignal) {
  return pollUntil(
    timing,
    `instance ${id} to be running with a public address`,
    async () => {
      const { Reservations } = await clients.ec2
        .send(new DescribeInstancesCommand({ InstanceIds: [id] }))
        .catch((err: unknown) => {
          // A just-launched instance can be unknown to DescribeInstances for a moment.
          if (awsErrorName(err) === 'InvalidInstanceID.NotFound') return { Reservations: [] };
          throw err;
        });
      const i = Reservations?.[0]?.Instances?.[0];
      return i?.State?.Name === 'running' && i.PublicIpAddress
        ? { id, publicIp: i.PublicIpAddress }
        : undefined;
    },
    signal,
  );
}

/** Reads the host key from the console output; cloud-init prints it a little after SSH starts. */
export async function pinHostKey(
  clients: AwsClients,
  id: string,
  ip: string,
  timing: Timing,
  signal?: AbortSignal,
): Promise<string> {
  return pollUntil(
    timing,
    `the SSH host key of ${id} on its console output`,
    async () => {
      const { Output } = await clients.ec2.send(
        new GetConsoleOutputCommand({ InstanceId: id, Latest: true }),
      );
      return Output ? knownHostsLine(ip, Buffer.from(Output, 'base64').toString('utf8')) : undefined;
    },
    signal,
  );
}
