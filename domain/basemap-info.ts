// GET /api/public/basemap.json: whether the server (or shelter box) has a basemap archive, and
// what a tablet needs to know before keeping part of it (its size per tile, zooms, bounds).
export type BasemapInfo =
  | { available: false }
  | {
      available: true;
      /** Path of the PMTiles archive on the same server. */
      url: string;
      bytes: number;
      etag: string;
      minZoom: number;
      maxZoom: number;
      /** [west, south, east, north] */
      bounds: [number, number, number, number];
      /** PMTiles tile type: 1 vector (MVT), 2 PNG, 3 JPEG, 4 WebP. */
      tileType: number;
      /** Average stored size of a tile: the basis of "about N MB" before saving an area. */
      averageTileBytes: number;
      attribution: string;
      name: string;
    };
