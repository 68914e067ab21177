/**
 * The clickstream reads' parameter rules as data, shared by `citystream query clickstream` and the API
 * (like queries/parameters.ts for the city reads); nothing here loads a driver or a schema library.
 */
export const CLICK_LIMITS = {
  hours: { min: 1, max: 720, default: 24 },
  minutes: { min: 1, max: 1440, default: 60 },
  sessionsLimit: { min: 1, max: 1000, default: 20 },
} as const;

/** A user id as the generator makes them and the read accepts them. */
export const USER_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
