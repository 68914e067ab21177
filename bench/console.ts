/**
 * The web console: its size, and produce → alert visible in the page at a steady event rate.
 * `citystream up --no-producer` runs in this process (broker, dynalite, processor, API); headless
 * Chromium (Debian's) shows the alerts view of all cities; a kafkajs producer sends events stamped now
 * at `rate` events/s for `seconds`, about half of them high or critical. The page records when each
 * alert's row appears (a MutationObserver, Date.now()); the latency of an alert is that instant minus
 * the instant just before its batch was sent. Browser, broker, DynamoDB and processor share the cores.
 *
 *   npx tsx bench/console.ts [rate=100] [seconds=30]
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CONSOLE_OUT_DIR } from '../src/console/build.js';
import { DEFAULT_CITIES, EVENT_TYPES, SEVERITIES } from '../src/events/event.js';
import { launchChromium } from '../test/support/browser.js';
import { waitFor } from '../test/support/wait-for.js';
import { startConsoleStack } from '../test/console/console-stack.js';

const RATE = Number(process.argv[2] ?? 100);
const SECONDS = Number(process.argv[3] ?? 30);
const TICK_MS = 50;

const stack = await startConsoleStack();
const browser = await launchChromium();
try {
  let raw = 0;
  let gzip = 0;
  for (const name of ['index.html', 'app.js', 'app.css']) {
    const body = await readFile(join(CONSOLE_OUT_DIR, name));
    raw += body.length;
    gzip += gzipSync(body).length;
  }
  console.log(
    `page: ${raw} bytes (${(raw / 1024).toFixed(1)} KiB), gzip ${gzip} bytes (${(gzip / 1024).toFixed(1)} KiB)`,
  );

  const page = await browser.newPage();
  await page.goto(`${stack.base}/#/alerts`);
  await page.locator('#status[data-state="live"]').waitFor();
  await page.locator('main section[data-loaded]').waitFor();
  await page.evaluate(`(() => {
    window.seen = {};
    new MutationObserver((records) => {
      const at = Date.now();
      for (const r of records) for (const n of r.addedNodes) {
        const id = n.getAttribute && n.getAttribute('data-event-id');
        if (id && !(id in window.seen)) window.seen[id] = at;
      }
    }).observe(document.querySelector('#alerts-table tbody'), { childList: true });
  })()`);

  const producer = stack.kafka.producer();
  await producer.connect();
  const sentAt = new Map<string, number>();
  const perTick = (RATE * TICK_MS) / 1000;
  const ticks = (SECONDS * 1000) / TICK_MS;
  const started = Date.now();
  let n = 0;
  for (let tick = 0; tick < ticks; tick++) {
    const due = started + tick * TICK_MS;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    const messages = [];
    const count = Math.floor((tick + 1) * perTick) - Math.floor(tick * perTick);
    const now = Date.now();
    for (let i = 0; i < count; i++, n++) {
      const severity = SEVERITIES[n % 4]!;
      const city = DEFAULT_CITIES[n % DEFAULT_CITIES.length]!;
      const event = {
        event_id: randomUUID(),
        event_type: EVENT_TYPES[(n >> 2) % 4]!,
        city,
        severity,
        timestamp: new Date(now).toISOString(),
        description: `bench ${n}`,
      };
      if (severity === 'high' || severity === 'critical') sentAt.set(event.event_id, now);
      messages.push({ key: city, value: JSON.stringify(event) });
    }
    await producer.send({ topic: 'city-events', acks: -1, messages });
  }
  await producer.disconnect();
  const seen = await waitFor(
    'every alert in the page',
    async () => {
      const s = (await page.evaluate('window.seen')) as Record<string, number>;
      return [...sentAt.keys()].every((id) => id in s) && s;
    },
    60_000,
    250,
  );
  const latencies = [...sentAt].map(([id, t]) => seen[id]! - t).sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)]!;
  console.log(
    `produce → alert visible, ${n} events at ${RATE}/s for ${SECONDS} s, ${latencies.length} alerts: ` +
      `p50 ${q(0.5)} ms, p90 ${q(0.9)} ms, p99 ${q(0.99)} ms, max ${latencies[latencies.length - 1]} ms`,
  );
} finally {
  await browser.close();
  await stack.stop();
}
