import { connect } from 'node:net';

/** True when something on host:port answers with an SSH banner within the timeout. */
export function sshAnswers(host: string, port: number, timeoutMs = 5000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('data', (chunk) => finish(chunk.toString('latin1').startsWith('SSH-')));
    socket.once('error', () => finish(false));
  });
}
