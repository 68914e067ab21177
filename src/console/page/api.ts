/**
 * The page's reads of the REST API. When the API answers 401 (a deployed stack behind its token), the
 * page asks for the token once, keeps it in sessionStorage (gone when the tab closes) and sends it as
 * `Authorization: Bearer`; the event stream, which EventSource opens without headers, gets it as
 * `?access_token=`.
 */

const TOKEN_KEY = 'citystream.token';
let prompt: Promise<string> | undefined;

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function token(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export async function getJson<T>(path: string): Promise<T> {
  for (;;) {
    const current = token();
    const res = await fetch(`/api/v1${path}`, {
      headers: current ? { authorization: `Bearer ${current}` } : {},
    });
    if (res.status === 401) {
      await askForToken(current !== null);
      continue;
    }
    const body = (await res.json().catch(() => ({}))) as { message?: string };
    if (!res.ok) throw new ApiFailure(res.status, body.message ?? `HTTP ${res.status}`);
    return body as T;
  }
}

/** One dialog for every request that met a 401 meanwhile. */
export function askForToken(wrong: boolean): Promise<string> {
  prompt ??= new Promise<string>((resolve) => {
    const dialog = document.getElementById('token-dialog') as HTMLDialogElement;
    const form = dialog.querySelector('form')!;
    const input = dialog.querySelector('input')!;
    const note = dialog.querySelector('.token-note')!;
    note.textContent = wrong ? 'That token was refused; enter the API token again.' : '';
    input.value = '';
    const submit = (e: Event) => {
      e.preventDefault();
      if (!input.value) return;
      sessionStorage.setItem(TOKEN_KEY, input.value);
      form.removeEventListener('submit', submit);
      dialog.close();
      prompt = undefined;
      resolve(input.value);
    };
    form.addEventListener('submit', submit);
    dialog.showModal();
    input.focus();
  });
  return prompt;
}

// The documents, as the API declares them (type-only imports: nothing of the server is bundled).
export type {
  AggregationDocument as WindowDoc,
  EventDocument as EventDoc,
  ListDocument,
  SummaryDocument as SummaryDoc,
} from '../../queries/document-schemas.js';
export type {
  DeadLetterDocument as DeadLetterDoc,
  RatesDocument as RatesDoc,
  ServiceDocument as ServiceDoc,
} from '../../processor/live-schemas.js';
import type { EventDocument as EventDoc } from '../../queries/document-schemas.js';

/** The API's order for events and alerts: newest first, ties by event_id descending. */
export function newestFirst(a: EventDoc, b: EventDoc): number {
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? 1 : -1;
  return a.event_id < b.event_id ? 1 : a.event_id > b.event_id ? -1 : 0;
}
