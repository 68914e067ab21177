import { isGiven, type ConfigSource } from '../../config/resolve-config.js';
import type { Config } from '../../config/settings.js';

/**
 * The clickstream's own topic, dead-letter topic, consumer group and window size. They replace the city defaults only
 * where the user kept the default, so `--topic`, CITYSTREAM_TOPIC and the config file still win.
 */
export const CLICKSTREAM_DEFAULTS = {
  topic: 'clickstream',
  dlqTopic: 'clickstream.dlq',
  group: 'citystream-clickstream',
} as const;

/** The clickstream's windows are 1 minute (the city's 5) unless the window size was given. */
export const CLICKSTREAM_WINDOW_MINUTES = 1;

export function clickstreamConfig(config: Config, sources: Record<string, ConfigSource>): Config {
  const isDefault = (key: string) => !isGiven(sources[key]);
  const pick = <K extends keyof typeof CLICKSTREAM_DEFAULTS>(key: K) =>
    isDefault(key) ? CLICKSTREAM_DEFAULTS[key] : config[key];
  return {
    ...config,
    topic: pick('topic'),
    dlqTopic: pick('dlqTopic'),
    group: pick('group'),
    windowMinutes: isDefault('windowMinutes') ? CLICKSTREAM_WINDOW_MINUTES : config.windowMinutes,
  };
}
