import { Counter } from 'prom-client';
import type { ProcessorMetrics } from '../metrics.js';

/** The raw archive's series, on the processor's registry (one /metrics for the process). */
export class ArchiveMetrics {
  readonly objects: Counter;
  readonly events: Counter;
  readonly bytes: Counter;
  readonly discarded: Counter;

  constructor(base: ProcessorMetrics) {
    const registers = [base.registry];
    this.objects = new Counter({
      name: 'citystream_archive_objects_total',
      help: 'Raw archive objects written (and their offsets committed)',
      registers,
    });
    this.events = new Counter({
      name: 'citystream_archive_events_total',
      help: 'Messages written to the raw archive',
      registers,
    });
    this.bytes = new Counter({
      name: 'citystream_archive_bytes_total',
      help: 'Bytes of gzip objects written to the raw archive',
      registers,
    });
    this.discarded = new Counter({
      name: 'citystream_archive_discarded_objects_total',
      help: 'Objects removed on assignment because their offsets were never committed (written again by the replay)',
      registers,
    });
  }
}
