import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type RunningApi } from '../../src/api/index.js';
import { createDynamoClient } from '../../src/clients/dynamodb.js';
import { configFor } from '../support/dynamo-endpoints.js';
import { launchChromium, screenshotPath, skipBrowserTests } from '../support/browser.js';
import {
  expectedAlerts,
  expectedSummary,
  type GroundTruth,
  type GroundTruthSettings,
} from '../support/oracles/ground-truth.js';
import { sendAll, waitForZeroLag } from '../e2e/pipeline-stack.js';
import { produceSeeded, startConsoleStack, type ConsoleStack } from './console-stack.js';

/**
 * The web console in headless Chromium against a running `up --no-producer` that processed a seeded
 * stream: each view must show exactly what the ground truth and the API say, live events must appear
 * without a reload, the page must fall back to polling when the stream is refused, ask for the token of
 * a guarded API, and pass axe with no serious or critical violation.
 */
const COUNT = 1500;
let stack: ConsoleStack;
let truth: GroundTruth;
let settings: GroundTruthSettings;
let browser: Browser;

beforeAll(async () => {
  if (skipBrowserTests) return;
  stack = await startConsoleStack();
  ({ truth, settings } = await produceSeeded(stack, COUNT));
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  const result = await stack?.stop();
  if (result) expect(result.code, result.stderr).toBe(0);
});

async function open(path: string, page?: Page): Promise<Page> {
  const p = page ?? (await browser.newPage({ viewport: { width: 1280, height: 900 } }));
  const errors: string[] = [];
  p.on('pageerror', (e) => errors.push(e.message));
  await p.goto(`${stack.base}/${path}`);
  await p.locator('main section[data-loaded]').waitFor();
  expect(errors).toEqual([]);
  return p;
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: await screenshotPath(name), fullPage: true });
}

const criticalEvent = (city: string) => ({
  event_id: randomUUID(),
  event_type: 'incident',
  city,
  severity: 'critical',
  timestamp: new Date().toISOString(),
  description: `Console test ${city}`,
});

