import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Renders the files under templates/ with a fixed set of variables: `{{name}}` is replaced by the value
 * of `name`, and nothing else happens (no conditions, no loops: the builders decide, templates only
 * show). A variable the template uses but the caller did not give, or one given but unused, is a bug
 * and throws, so a renamed variable cannot silently render an empty string.
 */
export function renderTemplate(
  text: string,
  variables: Readonly<Record<string, string>>,
  name = 'template',
): string {
  const used = new Set<string>();
  const rendered = text.replace(/\{\{([a-z_]+)\}\}/g, (_match, key: string) => {
    const value = variables[key];
    if (value === undefined) throw new Error(`${name}: no value for {{${key}}}`);
    used.add(key);
    return value;
  });
  const unused = Object.keys(variables).filter((k) => !used.has(k));
  if (unused.length > 0) throw new Error(`${name}: variables not used by the template: ${unused.join(', ')}`);
  return rendered;
}

/** templates/ of this package (src/deploy/remote → ../../../templates, and the same from dist/). */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../../templates/', import.meta.url));

const cache = new Map<string, string>();

/** Reads templates/<relative> (cached; templates are part of the package and do not change at run time). */
export function readTemplate(relative: string): string {
  let text = cache.get(relative);
  if (text === undefined) {
    text = readFileSync(`${TEMPLATES_DIR}${relative}`, 'utf8');
    cache.set(relative, text);
  }
  return text;
}

export function renderTemplateFile(relative: string, variables: Readonly<Record<string, string>>): string {
  return renderTemplate(readTemplate(relative), variables, `templates/${relative}`);
}
