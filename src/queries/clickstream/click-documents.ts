import { Type, type Static } from '@sinclair/typebox';
import { CLICK_EVENT_TYPES } from '../../events/clickstream/click-event.js';

/**
 * The clickstream's read-side documents, declared once as JSON Schema (TypeBox) with their types derived:
 * `citystream query clickstream … --json` prints them and /api/v1/clickstream/… serialises with them.
 * Money is in the shop currency with two decimals.
 */
const isoTime = () => Type.String({ format: 'date-time' });
const byType = () => Type.Object(Object.fromEntries(CLICK_EVENT_TYPES.map((t) => [t, Type.Integer()])));
const conversion = () =>
  Type.Union([Type.Number(), Type.Null()], {
    description: 'sessions that purchased / sessions with a page view (null without page views)',
  });

export const FunnelHourSchema = Type.Object({
  hour: isoTime(),
  events: byType(),
  sessions: byType(),
  conversion: conversion(),
});

export const FunnelSchema = Type.Object({
  from: isoTime(),
  to: isoTime(),
  hours: Type.Array(FunnelHourSchema),
  totals: Type.Object({ events: byType(), conversion: conversion() }),
});

export const PageStatSchema = Type.Object({
  page: Type.String(),
  event_type: Type.String({ enum: [...CLICK_EVENT_TYPES] }),
  device: Type.String(),
  event_count: Type.Integer(),
  revenue: Type.Number(),
});

export const PagesSchema = Type.Object({
  from: isoTime(),
  to: isoTime(),
  count: Type.Integer(),
  items: Type.Array(PageStatSchema),
});

export const SessionDocumentSchema = Type.Object({
  session_id: Type.String(),
  user_id: Type.String(),
  session_start: isoTime(),
  session_end: isoTime(),
  event_count: Type.Integer(),
  pages: Type.Array(Type.String()),
  cart_value: Type.Number(),
  revenue: Type.Number(),
  purchased: Type.Boolean(),
  device: Type.String(),
  region: Type.String(),
  referrer: Type.String(),
});

export const SessionListSchema = Type.Object({
  count: Type.Integer(),
  items: Type.Array(SessionDocumentSchema),
});

export type FunnelDocument = Static<typeof FunnelSchema>;
export type FunnelHourDocument = Static<typeof FunnelHourSchema>;
export type PagesDocument = Static<typeof PagesSchema>;
export type SessionDocument = Static<typeof SessionDocumentSchema>;
export type SessionListDocument = Static<typeof SessionListSchema>;

export { CLICK_LIMITS } from './click-parameters.js';
