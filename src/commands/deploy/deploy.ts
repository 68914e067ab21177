import { isGiven } from '../../config/resolve-config.js';
import type { HostTarget } from '../../deploy/options.js';
import { UserError } from '../../errors.js';
import { renderPairs } from '../../ui/table.js';
import type { Context } from '../context.js';
import { defineCommand } from '../define-command.js';
import { intInRange, numberInRange, oneOf } from '../option-parsers.js';
import type { AwsOverrides } from './aws.js';
import {
  deployIO,
  hostOptions,
  parseHostFlags,
  readSecretsFile,
  refuseFlags,
  type HostFlags,
} from './host-flags.js';

export interface DeployCommandFlags extends HostFlags {
  kafka?: 'embedded' | 'external' | 'apache';
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
  monitoring?: boolean;
  prometheusPort: number;
  grafanaPort: number;
  grafanaTarball?: string;
  grafanaSha256?: string;
  archive?: string;
  allowCidr?: string;
  allowAny?: boolean;
  instanceType?: string;
  yes?: boolean;
}

/**
 * Flags of the --host deploy alone (those without a default, so that giving one can be told).
 * `--monitoring` is one too, but runDeploy refuses it on AWS first, with its own reason.
 */
const HOST_ONLY = {
  identity: '--identity',
  dynamodb: '--dynamodb',
  brokerAdvertise: '--broker-advertise',
  secrets: '--secrets',
  package: '--package',
  grafanaTarball: '--grafana-tarball',
  grafanaSha256: '--grafana-sha256',
};
const AWS_ONLY = {
  allowCidr: '--allow-cidr',
  allowAny: '--allow-any',
  instanceType: '--instance-type',
};

/**
 * `citystream deploy`: with --host, flags → deployToHost (src/deploy/deploy.ts); without, the AWS
 * deploy (src/deploy/aws/stack.ts), which then installs the services with deployToHost as well.
 */
export async function runDeploy(
  ctx: Context,
  flags: DeployCommandFlags,
  aws: AwsOverrides = {},
): Promise<void> {
  const target = parseHostFlags(flags, ctx.io.cwd);
  // Parsed here, not as the option is read: the parser is the archive's, which `--help` must not load.
  if (flags.archive !== undefined)
    flags = { ...flags, archive: (await import('./archive-flag.js')).hostArchiveTarget(flags.archive) };
  if (target) return deployHost(ctx, flags, target);
  if (flags.monitoring)
    // The instance runs Amazon Linux 2023, which packages no Prometheus; a pinned release tarball would
    // have to be installed instead, and that path is not built (docs/deploy.md, "Monitoring").
    throw new UserError('--monitoring is not available on the AWS deploy yet: only with --host', {
      hint: 'deploy onto a Debian or Ubuntu host of yours with --host USER@ADDRESS --monitoring',
    });
  refuseFlags(flags, HOST_ONLY, 'with --host');
  const brokersGiven = isGiven(ctx.sources.brokers);
  if (flags.kafka === 'external' && !brokersGiven)
    throw new UserError('--kafka external needs --brokers', {
      hint: 'e.g. --brokers b-1.msk.example:9092, or --kafka embedded|apache to run Kafka on the instance',
    });
  const { deployAws } = await import('./aws.js');
  await deployAws(
    ctx,
    {
      stack: flags.stack,
      allowCidr: flags.allowCidr,
      allowAny: flags.allowAny,
      instanceType: flags.instanceType,
      kafka: flags.kafka === 'external' ? undefined : flags.kafka,
      rate: flags.rate,
      producer: flags.producer,
      dryRun: flags.dryRun,
      yes: flags.yes,
      archive: flags.archive,
    },
    aws,
  );
}

