import { describe, expect, it } from 'vitest';
import { placeLabels, type LabelRequest } from '../../web/lib/map/label-placer';

const overlaps = (a: { x: number; y: number; w: number; h: number }, b: typeof a) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

describe('map labels without collisions', () => {
  it('places every label of a crowded cluster somewhere around its marker, none overlapping another or a marker', () => {
    const labels: LabelRequest[] = Array.from({ length: 6 }, (_, i) => ({ id: `s${i}`, x: 400 + (i % 3) * 30, y: 300 + Math.floor(i / 3) * 30, w: 120, h: 24, gap: 12 }));
    const markers = labels.map((l) => ({ x: l.x - 9, y: l.y - 9, w: 18, h: 18 }));
    const placed = placeLabels(labels, markers, { x: 0, y: 0, w: 1000, h: 800 });
    expect(placed.length).toBeGreaterThanOrEqual(4);
    for (const [i, a] of placed.entries()) {
      for (const m of markers) expect(overlaps(a.rect, m), `${a.id} over a marker`).toBe(false);
      for (const b of placed.slice(i + 1)) expect(overlaps(a.rect, b.rect), `${a.id} over ${b.id}`).toBe(false);
    }
  });

  it('keeps labels inside the map and leaves out one that fits nowhere rather than covering another', () => {
    const placed = placeLabels([{ id: 'edge', x: 995, y: 5, w: 200, h: 24, gap: 10 }], [], { x: 0, y: 0, w: 1000, h: 800 });
    expect(placed[0].rect.x + placed[0].rect.w).toBeLessThanOrEqual(1000);
    expect(placed[0].rect.y).toBeGreaterThanOrEqual(0);
    const boxed = placeLabels([{ id: 'a', x: 100, y: 100, w: 50, h: 20, gap: 5 }], [{ x: 0, y: 0, w: 300, h: 300 }]);
    expect(boxed).toEqual([]);
  });
});

describe('labels that may move to find room', () => {
  it('a district label whose anchor is covered by markers moves out to the nearest free spot', () => {
    const markers = [{ x: 380, y: 280, w: 60, h: 60 }];
    const tight = placeLabels([{ id: 'd', x: 410, y: 310, w: 100, h: 30, gap: 3 }], markers, { x: 0, y: 0, w: 1000, h: 800 });
    const free = placeLabels([{ id: 'd', x: 410, y: 310, w: 100, h: 30, gap: 3, search: 120 }], markers, { x: 0, y: 0, w: 1000, h: 800 });
    expect(free).toHaveLength(1);
    expect(overlaps(free[0].rect, markers[0])).toBe(false);
    const r = free[0].rect;
    expect(Math.hypot(r.x + r.w / 2 - 410, r.y + r.h / 2 - 310)).toBeLessThanOrEqual(120 + 60);
    expect(tight.length).toBeLessThanOrEqual(1);
  });
});
