import { isTunnelService, TUNNEL_SERVICES } from '../../deploy/monitoring.js';
import { UserError } from '../../errors.js';
import { defineCommand } from '../define-command.js';
import { intInRange } from '../option-parsers.js';
import { runUntilStopped } from '../run-until-stopped.js';
import { deployIO } from './host-flags.js';

interface TunnelFlags {
  localPort?: number;
  stack: string;
}

/** `citystream tunnel grafana|prometheus`: flags → openTunnel (src/deploy/tunnel.ts), until Ctrl-C. */
export const tunnelCommand = defineCommand<TunnelFlags>({
  name: 'tunnel',
  description:
    'reach Grafana or Prometheus of a stack deployed with --monitoring (127.0.0.1 of the host only) through an SSH forward to 127.0.0.1 here, until Ctrl-C; prints the local URL',
  examples: [
    'citystream tunnel grafana',
    'citystream tunnel prometheus --local-port 19090',
    'citystream tunnel grafana --stack prod --json',
  ],
  arguments: [{ name: '<service>', description: TUNNEL_SERVICES.join(' or ') }],
  options: [
    {
      flags: '--local-port <port>',
      description: 'port on 127.0.0.1 here (default: the one it has on the host, 3000 or 9090)',
      parse: intInRange(1, 65535),
    },
    {
      flags: '--stack <name>',
      description: 'the stack: its record is .citystream/stacks/<name>.json',
      default: 'default',
    },
  ],
  async handler(ctx, flags, args) {
    const service = String(args[0]);
    if (!isTunnelService(service))
      throw new UserError(`cannot tunnel to "${service}"`, {
        hint: `choose ${TUNNEL_SERVICES.join(' or ')}`,
      });
    const { openTunnel } = await import('../../deploy/tunnel.js');
    const tunnel = await openTunnel(
      { stack: flags.stack, service, localPort: flags.localPort },
      await deployIO(ctx),
    );
    ctx.out.result(
      {
        service,
        url: tunnel.url,
        local_port: tunnel.localPort,
        host: tunnel.host,
        remote: `127.0.0.1:${tunnel.remotePort}`,
      },
      () => tunnel.url,
    );
    ctx.out.info(
      `${service} of stack ${flags.stack}: 127.0.0.1:${tunnel.remotePort} on ${tunnel.host}, forwarded over SSH; Ctrl-C to close`,
    );
    if (tunnel.passwordCommand)
      ctx.out.info(`log in as admin; the password stays on the host: ${tunnel.passwordCommand}`);
    await runUntilStopped(ctx, {
      stopping: 'closing the tunnel',
      stopped: 'tunnel closed',
      stop: () => tunnel.stop(),
      ended: tunnel.ended,
    });
  },
});
