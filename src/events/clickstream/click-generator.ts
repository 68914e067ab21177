import { Prng } from '../prng.js';
import { isEnvelopeKind, malformedEnvelope, type EnvelopeKind, type MalformedMessage } from '../malformed.js';
import {
  CATEGORIES,
  DEVICES,
  REFERRERS,
  REGIONS,
  fromCents,
  type ClickEvent,
  type ClickEventType,
  type Device,
} from './click-event.js';
import { serializeClickEvent } from './click-schema.js';

/**
 * The synthetic clickstream of `citystream produce --workload clickstream`: a pool of concurrent sessions,
 * each walking the shop's funnel (landing page view, browsing and searching, adding and removing products,
 * checkout, sometimes a purchase) until it ends. Every message advances one session picked at random, so
 * sessions interleave as they do on a real site. Seeded: the same seed and clock give the same stream.
 * Delayed and malformed messages are mixed in as with the city generator.
 */
export const CLICK_INVALID_KINDS = [
  'truncated_json',
  'not_json',
  'not_an_object',
  'missing_field',
  'unknown_event_type',
  'unknown_device',
  'bad_price',
  'bad_timestamp',
  'timestamp_in_future',
] as const;
export type ClickInvalidKind = (typeof CLICK_INVALID_KINDS)[number];

export interface ClickGeneratorOptions {
  seed?: number | string;
  /** Sessions in progress at once (default 25). */
  concurrentSessions?: number;
  /** Distinct users sessions are drawn from (default 2 000). */
  users?: number;
  lateFraction?: number;
  maxLatenessMs?: number;
  invalidFraction?: number;
  clock?: () => number;
}

export interface GeneratedClick {
  /** The Kafka key: the session. */
  key: string;
  value: string;
  kind: 'valid' | 'delayed' | 'invalid';
  event: ClickEvent;
  expectedReason?: string;
}

interface Product {
  id: string;
  category: string;
  cents: number;
}

interface Session {
  id: string;
  user: string;
  device: Device;
  region: string;
  referrer: string;
  /** Product ids in the cart, with repeats. */
  cart: Product[];
  viewing?: Product;
  step: number;
  checkedOut: boolean;
  done: boolean;
}

const CATALOG_SIZE = 60;
const MAX_STEPS = 30;
const REQUIRED = ['event_id', 'event_type', 'user_id', 'session_id', 'device', 'timestamp'] as const;

export class ClickstreamGenerator {
  readonly seed: number | string;
  private readonly rng: Prng;
  private readonly catalog: Product[];
  private readonly sessions: Session[] = [];
  private readonly concurrent: number;
  private readonly users: number;
  private readonly lateFraction: number;
  private readonly invalidFraction: number;
  private readonly maxLatenessMs: number;
  private readonly clock: () => number;

  constructor(options: ClickGeneratorOptions = {}) {
    this.seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
    this.rng = new Prng(`clickstream:${this.seed}`);
    this.catalog = catalog();
    this.concurrent = Math.max(1, options.concurrentSessions ?? 25);
    this.users = Math.max(1, options.users ?? 2_000);
    this.lateFraction = options.lateFraction ?? 0;
    this.invalidFraction = options.invalidFraction ?? 0;
    if (!(
      this.lateFraction >= 0 &&
      this.invalidFraction >= 0 &&
      this.lateFraction + this.invalidFraction <= 1
    ))
      throw new RangeError('lateFraction and invalidFraction must be >= 0 and add up to at most 1');
    this.maxLatenessMs = options.maxLatenessMs ?? 20 * 60_000;
    this.clock = options.clock ?? Date.now;
  }

  next(): GeneratedClick {
    while (this.sessions.length < this.concurrent) this.sessions.push(this.newSession());
    const index = this.rng.int(this.sessions.length);
    const session = this.sessions[index]!;
    const event = this.advance(session, this.clock());
    if (session.done) this.sessions.splice(index, 1);
    const r = this.rng.next();
    if (r < this.invalidFraction) return this.corrupt(event);
    if (r < this.invalidFraction + this.lateFraction) {
      const lag = Math.max(1, Math.round(this.rng.next() * this.maxLatenessMs));
      const delayed = { ...event, timestamp: new Date(Date.parse(event.timestamp) - lag).toISOString() };
      return { key: event.session_id, value: serializeClickEvent(delayed), kind: 'delayed', event: delayed };
    }
    return { key: event.session_id, value: serializeClickEvent(event), kind: 'valid', event };
  }

  take(n: number): GeneratedClick[] {
    return Array.from({ length: n }, () => this.next());
  }

