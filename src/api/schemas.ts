import { Type, type TSchema } from '@sinclair/typebox';
import {
  AggregationListSchema,
  AggregationSchema,
  CityListSchema,
  EventListSchema,
  EventSchema,
  StatsSchema,
  SummarySchema,
} from '../queries/document-schemas.js';
import {
  DeadLetterListSchema,
  DeadLetterSchema,
  RatesListSchema,
  RatesSchema,
  ServiceListSchema,
  WindowChangeSchema,
} from '../processor/live-schemas.js';
import { FunnelSchema, PagesSchema, SessionListSchema } from '../queries/clickstream/click-documents.js';
import { ERROR_CODES } from './api-error.js';

/**
 * The API's response schemas: the read side's documents (declared once, in queries/document-schemas.ts)
 * plus the API's own Health and Error. fastify serialises each route's 200 with its schema, and the
 * OpenAPI document lists them under `components.schemas`.
 */
export const SCHEMAS = {
  Event: EventSchema,
  Aggregation: AggregationSchema,
  EventList: EventListSchema,
  AggregationList: AggregationListSchema,
  Summary: SummarySchema,
  CityList: CityListSchema,
  Stats: StatsSchema,
  Rates: RatesSchema,
  RatesList: RatesListSchema,
  WindowChange: WindowChangeSchema,
  DeadLetter: DeadLetterSchema,
  DeadLetterList: DeadLetterListSchema,
  ServiceList: ServiceListSchema,
  Funnel: FunnelSchema,
  Pages: PagesSchema,
  SessionList: SessionListSchema,
  Health: Type.Object({ status: Type.String({ enum: ['ok'] }) }),
  Error: Type.Object({
    error: Type.String({ enum: [...ERROR_CODES] }),
    parameter: Type.Optional(Type.String({ description: 'the offending parameter (400 only)' })),
    message: Type.String(),
  }),
} satisfies Record<string, TSchema>;

export type SchemaName = keyof typeof SCHEMAS;

export const schemaRef = (name: SchemaName) => ({ $ref: `#/components/schemas/${name}` });
