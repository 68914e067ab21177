import { UserError } from '../errors.js';
import { formatDuration, parseDuration } from './duration.js';
import { envName, settings, type Config, type SettingDefinition } from './settings.js';

export type ConfigSource = 'flag' | 'env' | 'file' | 'default' | 'derived';

export interface ResolvedConfig {
  values: Config;
  sources: Record<string, ConfigSource>;
  /** The config file that was read, if any. */
  file?: string;
}

export interface ConfigInputs {
  /** Values from flags, keyed by setting key; undefined means "not given". */
  flags: Record<string, unknown>;
  env: Record<string, string | undefined>;
  /** The parsed config file, if one was found. */
  file?: { path: string; values: Record<string, unknown> };
}

/**
 * Resolves every setting: flags > CITYSTREAM_* environment > config file > defaults.
 * All problems are collected and reported together, so a user fixes them in one go.
 */
export function resolveConfig(inputs: ConfigInputs): ResolvedConfig {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  const sources: Record<string, ConfigSource> = {};
  const known = new Set<string>(settings.map((s) => s.key));

  for (const key of Object.keys(inputs.file?.values ?? {})) {
    if (!known.has(key)) problems.push(`${inputs.file?.path}: unknown setting "${key}"`);
  }

  for (const def of settings as readonly SettingDefinition[]) {
    const candidates: Array<[ConfigSource, unknown, string]> = [
      ['flag', inputs.flags[def.key], `--${kebab(def.key)}`],
      ['env', inputs.env[envName(def.key)], envName(def.key)],
      ['file', inputs.file?.values[def.key], `${inputs.file?.path}: ${def.key}`],
    ];
    const chosen = candidates.find(([, raw]) => raw !== undefined && raw !== '');
    if (!chosen) {
      if (def.default !== undefined) {
        values[def.key] = def.default;
        sources[def.key] = 'default';
      }
      continue;
    }
    const [source, raw, label] = chosen;
    const parsed = parseSetting(def, raw);
    if (typeof parsed === 'string') problems.push(`${label}: ${parsed}`);
    else {
      values[def.key] = parsed.value;
      sources[def.key] = source;
    }
  }

  if (problems.length > 0) {
    const hint = 'see `citystream config --help` for every setting and its range';
    throw new UserError(`invalid configuration: ${problems.join('; ')}`, { hint });
  }
  const config = values as unknown as Config;
  if (config.target === 'local' && config.endpoint === undefined) {
    config.endpoint = `http://127.0.0.1:${config.dynamoPort}`;
    sources.endpoint = 'derived';
  }
  // Likewise the brokers: the embedded broker `up` starts on brokerPort (0 means "any port": no address).
  if (config.target === 'local' && sources.brokers === 'default' && config.brokerPort !== 0) {
    config.brokers = [`127.0.0.1:${config.brokerPort}`];
    sources.brokers = 'derived';
  }
  return { values: config, sources, file: inputs.file?.path };
}

/** A value the user gave (flag, environment or config file), as opposed to a default or a derived one. */
export function isGiven(source: ConfigSource | undefined): boolean {
  return source === 'flag' || source === 'env' || source === 'file';
}

/** Parses one raw value; returns an error message instead of throwing so all errors can be gathered. */
export function parseSetting(def: SettingDefinition, raw: unknown): { value: unknown } | string {
  switch (def.type) {
    case 'int':
    case 'number': {
      const n =
        typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(n)) return `expected a number, got "${String(raw)}"`;
      if (def.type === 'int' && !Number.isInteger(n)) return `expected a whole number, got "${String(raw)}"`;
      if (def.min !== undefined && n < def.min) return `must be at least ${def.min}, got ${n}`;
      if (def.max !== undefined && n > def.max) return `must be at most ${def.max}, got ${n}`;
      return { value: n };
    }
    case 'duration': {
      const ms =
        typeof raw === 'number'
          ? raw
          : typeof raw === 'string' && /^\s*\d+\s*$/.test(raw)
            ? Number(raw)
            : typeof raw === 'string'
              ? parseDuration(raw)
              : undefined;
      if (ms === undefined || !Number.isFinite(ms))
        return `expected a duration such as 30s, 10m or 1h, got "${String(raw)}"`;
      if (def.min !== undefined && ms < def.min)
        return `must be at least ${formatDuration(def.min)}, got ${formatDuration(ms)}`;
      if (def.max !== undefined && ms > def.max)
        return `must be at most ${formatDuration(def.max)}, got ${formatDuration(ms)}`;
      return { value: Math.round(ms) };
    }
    case 'enum': {
      const s = String(raw);
      if (!def.choices?.includes(s)) return `must be one of ${def.choices?.join(', ')}, got "${s}"`;
      return { value: s };
    }
    case 'list': {
      const items = (Array.isArray(raw) ? raw.map(String) : String(raw).split(','))
        .map((s) => s.trim())
        .filter((s) => s !== '');
      if (items.length === 0) return 'must not be empty';
      const bad = def.choices ? items.filter((i) => !def.choices?.includes(i)) : [];
      if (bad.length > 0) return `unknown value(s) ${bad.join(', ')}; choose from ${def.choices?.join(', ')}`;
      return { value: items };
    }
    case 'url': {
      const s = String(raw);
      try {
        const url = new URL(s);
        if (url.protocol !== 'http:' && url.protocol !== 'https:')
          return `must be an http(s) URL, got "${s}"`;
      } catch {
        return `must be a URL such as http://127.0.0.1:8000, got "${s}"`;
      }
      return { value: s };
    }
    case 'string': {
      if (typeof raw !== 'string' && typeof raw !== 'number')
        return `expected text, got ${JSON.stringify(raw)}`;
      return { value: String(raw) };
    }
  }
}

export function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
