import { describe, expect, it } from 'vitest';
import { clusterPoints, type ClusterPoint } from '../../domain/marker-clusters';

const p = (id: string, x: number, y: number, band: ClusterPoint['band'] = 'available', headcount = 1): ClusterPoint => ({ id, x, y, band, headcount });

describe('marker clusters', () => {
  it('keeps far-apart points alone and groups those in one cell, with the worst band and the total headcount', () => {
    const { singles, clusters } = clusterPoints([p('a', 10, 10), p('b', 20, 30, 'full', 5), p('c', 300, 300), p('d', 30, 20, 'crowded', 2)], 60);
    expect(singles.map((s) => s.id)).toEqual(['c']);
    expect(clusters).toHaveLength(1);
    expect(clusters[0].ids).toEqual(['a', 'b', 'd']);
    expect(clusters[0].band).toBe('full');
    expect(clusters[0].headcount).toBe(8);
    expect(clusters[0].x).toBeCloseTo(20);
  });

  it('does not depend on the order of its input, and skips points without a position', () => {
    const pts = Array.from({ length: 200 }, (_, i) => p(`s${i}`, (i * 37) % 500, (i * 91) % 400));
    const a = clusterPoints(pts, 80);
    const b = clusterPoints([...pts].reverse(), 80);
    expect(b).toEqual(a);
    const all = a.singles.length + a.clusters.reduce((n, c) => n + c.ids.length, 0);
    expect(all).toBe(200);
    expect(clusterPoints([p('x', NaN, 1)], 80)).toEqual({ singles: [], clusters: [] });
  });

  it('800 shelters over a prefecture at a low zoom become a few dozen markers', () => {
    const pts = Array.from({ length: 800 }, (_, i) => p(`s${i}`, (i % 40) * 25, Math.floor(i / 40) * 40));
    const { singles, clusters } = clusterPoints(pts, 80);
    expect(singles.length + clusters.length).toBeLessThan(200);
  });
});
