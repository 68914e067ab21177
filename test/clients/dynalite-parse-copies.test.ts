/**
 * dynalite keeps each parsed expression and hands later requests a copy with their own values
 * (patches/dynalite+4.0.0.patch, `rememberParse`); a tree of plain objects is copied by a function
 * written for it once (`compileCopier`). What must hold: a copy is the tree a fresh parse of the same
 * request gives — the same nodes, prototypes (the parsers make some objects without one), values and
 * shared nodes — and it holds the request's own value objects, not the first request's.
 * The requests' expressions as the processor, the API and the claim writer send them, and a few more.
 */
import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';

interface ExpressionRequest {
  ConditionExpression?: string;
  UpdateExpression?: string;
  KeyConditionExpression?: string;
  FilterExpression?: string;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, Record<string, unknown>>;
  _condition?: unknown;
  _updates?: unknown;
  _keyCondition?: unknown;
  _filter?: unknown;
  _projection?: unknown;
}
const validations = createRequire(import.meta.url)('dynalite/validations') as {
  validateExpressions(data: ExpressionRequest): string | undefined;
};

const PARSED = ['_condition', '_updates', '_keyCondition', '_filter', '_projection'] as const;
const EXPRESSIONS = [
  'ConditionExpression',
  'UpdateExpression',
  'KeyConditionExpression',
  'FilterExpression',
  'ProjectionExpression',
] as const;

/** The tree's shape with its shared nodes: each object gets a number when first met, later meetings say which. */
function sharing(tree: unknown): unknown {
  const ids = new Map<object, number>();
  const walk = (node: unknown): unknown => {
    if (node === null || typeof node !== 'object') return node;
    const seen = ids.get(node);
    if (seen !== undefined) return { shared: seen };
    ids.set(node, ids.size);
    return Array.isArray(node) ? node.map(walk) : Object.entries(node).map(([k, v]) => [k, walk(v)]);
  };
  return walk(tree);
}

/**
 * The same request with `n` spaces after each expression: a key of its own, so with a new `n` each time,
 * a fresh parse.
 */
function fresh(request: ExpressionRequest, n: number): ExpressionRequest {
  const copy: ExpressionRequest = structuredClone(request);
  for (const name of EXPRESSIONS) if (copy[name] !== undefined) copy[name] += ' '.repeat(n);
  return copy;
}

const CASES: Array<{ name: string; request: (i: number) => ExpressionRequest }> = [
  {
    name: "the claim writer's condition",
    request: (i) => ({
      ConditionExpression: 'attribute_not_exists(event_id) OR d = :d OR expires_at <= :now',
      ExpressionAttributeValues: {
        ':d': { S: `city-events/1/${i}` },
        ':now': { N: String(1_764_800_000 + i) },
      },
    }),
  },
  {
    name: 'a counted update under an offset condition (names shared by both expressions)',
    request: (i) => ({
      UpdateExpression: 'SET #c = if_not_exists(#c, :z) + :n, #o = :o REMOVE #x',
      ConditionExpression: 'attribute_not_exists(#o) OR #o = :prev',
      ExpressionAttributeNames: { '#c': 'count', '#o': 'off', '#x': 'stale' },
      ExpressionAttributeValues: {
        ':z': { N: '0' },
        ':n': { N: String(i + 1) },
        ':o': { N: String(i + 10) },
        ':prev': { N: String(i + 9) },
      },
    }),
  },
  {
    name: 'a query page: key condition, filter and projection with nested paths',
    request: (i) => ({
      KeyConditionExpression: '#pk = :pk AND #sk > :from',
      FilterExpression: 'contains(#loc.#city, :c) AND size(tags) > :n AND NOT begins_with(#d[0], :p)',
      ProjectionExpression: '#pk, #sk, #loc.#city, tags[1], #d',
      ExpressionAttributeNames: {
        '#pk': 'city_shard',
        '#sk': 'timestamp',
        '#loc': 'location',
        '#city': 'city',
        '#d': 'description',
      },
      ExpressionAttributeValues: {
        ':pk': { S: `NYC#${i % 4}` },
        ':from': { S: `2026-12-0${(i % 9) + 1}` },
        ':c': { S: 'York' },
        ':n': { N: String(i) },
        ':p': { S: 'x' },
      },
    }),
  },
  {
    name: 'ADD and DELETE with sets, and IN (never kept: a set value)',
    request: (i) => ({
      UpdateExpression: 'ADD seen :one, tags :t DELETE retired :gone SET a.b[2] = :v',
      ConditionExpression: 'kind IN (:k1, :k2) AND attribute_exists(a.b)',
      ExpressionAttributeValues: {
        ':one': { N: '1' },
        ':t': { SS: [`t${i}`] },
        ':gone': { SS: ['g'] },
        ':v': { BOOL: i % 2 === 0 },
        ':k1': { S: 'a' },
        ':k2': { S: 'b' },
      },
    }),
  },
];

describe("dynalite's copies of parsed expressions", () => {
  it.each(CASES)('$name: each repeat is the tree a fresh parse gives, with its own values', ({ request }) => {
    for (let i = 0; i < 6; i++) {
      // The first two parse (the second one checks the kept tree); the later ones copy it.
      const repeat = request(i);
      const reference = fresh(repeat, i + 1);
      expect(validations.validateExpressions(repeat)).toBeUndefined();
      expect(validations.validateExpressions(reference)).toBeUndefined();
      for (const parsed of PARSED) {
        expect(isDeepStrictEqual(repeat[parsed], reference[parsed]), `${parsed} of repeat ${i}`).toBe(true);
        expect(sharing(repeat[parsed])).toEqual(sharing(reference[parsed]));
      }
      // The copy holds this request's value objects themselves.
      const values = Object.values(repeat.ExpressionAttributeValues ?? {});
      const held = new Set<unknown>();
      const collect = (node: unknown) => {
        if (node === null || typeof node !== 'object') return;
        held.add(node);
        Object.values(node).forEach(collect);
      };
      PARSED.forEach((parsed) => collect(repeat[parsed]));
      for (const value of values) expect(held.has(value)).toBe(true);
    }
  });

  it('copies a tree whose nodes have no prototype into nodes without one', () => {
    const request = CASES[0]!.request;
    for (let i = 0; i < 4; i++) {
      const repeat = request(i);
      expect(validations.validateExpressions(repeat)).toBeUndefined();
      const tree = repeat._condition as { pathHeads: object };
      expect(Object.getPrototypeOf(tree.pathHeads)).toBeNull();
    }
  });
});
