import { readFile } from 'node:fs/promises';
import type { DesiredStack } from './stack-spec.js';
import { SECRET_LAUNCHER } from './stack-spec.js';

/**
 * The instance's user-data, rendered from templates/aws/ with a fixed set of variables (no logic in the
 * templates): the base script, the Apache Kafka part with --kafka apache, the host-key printout last.
 */

/** Apache Kafka on the instance with --kafka apache: a pinned release and its published SHA-512. */
export const APACHE_KAFKA = {
  version: '3.7.2',
  scala: '2.13',
  sha512:
    '65c09fbe8c78098b1efb26632a35d90ee709327a7aab13b37b2023692e1649105714ea513253a19f2cb685dc2c0c3837f32e39e9fb1d8d2367fe4650e5ad3cdc',
} as const;

export interface UserDataTemplates {
  base: string;
  kafka: string;
  hostKeys: string;
}

/** templates/ is two levels above src/deploy/aws and dist/deploy/aws alike. */
const TEMPLATES = new URL('../../../templates/aws/', import.meta.url);

export async function loadUserDataTemplates(): Promise<UserDataTemplates> {
  const [base, kafka, hostKeys] = await Promise.all(
    ['user-data.sh', 'kafka-kraft.sh', 'host-keys.sh'].map((f) => readFile(new URL(f, TEMPLATES), 'utf8')),
  );
  return { base: base!, kafka: kafka!, hostKeys: hostKeys! };
}

export function renderUserData(stack: DesiredStack, templates: UserDataTemplates): string {
  const vars: Record<string, string> = {
    STACK: stack.name,
    REGION: stack.region,
    SECRET_ID: stack.secretName,
    SECRET_LAUNCHER,
    KAFKA_VERSION: APACHE_KAFKA.version,
    SCALA_VERSION: APACHE_KAFKA.scala,
    KAFKA_SHA512: APACHE_KAFKA.sha512,
  };
  const parts = [templates.base, ...(stack.kafka === 'apache' ? [templates.kafka] : []), templates.hostKeys];
  return renderTemplate(parts.join(''), vars);
}

/** Replaces `{{NAME}}`; a name without a value is a bug in the caller, not something to leave in. */
export function renderTemplate(text: string, vars: Record<string, string>): string {
  return text.replace(/\{\{([A-Z0-9_]+)\}\}/g, (_m, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`template variable {{${name}}} has no value`);
    return value;
  });
}