  private newSession(): Session {
    const rng = this.rng;
    return {
      id: `s-${rng.uuid()}`,
      user: `u-${String(1 + rng.int(this.users)).padStart(5, '0')}`,
      device: rng.weighted(DEVICES, [0.45, 0.45, 0.1]),
      region: rng.pick(REGIONS),
      referrer: rng.weighted(REFERRERS, [0.3, 0.3, 0.1, 0.1, 0.1, 0.1]),
      cart: [],
      step: 0,
      checkedOut: false,
      done: false,
    };
  }

  /** One step of the funnel: what the session does next, given where it is. */
  private advance(s: Session, time: number): ClickEvent {
    const rng = this.rng;
    s.step += 1;
    const cartCents = s.cart.reduce((sum, p) => sum + p.cents, 0);
    const emit = (type: ClickEventType, page: string, product: Product | null, cents: number | null) => ({
      event_id: rng.uuid(),
      event_type: type,
      user_id: s.user,
      session_id: s.id,
      page,
      product_id: product?.id ?? null,
      price: cents === null ? null : fromCents(cents),
      device: s.device,
      region: s.region,
      referrer: s.referrer,
      timestamp: new Date(time).toISOString(),
    });
    if (s.step === 1)
      return emit('PAGE_VIEW', rng.chance(0.6) ? '/' : `/category/${rng.pick(CATEGORIES)}`, null, null);
    if (s.checkedOut) {
      s.done = true;
      if (rng.chance(0.7)) return emit('PURCHASE', '/order-confirmation', null, cartCents);
      return emit('PAGE_VIEW', '/', null, null); // abandoned at checkout
    }
    const r = rng.next();
    const stop = s.step >= MAX_STEPS || r < 0.08;
    if (stop) {
      s.done = true;
      return emit('PAGE_VIEW', rng.chance(0.5) ? '/' : '/cart', null, null);
    }
    if (s.viewing && r < 0.4) {
      const product = s.viewing;
      s.viewing = undefined;
      s.cart.push(product);
      return emit('ADD_TO_CART', '/product', product, product.cents);
    }
    if (s.cart.length > 0 && r < 0.47) {
      const [removed] = s.cart.splice(rng.int(s.cart.length), 1);
      return emit('REMOVE_FROM_CART', '/cart', removed!, removed!.cents);
    }
    if (s.cart.length > 0 && r < 0.6) {
      s.checkedOut = true;
      return emit('CHECKOUT', '/checkout', null, cartCents);
    }
    if (r < 0.72) return emit('SEARCH', '/search', null, null);
    if (r < 0.82) return emit('PAGE_VIEW', `/category/${rng.pick(CATEGORIES)}`, null, null);
    const product = rng.pick(this.catalog);
    s.viewing = product;
    return emit('PAGE_VIEW', '/product', product, product.cents);
  }

  private corrupt(event: ClickEvent): GeneratedClick {
    const kind = this.rng.pick(CLICK_INVALID_KINDS);
    const text = serializeClickEvent(event);
    const { value, reason } = isEnvelopeKind(kind)
      ? malformedEnvelope(
          kind,
          {
            text,
            timestamp: event.timestamp,
            required: REQUIRED,
            notJson: `session=${event.session_id};type=${event.event_type}`,
            badTimestamps: ['soon', '2026-02-30T10:00:00Z', ''],
          },
          this.rng,
        )
      : this.malformedField(kind, JSON.parse(text) as Record<string, unknown>);
    return { key: event.session_id, value, kind: 'invalid', event, expectedReason: reason };
  }

  /** The malformed cases of the clickstream schema's own fields. */
  private malformedField(
    kind: Exclude<ClickInvalidKind, EnvelopeKind>,
    fields: Record<string, unknown>,
  ): MalformedMessage {
    switch (kind) {
      case 'unknown_event_type':
        return {
          value: JSON.stringify({ ...fields, event_type: this.rng.pick(['CLICK', 'page_view', 'REFUND']) }),
          reason: 'unknown_event_type',
        };
      case 'unknown_device':
        return {
          value: JSON.stringify({ ...fields, device: this.rng.pick(['toaster', 'MOBILE', 'watch']) }),
          reason: 'unknown_device',
        };
      case 'bad_price':
        return {
          value: JSON.stringify({ ...fields, price: -1 - this.rng.int(100) }),
          reason: 'bad_value:price',
        };
    }
  }
}

/** The shop's products: fixed for every seed, so product ids and prices mean the same in every stream. */
function catalog(): Product[] {
  const rng = new Prng('clickstream-catalog');
  return Array.from({ length: CATALOG_SIZE }, (_, i) => ({
    id: `P${String(i + 1).padStart(4, '0')}`,
    category: CATEGORIES[i % CATEGORIES.length]!,
    cents: 499 + rng.int(49_500),
  }));
}
