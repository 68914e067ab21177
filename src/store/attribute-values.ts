import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { convertToAttr } from '@aws-sdk/util-dynamodb';

/**
 * An item in DynamoDB's attribute-value form: `marshall(item, { removeUndefinedValues: true })` from
 * `@aws-sdk/util-dynamodb`, with the same output and the same refusals, but strings, numbers, booleans,
 * null, plain objects and arrays converted directly; anything else (sets, binary, bigint, NumberValue,
 * Map) goes to util-dynamodb's own `convertToAttr`.
 *
 * Why not `marshall` itself: util-dynamodb 3.996 checks every string and number against a list of
 * sixteen binary type names it builds per call before it looks for a string, and checks a number for NaN
 * and the infinities by building and searching an array of their names. Encoding 25 raw events took
 * 108 µs with it and 12 µs here (`bench/dynamodb-client.ts`), on a write path where every event is
 * encoded once or twice. A patch to util-dynamodb would not reach a release (npm installs it unpatched),
 * so the fast path lives here and the rest stays util-dynamodb's.
 */
export function toAttributeMap(item: object): Record<string, AttributeValue> {
  return mapOf(item as Record<string, unknown>);
}

function mapOf(data: Record<string, unknown>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const key in data) {
    const value = data[key];
    if (isStored(value)) out[key] = toAttributeValue(value);
  }
  return out;
}

/** What a map or list keeps, as `removeUndefinedValues` does: neither undefined nor a function. */
function isStored(value: unknown): boolean {
  return value !== undefined && typeof value !== 'function';
}

/** One value that `isStored`. */
function toAttributeValue(value: unknown): AttributeValue {
  switch (typeof value) {
    case 'string':
      return { S: value };
    case 'number':
      return { N: numberText(value) };
    case 'boolean':
      return { BOOL: value };
    case 'object': {
      if (value === null) return { NULL: true };
      if (Array.isArray(value)) return { L: listOf(value) };
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto === Object.prototype || proto === null) return { M: mapOf(value as Record<string, unknown>) };
      break;
    }
  }
  return convertToAttr(value, { removeUndefinedValues: true });
}

function listOf(list: readonly unknown[]): AttributeValue[] {
  const out: AttributeValue[] = [];
  for (const value of list) {
    if (isStored(value)) out.push(toAttributeValue(value));
  }
  return out;
}

/** util-dynamodb's refusals, in its words: no NaN or infinity, no integer it could not keep exact. */
function numberText(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`Special numeric value ${String(value)} is not allowed`);
  if (value > Number.MAX_SAFE_INTEGER)
    throw new Error(
      `Number ${String(value)} is greater than Number.MAX_SAFE_INTEGER. Use NumberValue from @aws-sdk/lib-dynamodb.`,
    );
  if (value < Number.MIN_SAFE_INTEGER)
    throw new Error(
      `Number ${String(value)} is lesser than Number.MIN_SAFE_INTEGER. Use NumberValue from @aws-sdk/lib-dynamodb.`,
    );
  return String(value);
}
