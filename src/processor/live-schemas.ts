import { Type, type Static } from '@sinclair/typebox';
import { EVENT_TYPES } from '../events/event.js';

/**
 * The documents the processor publishes live (live-bus.ts) and the API serves to the console (rates,
 * window changes, dead letters, service health), declared once as JSON Schema with their TypeScript
 * types derived, as the read side's documents are in queries/document-schemas.ts.
 */

const isoTime = () => Type.String({ format: 'date-time' });
const countMap = (description?: string) => Type.Record(Type.String(), Type.Integer(), { description });

export const RatesSchema = Type.Object({
  at: isoTime(),
  events_in_per_s: Type.Number(),
  written_per_s: Type.Number({ description: 'valid events written to the raw events table' }),
  late_per_s: Type.Number(),
  dead_letters_per_s: Type.Number(),
  invalid_per_s: Type.Number(),
  lag: countMap('consumer lag by partition'),
  totals: Type.Object({
    consumed: Type.Integer(),
    written: Type.Integer(),
    late: Type.Integer(),
    dead_letters: Type.Integer(),
    invalid: Type.Integer(),
  }),
});

export const RatesListSchema = Type.Object({ count: Type.Integer(), items: Type.Array(RatesSchema) });

export const WindowChangeSchema = Type.Object(
  {
    city: Type.String(),
    event_type: Type.String({ enum: [...EVENT_TYPES] }),
    window_start: isoTime(),
    window_end: isoTime(),
    partition: Type.Union([Type.Integer(), Type.Null()], {
      description: 'null: the whole window, read from the table',
    }),
    event_count: Type.Integer(),
    low: Type.Integer(),
    medium: Type.Integer(),
    high: Type.Integer(),
    critical: Type.Integer(),
    final: Type.Boolean(),
  },
  {
    description: "one partition's contribution to a window after a write (the table's item sums partitions)",
  },
);

export const DeadLetterSchema = Type.Object({
  at: isoTime(),
  reason: Type.String(),
  source_topic: Type.String(),
  source_partition: Type.Integer(),
  source_offset: Type.Integer(),
  key: Type.Union([Type.String(), Type.Null()]),
  value: Type.Union([Type.String(), Type.Null()], { description: 'the raw message value, as received' }),
  window: Type.Optional(Type.String({ description: 'late events: the window that was already final' })),
});

export const DeadLetterListSchema = Type.Object({
  count: Type.Integer(),
  source: Type.String({
    enum: ['processor', 'tables', 'none'],
    description: 'processor: fed in-process (`up`); otherwise no dead letters can be shown',
  }),
  items: Type.Array(DeadLetterSchema),
});

export const ServiceListSchema = Type.Object({
  count: Type.Integer(),
  items: Type.Array(
    Type.Object({
      name: Type.String(),
      status: Type.String({ enum: ['ok', 'down', 'unknown'] }),
      detail: Type.String(),
    }),
  ),
});

export type RatesDocument = Static<typeof RatesSchema>;
export type WindowChangeDocument = Static<typeof WindowChangeSchema>;
export type DeadLetterDocument = Static<typeof DeadLetterSchema>;
export type ServiceDocument = Static<typeof ServiceListSchema>['items'][number];