export const deployCommand = defineCommand<DeployCommandFlags>({
  name: 'deploy',
  description:
    'run the pipeline on AWS (EC2, IAM, Secrets Manager, DynamoDB), or with --host on a Linux host of yours over SSH, as systemd units, health-checked, rolled back on failure',
  examples: [
    'citystream deploy --stack demo --dry-run',
    'citystream deploy --stack demo --region eu-west-1 --allow-cidr 203.0.113.7/32 --yes',
    'citystream deploy --stack demo --kafka apache --instance-type t3.medium --yes',
    'citystream deploy --host ubuntu@203.0.113.10 --identity ~/.ssh/citystream',
    'citystream deploy --host root@10.0.0.5 --no-producer --api-port 9090',
    'citystream deploy --host ec2-user@host --brokers b-1.msk.example:9092 --dynamodb aws --region eu-west-1',
    'citystream deploy --host root@10.0.0.5 --dry-run',
    'citystream deploy --host root@10.0.0.5 --monitoring   # then: citystream tunnel grafana',
  ],
  settings: [
    { key: 'apiPort', description: 'port of the REST API on the host' },
    { key: 'brokerPort', description: 'port of the embedded broker on the host (--host)' },
    {
      key: 'dynamoPort',
      description: 'port of the embedded DynamoDB on the host (--host; 127.0.0.1 only)',
    },
    { key: 'billingMode', description: "billing mode of the stack's tables (AWS)" },
  ],
  options: [
    ...hostOptions(),
    {
      flags: '--kafka <kind>',
      description:
        'embedded broker unit; external: a Kafka at --brokers; apache: Apache Kafka on the instance (AWS)',
      parse: oneOf(['embedded', 'external', 'apache']),
    },
    {
      flags: '--allow-cidr <cidr>',
      description: 'AWS: who may reach SSH and the API (default: your public address /32)',
    },
    { flags: '--allow-any', description: 'AWS: allow --allow-cidr 0.0.0.0/0' },
    { flags: '--instance-type <type>', description: 'AWS: EC2 instance type (default t3.small)' },
    {
      flags: '--dynamodb <kind>',
      description: '--host: embedded DynamoDB unit (default), or AWS DynamoDB in --region',
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
      description:
        'change nothing: AWS: print the plan and the monthly cost; --host: every command and file for the host, secrets masked',
    },
    { flags: '-y, --yes', description: 'AWS: do not ask for confirmation' },
    {
      flags: '--package <file>',
      description: 'deploy this npm pack tarball instead of building',
      hidden: true,
    },
    {
      flags: '--monitoring',
      description:
        '--host: also Prometheus (scraping every service) and Grafana (datasource and dashboards provisioned), on 127.0.0.1 of the host; see `citystream tunnel`',
    },
    {
      flags: '--prometheus-port <port>',
      description: 'port of Prometheus on 127.0.0.1 of the host (--monitoring)',
      parse: intInRange(1, 65535),
      default: 9090,
    },
    {
      flags: '--grafana-port <port>',
      description: 'port of Grafana on 127.0.0.1 of the host (--monitoring)',
      parse: intInRange(1, 65535),
      default: 3000,
    },
    {
      flags: '--grafana-tarball <url>',
      description:
        'install Grafana from this release tarball (a mirror, another architecture) instead of the pinned one; needs --grafana-sha256',
    },
    {
      flags: '--grafana-sha256 <hex>',
      description: 'the SHA-256 the --grafana-tarball must have; the host checks it before unpacking',
    },
    {
      flags: '--archive <url>',
      description:
        'the processor also archives every raw message (gzip NDJSON by hour) to file:///dir on the host, or to s3://bucket/prefix (on AWS the instance role may write only there)',
    },
    {
      flags: '--health-timeout <seconds>',
      description: 'how long to wait for health',
      parse: intInRange(5, 3600),
      default: 90,
    },
  ],
  handler: (ctx, flags) => runDeploy(ctx, flags),
});

async function deployHost(ctx: Context, flags: DeployCommandFlags, target: HostTarget): Promise<void> {
  refuseFlags(flags, AWS_ONLY, 'on AWS (without --host)');
  if (flags.kafka === 'apache')
    throw new UserError('--kafka apache is for the AWS deploy (without --host)', {
      hint: 'on a host of yours, run Kafka and pass --kafka external --brokers HOST:9092',
    });
  const { deployToHost, checkIdentityFile } = await import('../../deploy/deploy.js');
  if (target.identityFile) await checkIdentityFile(target.identityFile);
  if ((flags.grafanaTarball === undefined) !== (flags.grafanaSha256 === undefined))
    throw new UserError('--grafana-tarball and --grafana-sha256 go together', {
      hint: 'pass the URL of a Grafana release tarball and its SHA-256, or neither for the pinned release',
    });
  if (flags.grafanaTarball !== undefined && !flags.monitoring)
    throw new UserError('--grafana-tarball is for --monitoring', { hint: 'add --monitoring' });
  const brokersGiven = isGiven(ctx.sources.brokers);
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
        prometheus: flags.prometheusPort,
        grafana: flags.grafanaPort,
      },
      monitoring: Boolean(flags.monitoring),
      archive: flags.archive,
      ...(flags.grafanaTarball !== undefined && {
        grafana: { url: flags.grafanaTarball, sha256: String(flags.grafanaSha256).toLowerCase() },
      }),
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
    monitoring: result.monitoring ?? null,
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
      ...(result.monitoring
        ? ([
            [
              'monitoring',
              `Prometheus ${result.monitoring.prometheus}, Grafana ${result.monitoring.grafana} on the host: citystream tunnel grafana`,
            ],
          ] as Array<[string, string]>)
        : []),
      ['took', `${(result.durationMs / 1000).toFixed(1)} s`],
    ]),
  );
}
