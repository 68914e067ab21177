import { UserError } from '../../errors.js';
import { renderPairs } from '../../ui/table.js';
import { defineCommand } from '../define-command.js';
import { intInRange, numberInRange, oneOf } from '../option-parsers.js';
import { deployIO, hostOptions, parseHostFlags, readSecretsFile, type HostFlags } from './host-flags.js';

interface DeployFlags extends HostFlags {
  kafka?: 'embedded' | 'external';
  dynamodb?: 'embedded' | 'aws';
  rate: number;
  producer: boolean;
  metricsPort: number;
  producerMetricsPort: number;
  brokerAdvertise?: string;
  secrets?: string;
  dryRun?: boolean;
  package?: string;
  healthTimeout: number;
}

/** `citystream deploy --host`: flags → deployToHost (src/deploy/deploy.ts). */
export const deployCommand = defineCommand<DeployFlags>({
  name: 'deploy',
  description:
    'ship this citystream to a Linux host over SSH and run it as systemd units, health-checked, rolled back on failure',
  examples: [
    'citystream deploy --host ubuntu@203.0.113.10 --identity ~/.ssh/citystream',
    'citystream deploy --host root@10.0.0.5 --no-producer --api-port 9090',
    'citystream deploy --host ec2-user@host --brokers b-1.msk.example:9092 --dynamodb aws --region eu-west-1',
    'citystream deploy --host root@10.0.0.5 --dry-run',
  ],
  settings: [
    { key: 'apiPort', description: 'port of the REST API on the host' },
    { key: 'brokerPort', description: 'port of the embedded broker on the host' },
    { key: 'dynamoPort', description: 'port of the embedded DynamoDB on the host (127.0.0.1 only)' },
  ],
  options: [
    ...hostOptions(true),
    {
      flags: '--kafka <kind>',
      description: 'embedded broker unit, or an external Kafka (--brokers)',
      parse: oneOf(['embedded', 'external']),
    },
    {
      flags: '--dynamodb <kind>',
      description: 'embedded DynamoDB unit (default), or AWS DynamoDB in --region',
      parse: oneOf(['embedded', 'aws']),
    },
    {
      flags: '--rate <n>',
      description: 'events per second of the producer unit',
      parse: numberInRange(0.01, 100_000),
      default: 5,
    },
    { flags: '--no-producer', description: 'install no producer unit' },
    {
      flags: '--metrics-port <port>',
      description: "port of the processor's /metrics",
      parse: intInRange(1, 65535),
      default: 9464,
    },
    {
      flags: '--producer-metrics-port <port>',
      description: "port of the producer's /metrics",
      parse: intInRange(1, 65535),
      default: 9465,
    },
    {
      flags: '--broker-advertise <address>',
      description: 'address the broker gives clients (default: the --host address)',
    },
    {
      flags: '--secrets <file>',
      description: "NAME=value lines for the services' environment file (never shown, never in argv)",
    },
    {
      flags: '--dry-run',
      description: 'print every command and file for the host, secrets masked; run nothing there',
    },
    {
      flags: '--package <file>',
      description: 'deploy this npm pack tarball instead of building',
      hidden: true,
    },
    {
      flags: '--health-timeout <seconds>',
      description: 'how long to wait for health',
      parse: intInRange(5, 3600),
      default: 90,
    },
  ],
  async handler(ctx, flags) {
    const target = parseHostFlags(flags, ctx.io.cwd);
    if (!target)
      throw new UserError('deploy needs --host USER@ADDRESS', {
        hint: 'e.g. citystream deploy --host ubuntu@203.0.113.10 --identity ~/.ssh/id_ed25519',
      });
    const { deployToHost, checkIdentityFile } = await import('../../deploy/deploy.js');
    if (target.identityFile) await checkIdentityFile(target.identityFile);
    const brokersGiven = ctx.sources.brokers !== 'default';
    const kafka = flags.kafka ?? (brokersGiven ? 'external' : 'embedded');
    const result = await deployToHost(
      target,
      {
        stack: flags.stack,
        kafka,
        brokers: kafka === 'external' ? ctx.config.brokers : [],
        dynamodb: flags.dynamodb ?? (ctx.config.target === 'aws' ? 'aws' : 'embedded'),
        region: ctx.config.region,
        endpoint: ctx.config.target === 'aws' ? ctx.config.endpoint : undefined,
        prefix: ctx.config.prefix,
        producer: flags.producer,
        rate: flags.rate,
        ports: {
          api: ctx.config.apiPort,
          broker: ctx.config.brokerPort,
          dynamo: ctx.config.dynamoPort,
          processorMetrics: flags.metricsPort,
          producerMetrics: flags.producerMetricsPort,
        },
        brokerAdvertised: flags.brokerAdvertise,
        secrets: flags.secrets ? await readSecretsFile(flags.secrets, ctx.io.cwd) : {},
        healthTimeoutMs: flags.healthTimeout * 1000,
        dryRun: flags.dryRun,
        packageFile: flags.package,
      },
      await deployIO(ctx),
    );
    if (flags.dryRun) return;
    const document = {
      stack: result.stack,
      host: result.host,
      release: result.release,
      previous_release: result.previousRelease ?? null,
      changed: result.changed,
      restarted: result.restarted,
      started: result.started,
      removed: result.removed,
      services: result.services,
      api: result.api,
      brokers: result.brokers,
      duration_ms: result.durationMs,
    };
    ctx.out.result(document, () =>
      renderPairs([
        ['stack', result.stack],
        ['host', result.host],
        ['release', result.release],
        ['changed', result.changed ? 'yes' : 'no (restarted nothing)'],
        ['restarted', result.restarted.join(', ') || '-'],
        ['started', result.started.join(', ') || '-'],
        ['API', result.api],
        ['brokers', result.brokers.join(',')],
        ['took', `${(result.durationMs / 1000).toFixed(1)} s`],
      ]),
    );
  },
});
