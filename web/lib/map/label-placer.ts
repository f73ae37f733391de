// Labels that do not overlap: each label tries a few spots around its anchor (right, left,
// above, below) and takes the first that hits neither a placed label nor an obstacle (a marker);
// one that fits nowhere is left out rather than drawn over another. Labels are placed in the
// order given, so the caller puts the most important first (district labels, fullest shelters).
// Pure: screen coordinates in, rectangles out (tested without a browser).

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface LabelRequest {
  id: string;
  /** Anchor point (the marker's centre), screen px. */
  x: number;
  y: number;
  w: number;
  h: number;
  /** Gap between the anchor and the label (the marker's radius and a little more). */
  gap: number;
  /**
   * How far (px) the label may move away from its anchor to find room: a district's label belongs
   * near its shelters, not on one exact spot. 0: only the spots right around the anchor.
   */
  search?: number;
}

export interface Placement {
  id: string;
  rect: Rect;
}

const overlaps = (a: Rect, b: Rect) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** Candidate rectangles around an anchor, in order of preference (then farther out, when allowed). */
function candidates(l: LabelRequest): Rect[] {
  const near = around(l);
  const out = [...near];
  const step = Math.max(8, l.h);
  for (let r = step; r <= (l.search ?? 0); r += step) {
    for (const [dx, dy] of [[0, 1], [0, -1], [1, 0], [-1, 0], [0.7, 0.7], [-0.7, 0.7], [0.7, -0.7], [-0.7, -0.7]]) {
      out.push({ x: l.x - l.w / 2 + dx * r, y: l.y - l.h / 2 + dy * r, w: l.w, h: l.h });
    }
  }
  return out;
}

function around(l: LabelRequest): Rect[] {
  const { x, y, w, h, gap } = l;
  return [
    { x: x + gap, y: y - h / 2, w, h }, // right
    { x: x - gap - w, y: y - h / 2, w, h }, // left
    { x: x - w / 2, y: y - gap - h, w, h }, // above
    { x: x - w / 2, y: y + gap, w, h }, // below
    { x: x + gap * 0.7, y: y - gap * 0.7 - h, w, h }, // above right
    { x: x - gap * 0.7 - w, y: y + gap * 0.7, w, h }, // below left
  ];
}

export function placeLabels(labels: readonly LabelRequest[], obstacles: readonly Rect[], bounds?: Rect): Placement[] {
  const taken: Rect[] = [...obstacles];
  const out: Placement[] = [];
  for (const l of labels) {
    const spot = candidates(l).find(
      (r) =>
        (!bounds || (r.x >= bounds.x && r.y >= bounds.y && r.x + r.w <= bounds.x + bounds.w && r.y + r.h <= bounds.y + bounds.h)) &&
        !taken.some((t) => overlaps(r, t)),
    );
    if (!spot) continue;
    taken.push(spot);
    out.push({ id: l.id, rect: spot });
  }
  return out;
}
