import { Command, Option } from 'commander';
import { UserError } from '../../errors.js';
import { renderPairs } from '../../ui/table.js';
import { type CommandModule, withExamples } from '../command.js';
import { intInRange, numberInRange, oneOf } from '../option-parsers.js';
import { addHostFlags, deployIO, parseHostFlags, readSecretsFile, type HostFlags } from './host-flags.js';

interface DeployFlags extends HostFlags {
  kafka?: 'embedded' | 'external';
  dynamodb?: 'embedded' | 'aws';
  rate: number;
  producer: boolean;
  apiPort: number;
  brokerPort: number;
  dynamoPort: number;
  metricsPort: number;
  producerMetricsPort: number;
  brokerAdvertise?: string;
  secrets?: string;
  dryRun?: boolean;
  package?: string;
  healthTimeout: number;
}

/** `citystream deploy --host`: flags → deployToHost (src/deploy/deploy.ts). */
export const deployCommand: CommandModule = {
  name: 'deploy',
  register(program, services) {
    const cmd = addHostFlags(
      new Command('deploy').description(
        'ship this citystream to a Linux host over SSH and run it as systemd units, health-checked, rolled back on failure',
      ),
      true,
    )
      .addOption(
        new Option('--kafka <kind>', 'embedded broker unit, or an external Kafka (--brokers)').argParser(
          oneOf(['embedded', 'external']),
        ),
      )
      .addOption(
        new Option(
          '--dynamodb <kind>',
          'embedded DynamoDB unit (default), or AWS DynamoDB in --region',
        ).argParser(oneOf(['embedded', 'aws'])),
      )
      .option('--rate <n>', 'events per second of the producer unit', numberInRange(0.01, 100_000), 5)
      .option('--no-producer', 'install no producer unit')
      .option('--api-port <port>', 'port of the REST API on the host', intInRange(1, 65535), 8082)
      .option('--broker-port <port>', 'port of the embedded broker', intInRange(1, 65535), 9092)
      .option(
        '--dynamo-port <port>',
        'port of the embedded DynamoDB (127.0.0.1 only)',
        intInRange(1, 65535),
        8000,
      )
      .option('--metrics-port <port>', "port of the processor's /metrics", intInRange(1, 65535), 9464)
      .option('--producer-metrics-port <port>', "port of the producer's /metrics", intInRange(1, 65535), 9465)
      .option(
        '--broker-advertise <address>',
        'address the broker gives clients (default: the --host address)',
      )
      .option(
        '--secrets <file>',
        "NAME=value lines for the services' environment file (never shown, never in argv)",
      )
      .option('--dry-run', 'print every command and file for the host, secrets masked; run nothing there')
      .addOption(
        new Option('--package <file>', 'deploy this npm pack tarball instead of building').hideHelp(),
      )
      .addOption(
        new Option('--health-timeout <seconds>', 'how long to wait for health')
          .argParser(intInRange(5, 3600))
          .default(90),
      )
      .action(async (flags: DeployFlags, self: Command) => {
        const ctx = await services.context(self);
        const target = parseHostFlags(flags, ctx.io.cwd);
        if (!target)
          throw new UserError('deploy needs --host USER@ADDRESS', {
            hint: 'e.g. citystream deploy --host ubuntu@203.0.113.10 --identity ~/.ssh/id_ed25519',
          });
        const { deployToHost, checkIdentityFile } = await import('../../deploy/deploy.js');
        if (target.identityFile) await checkIdentityFile(target.identityFile);
        const brokersGiven = ctx.resolved.sources.brokers !== 'default';
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
              api: flags.apiPort,
              broker: flags.brokerPort,
              dynamo: flags.dynamoPort,
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
      });
    withExamples(cmd, [
      'citystream deploy --host ubuntu@203.0.113.10 --identity ~/.ssh/citystream',
      'citystream deploy --host root@10.0.0.5 --no-producer --api-port 9090',
      'citystream deploy --host ec2-user@host --brokers b-1.msk.example:9092 --dynamodb aws --region eu-west-1',
      'citystream deploy --host root@10.0.0.5 --dry-run',
    ]);
    program.addCommand(cmd);
  },
};
