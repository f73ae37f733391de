// How the city reaches each shelter right now: tablets connected directly, a shelter box
// relaying, both, or nothing; and when a box last synced (its changes committed here). HQ shows
// it beside each shelter (GET /api/hq/links), so an officer can tell "silent because the box has
// no backhaul since 14:10" from "nobody is connected".
import type { SyncConnection, SyncHooks } from '../core/sync-service';

export interface ShelterLink {
  /** Tablets (staff tokens) connected to the city directly. */
  tablets: number;
  /** Shelter boxes connected now. */
  boxes: number;
  /** The last time a box's sync with the city completed a commit (ISO), even if it is gone now. */
  boxLastSyncAt: string | null;
}

export class ShelterLinks {
  private readonly links = new Map<string, ShelterLink>();

  constructor(private readonly clock: () => Date = () => new Date()) {}

  hooks(): SyncHooks {
    return {
      opened: (c) => this.count(c, +1),
      closed: (c) => this.count(c, -1),
      durable: (c) => {
        if (c.claims.role !== 'box' || c.live.ref.kind !== 'shelter') return;
        this.entry(c.live.ref.shelterId).boxLastSyncAt = this.clock().toISOString();
      },
    };
  }

  snapshot(): Record<string, ShelterLink> {
    return Object.fromEntries([...this.links].map(([id, l]) => [id, { ...l }]));
  }

  private entry(shelterId: string): ShelterLink {
    let l = this.links.get(shelterId);
    if (!l) this.links.set(shelterId, (l = { tablets: 0, boxes: 0, boxLastSyncAt: null }));
    return l;
  }

  private count(c: SyncConnection, delta: number): void {
    if (c.live.ref.kind !== 'shelter') return;
    const l = this.entry(c.live.ref.shelterId);
    if (c.claims.role === 'box') {
      l.boxes = Math.max(0, l.boxes + delta);
      if (delta > 0) l.boxLastSyncAt = this.clock().toISOString();
    } else if (c.claims.role === 'staff') l.tablets = Math.max(0, l.tablets + delta);
  }
}
