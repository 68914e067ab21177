/** Kafka's rules for topic names: 1-249 characters from [a-zA-Z0-9._-], and not "." or "..". */
export function topicNameProblem(name: string): string | null {
  if (name.length === 0) return 'topic name is empty';
  if (name === '.' || name === '..') return `topic name cannot be "${name}"`;
  if (name.length > 249) return `topic name is ${name.length} characters, the limit is 249`;
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) return `topic name "${name}" has characters outside [a-zA-Z0-9._-]`;
  return null;
}
