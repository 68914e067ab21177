import type { Writable } from 'node:stream';

export interface OutputStreams {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
}

export interface OutputOptions {
  json: boolean;
  env: Record<string, string | undefined>;
}

/**
 * Where a command's words go: results on stdout, everything else on stderr.
 * With --json, a result is one JSON document (or one line per record for streams) and nothing decorative
 * is printed on stdout.
 */
export class Output {
  readonly json: boolean;
  readonly color: boolean;
  /** True when progress can be redrawn in place (stderr is a terminal and --json is off). */
  readonly interactive: boolean;

  constructor(
    readonly streams: OutputStreams,
    options: OutputOptions,
  ) {
    this.json = options.json;
    this.interactive = Boolean(streams.stderr.isTTY) && !options.json && options.env.CI !== 'true';
    this.color = this.interactive && options.env.NO_COLOR === undefined && options.env.TERM !== 'dumb';
  }

  /** A result as text (already rendered) on stdout. */
  text(text: string): void {
    this.streams.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** A result document: JSON with --json, otherwise the rendered text. */
  result(document: unknown, render: () => string): void {
    if (this.json) this.streams.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    else this.text(render());
  }

  /** One record of a stream of results: one NDJSON line with --json. */
  record(document: unknown, render: () => string): void {
    if (this.json) this.streams.stdout.write(`${JSON.stringify(document)}\n`);
    else this.text(render());
  }

  info(message: string): void {
    this.streams.stderr.write(`${message}\n`);
  }

  warn(message: string): void {
    this.streams.stderr.write(`${this.color ? '\u001b[33mwarning\u001b[39m' : 'warning'}: ${message}\n`);
  }
}
