/**
 * The clickstream event of the second seed: one user interaction in a shopping session, one JSON object
 * per Kafka message on topic `clickstream`, keyed by session so a session's events stay in one partition.
 */
export const CLICK_EVENT_TYPES = [
  'PAGE_VIEW',
  'SEARCH',
  'ADD_TO_CART',
  'REMOVE_FROM_CART',
  'CHECKOUT',
  'PURCHASE',
] as const;
export const DEVICES = ['desktop', 'mobile', 'tablet'] as const;
export const REGIONS = ['us-east', 'us-west', 'eu-west', 'eu-central', 'ap-south', 'sa-east'] as const;
export const REFERRERS = ['direct', 'google', 'facebook', 'instagram', 'email', 'affiliate'] as const;
export const CATEGORIES = ['electronics', 'books', 'home', 'fashion', 'toys'] as const;
/** The pages of the shop; product pages are one page (`/product`), the product is in `product_id`. */
export const PAGES = [
  '/',
  '/search',
  ...CATEGORIES.map((c) => `/category/${c}`),
  '/product',
  '/cart',
  '/checkout',
  '/order-confirmation',
] as const;

/** The funnel's stages in order; REMOVE_FROM_CART is counted but is no stage. */
export const FUNNEL_STAGES = ['PAGE_VIEW', 'SEARCH', 'ADD_TO_CART', 'CHECKOUT', 'PURCHASE'] as const;

export type ClickEventType = (typeof CLICK_EVENT_TYPES)[number];
export type Device = (typeof DEVICES)[number];

export interface ClickEvent {
  event_id: string;
  event_type: ClickEventType;
  user_id: string;
  session_id: string;
  page: string;
  /** The product of ADD_TO_CART / REMOVE_FROM_CART / a product page view; null otherwise. */
  product_id: string | null;
  /** In the shop's currency with two decimals: the product's price, or the cart total at CHECKOUT/PURCHASE. */
  price: number | null;
  device: Device;
  region: string;
  referrer: string;
  /** Event time, canonical ISO-8601 UTC with milliseconds. */
  timestamp: string;
}

/** The event's fields in the canonical order (the message value once serialised). */
export function clickEventFields(e: ClickEvent): ClickEvent {
  return {
    event_id: e.event_id,
    event_type: e.event_type,
    user_id: e.user_id,
    session_id: e.session_id,
    page: e.page,
    product_id: e.product_id,
    price: e.price,
    device: e.device,
    region: e.region,
    referrer: e.referrer,
    timestamp: e.timestamp,
  };
}

/** Money is summed in whole cents so totals are exact; prices travel as numbers with two decimals. */
export function toCents(price: number | null): number {
  return price === null ? 0 : Math.round(price * 100);
}

export function fromCents(cents: number): number {
  return Math.round(cents) / 100;
}
