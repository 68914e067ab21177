/**
 * Pins an instance's SSH host key from its console output: cloud-init (and our user-data) print the
 * public host keys between these markers at first boot, over a channel that does not go through SSH.
 * Pure: console text in, one known_hosts line out.
 */

const BEGIN = '-----BEGIN SSH HOST KEY KEYS-----';
const END = '-----END SSH HOST KEY KEYS-----';
const PREFERENCE = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'ssh-rsa',
];

export interface HostKey {
  type: string;
  key: string;
}

/** Every host key in the last complete block of the console output. */
export function hostKeysFromConsole(output: string): HostKey[] {
  const start = output.lastIndexOf(BEGIN);
  if (start < 0) return [];
  const end = output.indexOf(END, start);
  if (end < 0) return [];
  const keys: HostKey[] = [];
  for (const raw of output.slice(start + BEGIN.length, end).split(/\r?\n/)) {
    // Console lines can carry a "[   12.3] " or "ci-info: " prefix; the key is the type and base64 that follow.
    const m = /(ssh-ed25519|ecdsa-sha2-nistp\d+|ssh-rsa) (AAAA[A-Za-z0-9+/]+={0,3})/.exec(raw);
    if (m) keys.push({ type: m[1]!, key: m[2]! });
  }
  return keys;
}

/** The known_hosts line for the strongest key found, or undefined if the keys are not printed yet. */
export function knownHostsLine(host: string, output: string): string | undefined {
  const keys = hostKeysFromConsole(output);
  const best = [...keys].sort((a, b) => PREFERENCE.indexOf(a.type) - PREFERENCE.indexOf(b.type))[0];
  return best ? `${host} ${best.type} ${best.key}` : undefined;
}
