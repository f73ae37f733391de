// Operator metrics in the Prometheus text format (GET /metrics). Plain counters kept by the
// modules that own the events; no client library needed for this handful.

export type RejectReason =
  | 'malformed'
  | 'purged'
  | 'too_large'
  | 'flood'
  | 'read_only'
  | 'unauthorized'
  | 'revoked'
  | 'forbidden'
  | 'unknown_doc'
  | 'value_too_large'
  | 'doc_quota'
  | 'write_budget'
  | 'awareness'
  | 'server_field'
  | 'too_many_sockets';

const LOOP_RESOLUTION_MS = 10;
const COMMIT_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1];

import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export class Metrics {
  /** Event-loop delay: every frame of every client waits behind whatever blocks the loop. */
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  connections = 0;
  documentsLoaded = 0;
  updatesStored = 0;
  /** Updates committed by another instance of a shared store and applied here. */
  peerUpdatesApplied = 0;
  readonly framesRejected = new Map<RejectReason, number>();
  private readonly commitBuckets = new Array<number>(COMMIT_BUCKETS.length).fill(0);
  private commitCount = 0;
  private commitSum = 0;

  constructor() {
    this.loopDelay.enable();
  }

  stop(): void {
    this.loopDelay.disable();
  }

  reject(reason: RejectReason): void {
    this.framesRejected.set(reason, (this.framesRejected.get(reason) ?? 0) + 1);
  }

  observeCommit(seconds: number): void {
    this.commitCount++;
    this.commitSum += seconds;
    for (let i = 0; i < COMMIT_BUCKETS.length; i++) if (seconds <= COMMIT_BUCKETS[i]) this.commitBuckets[i]++;
  }

  render(): string {
    const lines = [
      '# HELP hinanjo_connections Open WebSocket sync connections.',
      '# TYPE hinanjo_connections gauge',
      `hinanjo_connections ${this.connections}`,
      '# HELP hinanjo_documents_loaded Documents held in memory.',
      '# TYPE hinanjo_documents_loaded gauge',
      `hinanjo_documents_loaded ${this.documentsLoaded}`,
      '# HELP hinanjo_updates_stored_total Document updates committed to the store.',
      '# TYPE hinanjo_updates_stored_total counter',
      `hinanjo_updates_stored_total ${this.updatesStored}`,
      '# HELP hinanjo_peer_updates_applied_total Updates another instance committed to the shared store, applied here.',
      '# TYPE hinanjo_peer_updates_applied_total counter',
      `hinanjo_peer_updates_applied_total ${this.peerUpdatesApplied}`,
      '# HELP hinanjo_frames_rejected_total Frames refused or dropped, by reason.',
      '# TYPE hinanjo_frames_rejected_total counter',
    ];
    for (const [reason, n] of [...this.framesRejected].sort()) {
      lines.push(`hinanjo_frames_rejected_total{reason="${reason}"} ${n}`);
    }
    lines.push(
      '# HELP hinanjo_store_commit_seconds Time to commit one batch of updates to the store.',
      '# TYPE hinanjo_store_commit_seconds histogram',
    );
    COMMIT_BUCKETS.forEach((le, i) => lines.push(`hinanjo_store_commit_seconds_bucket{le="${le}"} ${this.commitBuckets[i]}`));
    lines.push(
      `hinanjo_store_commit_seconds_bucket{le="+Inf"} ${this.commitCount}`,
      `hinanjo_store_commit_seconds_sum ${this.commitSum}`,
      `hinanjo_store_commit_seconds_count ${this.commitCount}`,
    );
    lines.push(
      '# HELP hinanjo_event_loop_delay_seconds Event-loop delay since start (quantiles).',
      '# TYPE hinanjo_event_loop_delay_seconds summary',
    );
    // The histogram holds the time between samples; the delay is what exceeds the interval.
    const delay = (ns: number) => Math.max(0, ns / 1e9 - LOOP_RESOLUTION_MS / 1000);
    for (const q of [0.5, 0.99, 0.999]) {
      lines.push(`hinanjo_event_loop_delay_seconds{quantile="${q}"} ${delay(this.loopDelay.percentile(q * 100))}`);
    }
    lines.push(`hinanjo_event_loop_delay_seconds_max ${delay(this.loopDelay.max)}`);
    return lines.join('\n') + '\n';
  }
}
