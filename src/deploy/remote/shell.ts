/** Shell quoting for the POSIX sh commands the builders produce. */

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one word for sh; words made only of safe characters stay as they are (readable commands). */
export function quote(word: string): string {
  if (word !== '' && SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Joins an argv into one sh command line. */
export function shellJoin(argv: readonly string[]): string {
  return argv.map(quote).join(' ');
}
