import { describe, expect, it } from 'vitest';
import {
  MESSAGE_HEARTBEAT, MESSAGE_STORED, MESSAGE_UPSTREAM_STORED, decodeMessage, describeMessage, encodeMessage, type WireMessage,
} from '../../domain/protocol';

const sv = Uint8Array.of(1, 5, 3);
const update = Uint8Array.of(0, 0);

describe('the wire module', () => {
  it('encodes and decodes every message type to the same message', () => {
    const messages: WireMessage[] = [
      { type: 'sync-step1', stateVector: sv },
      { type: 'sync-step2', update },
      { type: 'sync-update', update },
      { type: 'awareness', update: Uint8Array.of(1, 2, 3) },
      { type: 'query-awareness' },
      { type: 'stored', stateVector: sv, durable: 7 },
      { type: 'stored', stateVector: sv, durable: null },
      { type: 'heartbeat' },
      { type: 'upstream-stored', stateVector: sv, durable: 3 },
    ];
    for (const m of messages) expect(decodeMessage(encodeMessage(m))).toEqual({ ok: true, value: m });
  });

  it('writes the y-websocket bytes and Hinanjo’s own types', () => {
    expect([...encodeMessage({ type: 'sync-step1', stateVector: sv })]).toEqual([0, 0, 3, 1, 5, 3]);
    expect([...encodeMessage({ type: 'sync-update', update })]).toEqual([0, 2, 2, 0, 0]);
    expect(encodeMessage({ type: 'stored', stateVector: sv, durable: 2 })[0]).toBe(MESSAGE_STORED);
    expect([...encodeMessage({ type: 'heartbeat' })]).toEqual([MESSAGE_HEARTBEAT]);
    expect(encodeMessage({ type: 'upstream-stored', stateVector: sv, durable: 1 })[0]).toBe(MESSAGE_UPSTREAM_STORED);
  });

  it('refuses a frame with trailing bytes, a truncated body, an unknown type or sync sub-type', () => {
    expect(decodeMessage(new Uint8Array())).toEqual({ ok: false, error: 'empty' });
    expect(decodeMessage(Uint8Array.of(0, 2, 2, 0, 0, 9))).toEqual({ ok: false, error: 'trailing-bytes' });
    expect(decodeMessage(Uint8Array.of(0, 2, 5, 0))).toEqual({ ok: false, error: 'truncated' });
    expect(decodeMessage(Uint8Array.of(2, 0))).toEqual({ ok: false, error: 'unknown-type-2' });
    expect(decodeMessage(Uint8Array.of(0, 7, 0))).toEqual({ ok: false, error: 'unknown-sync-7' });
  });

  it('describes a message as a transcript line, counts only', () => {
    const d = { stateVector: (b: Uint8Array) => `sv ${b.length}B`, update: (b: Uint8Array) => `${b.length}B` };
    expect(describeMessage(encodeMessage({ type: 'stored', stateVector: sv, durable: 4 }), d)).toBe('STORED (sv 3B, durable 4)');
    expect(describeMessage(encodeMessage({ type: 'upstream-stored', stateVector: sv, durable: 1 }), d)).toBe('UPSTREAM_STORED (sv 3B, durable 1)');
    expect(describeMessage(Uint8Array.of(9), d)).toBe('malformed (unknown-type-9, 1 bytes)');
  });
});
