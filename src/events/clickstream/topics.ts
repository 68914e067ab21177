import type { ConfigSource } from '../../config/resolve-config.js';
import type { Config } from '../../config/settings.js';

/**
 * The clickstream's own topic, dead-letter topic and consumer group. They replace the city defaults only
 * where the user kept the default, so `--topic`, CITYSTREAM_TOPIC and the config file still win.
 */
export const CLICKSTREAM_DEFAULTS = {
  topic: 'clickstream',
  dlqTopic: 'clickstream.dlq',
  group: 'citystream-clickstream',
} as const;

export function clickstreamConfig(config: Config, sources: Record<string, ConfigSource>): Config {
  const pick = <K extends keyof typeof CLICKSTREAM_DEFAULTS>(key: K) =>
    sources[key] === undefined || sources[key] === 'default' ? CLICKSTREAM_DEFAULTS[key] : config[key];
  return { ...config, topic: pick('topic'), dlqTopic: pick('dlqTopic'), group: pick('group') };
}