describe.skipIf(skipBrowserTests)('web console in Chromium', () => {
  it('serves the page from the package: no request leaves the server', async () => {
    const page = await browser.newPage();
    const hosts = new Set<string>();
    page.on('request', (r) => void hosts.add(new URL(r.url()).host));
    await open('', page);
    expect([...hosts]).toEqual([new URL(stack.base).host]);
    await page.close();
  });

  it("shows exactly a city's expected alerts, newest first, coloured by severity", async () => {
    const page = await open('#/alerts?city=Chicago');
    const want = expectedAlerts(truth, settings, { city: 'Chicago', hours: 24, limit: 1000 });
    expect(want.length).toBeGreaterThan(20);
    const rows = page.locator('#alerts-table tbody tr');
    await expect.poll(() => rows.count()).toBe(want.length);
    const got = await rows.evaluateAll((trs) =>
      trs.map((tr) => ({
        id: tr.getAttribute('data-event-id'),
        cells: [...tr.querySelectorAll('td')].map((td) => td.textContent),
        badge: tr.querySelector('.badge')?.className,
      })),
    );
    expect(got.map((r) => r.id)).toEqual(want.map((a) => a.event_id));
    expect(got.map((r) => r.cells[1])).toEqual(want.map(() => 'Chicago'));
    expect(got.map((r) => r.badge)).toEqual(want.map((a) => `badge sev-${a.severity}`));
    // The type filter narrows on the page, and the address keeps both filters.
    await page.selectOption('#alerts-type', 'weather');
    const weather = want.filter((a) => a.event_type === 'weather');
    await expect.poll(() => rows.count()).toBe(weather.length);
    expect(page.url()).toContain('#/alerts?city=Chicago&type=weather');
    await shoot(page, 'alerts');
    await page.close();
  });

  it('shows a new critical event without a reload', async () => {
    const page = await open('#/alerts?city=Boston');
    await page.locator('#status[data-state="live"]').waitFor();
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
    const event = criticalEvent('Boston');
    await sendAll(stack.kafka, 'city-events', [{ key: 'Boston', value: JSON.stringify(event) }]);
    const row = page.locator(`#alerts-table tbody tr[data-event-id="${event.event_id}"]`);
    await row.waitFor();
    expect(await page.locator('#alerts-table tbody tr').first().getAttribute('data-event-id')).toBe(
      event.event_id,
    );
    expect(await row.locator('.badge').textContent()).toBe('critical');
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(42);
    await page.close();
  });

  it("shows the window grid with the API's counts, final or open", async () => {
    await waitForZeroLag(stack.kafka, 'citystream-processor', 'city-events');
    const page = await open('#/windows');
    // An older window, where all cities had events; the newest one is checked too.
    const starts = await page
      .locator('#window-start option')
      .evaluateAll((o) => o.map((x) => x.getAttribute('value')));
    expect(starts.length).toBeGreaterThan(3);
    for (const start of [starts[0]!, starts[3]!]) {
      await page.selectOption('#window-start', start);
      const api = (await (
        await fetch(`${stack.base}/api/v1/aggregations?from=${start}&to=${start}&limit=1000`)
      ).json()) as {
        items: Array<{ city: string; event_type: string; event_count: number; final: boolean }>;
      };
      const want = api.items
        .map((w) => ({
          city: w.city,
          type: w.event_type,
          count: String(w.event_count),
          final: String(w.final),
        }))
        .sort((a, b) => `${a.city}#${a.type}`.localeCompare(`${b.city}#${b.type}`));
      expect(want.length).toBeGreaterThan(0);
      const cells = page.locator('#window-grid td[data-city]');
      await expect
        .poll(async () =>
          (
            await cells.evaluateAll((tds) =>
              tds.map((td) => ({
                city: td.getAttribute('data-city'),
                type: td.getAttribute('data-type'),
                count: td.querySelector('.cell-count')?.textContent,
                final: td.getAttribute('data-final'),
              })),
            )
          ).sort((a, b) => `${a.city}#${a.type}`.localeCompare(`${b.city}#${b.type}`)),
        )
        .toEqual(want);
      const finals = await cells.evaluateAll((tds) =>
        tds.map((td) => td.querySelector('.state')?.textContent),
      );
      expect(finals).toEqual(
        await cells.evaluateAll((tds) =>
          tds.map((td) => (td.getAttribute('data-final') === 'true' ? 'final' : 'open')),
        ),
      );
    }
    await shoot(page, 'windows');
    await page.close();
  });

  it('shows each malformed and late message in the dead-letter browser with its reason', async () => {
    const page = await open('#/dead-letters');
    const rows = page.locator('#dead-letter-table tbody tr');
    await expect.poll(() => rows.count()).toBe(truth.dlq.length);
    const got = await rows.evaluateAll((trs) =>
      trs.map((tr) => {
        const cells = tr.querySelectorAll('td');
        const raw = cells[5]!;
        return {
          partition: Number(tr.getAttribute('data-partition')),
          offset: tr.getAttribute('data-offset'),
          reason: cells[1]!.querySelector('.badge')?.textContent,
          key: cells[4]!.querySelector('em') ? null : cells[4]!.textContent,
          value: raw.querySelector('em')
            ? null
            : (raw.querySelector('pre') ?? raw.querySelector('code'))?.textContent,
        };
      }),
    );
    const byPosition = (a: { partition: number; offset: string | null }, b: typeof a) =>
      a.partition - b.partition || Number(a.offset) - Number(b.offset);
    expect(got.sort(byPosition)).toEqual([...truth.dlq].sort(byPosition));
    expect(truth.dlq.filter((d) => d.reason !== 'late').length).toBeGreaterThan(20);
    await shoot(page, 'dead-letters');
    await page.close();
  });

  it('shows a city: its summary, last events and windows chart', async () => {
    const page = await open('#/city/NYC');
    const summary = expectedSummary(truth, settings, 'NYC');
    const events = page.locator('#city-events tbody tr');
    await expect.poll(() => events.count()).toBe(20);
    const cards = await page
      .locator('.cards div')
      .evaluateAll((divs) =>
        Object.fromEntries(
          divs.map((d) => [d.querySelector('dt')?.textContent, d.querySelector('dd')?.textContent]),
        ),
      );
    // One more NYC event may have arrived since the truth (none did: only Boston got one).
    expect(cards.Events).toBe(String(summary.total_events));
    expect(cards['Alerts, last 24 h']).toBe(String(summary.alerts_24h));
    expect(await page.locator('.chart canvas').count()).toBeGreaterThan(0);
    await shoot(page, 'city');
    await page.close();
  });

  it('shows rates, lag per partition and healthy services on the overview', async () => {
    const page = await open('');
    await page.locator('[data-metric="consumed"]').filter({ hasText: /^\d+$/ }).waitFor();
    const consumed = Number(await page.locator('[data-metric="consumed"]').textContent());
    expect(consumed).toBeGreaterThanOrEqual(COUNT);
    const services = page.locator('tr[data-service]');
    await expect
      .poll(() =>
        services.evaluateAll((trs) =>
          trs.map((tr) => [tr.getAttribute('data-service'), tr.querySelector('.badge')?.textContent]),
        ),
      )
      .toEqual([
        ['api', 'ok'],
        ['dynamodb', 'ok'],
        ['broker', 'ok'],
        ['processor', 'ok'],
      ]);
    await shoot(page, 'overview');
    await page.close();
  });

  it('falls back to polling when the stream is refused, says so, and goes live again', async () => {
    const page = await browser.newPage();
    await page.route('**/api/v1/stream**', (route) => route.fulfill({ status: 503, body: 'down' }));
    await open('#/alerts?city=Seattle', page);
    await page.locator('#status[data-state="polling"]').waitFor();
    expect(await page.locator('#status').textContent()).toMatch(/Live stream dropped .*polling every 5 s/);
    const event = criticalEvent('Seattle');
    await sendAll(stack.kafka, 'city-events', [{ key: 'Seattle', value: JSON.stringify(event) }]);
    await page.locator(`tr[data-event-id="${event.event_id}"]`).waitFor({ timeout: 20_000 });
    await page.unroute('**/api/v1/stream**');
    await page.locator('#status[data-state="live"]').waitFor({ timeout: 20_000 });
    await page.close();
  });

  it('asks for the token of a guarded API once and keeps it for the tab', async () => {
    const client: DynamoDBClient = createDynamoClient(
      configFor(stack.dynamoEndpoint, { prefix: 'citystream-' }),
    );
    const guarded: RunningApi = await startApi({
      client,
      config: { prefix: 'citystream-', ttlDays: 30 },
      host: '127.0.0.1',
      port: 0,
      token: 'console-secret',
    });
    try {
      const page = await browser.newPage();
      await page.goto(`${guarded.url}/#/alerts?city=Chicago`);
      const dialog = page.locator('#token-dialog');
      await dialog.waitFor();
      await page.getByLabel('Token', { exact: true }).fill('console-secret');
      await page.getByRole('button', { name: 'Use token' }).click();
      await page.locator('main section[data-loaded]').waitFor();
      await expect.poll(() => page.locator('#alerts-table tbody tr').count()).toBeGreaterThan(20);
      expect(await page.evaluate("sessionStorage.getItem('citystream.token')")).toBe('console-secret');
      await page.locator('#status[data-state="live"]').waitFor();
      // Another view in the same tab needs no second prompt.
      await page.goto(`${guarded.url}/#/windows`);
      await page.locator('#window-grid').waitFor();
      expect(await dialog.isVisible()).toBe(false);
      await page.close();
    } finally {
      await guarded.close();
      client.destroy();
    }
  });

  it('is usable from the keyboard: skip link, then the views', async () => {
    const page = await open('');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Alerts');
    await page.keyboard.press('Enter');
    await page.locator('#alerts-table').waitFor();
    expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe('Alerts');
    await page.close();
  });

  it('has no serious or critical accessibility violation in any view (axe)', async () => {
    for (const path of ['', '#/alerts?city=Chicago', '#/windows', '#/dead-letters', '#/city/NYC']) {
      const context = await browser.newContext(); // axe injects per context
      const page = await open(path, await context.newPage());
      const result = await new AxeBuilder({ page }).analyze();
      const bad = result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map(
          (v) =>
            `${v.id}: ${v.help} (${v.nodes
              .map((n) => n.target.join(' '))
              .slice(0, 3)
              .join('; ')})`,
        );
      expect(bad, path).toEqual([]);
      expect(result.passes.length).toBeGreaterThan(10);
      await context.close();
    }
  });
});
