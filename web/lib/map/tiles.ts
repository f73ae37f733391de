// The basemap's tile source, set per deployment at build time: a city with its own tile server
// (or an offline tile cache on the LAN) sets VITE_HINANJO_TILE_URL; an empty value turns tiles
// off and the map draws on its plain background.
export interface TileConfig {
  url: string;
  attribution: string;
  maxZoom: number;
}

/** 地理院タイル (GSI standard map). */
export const GSI_STANDARD_TILES: TileConfig = {
  url: 'https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png',
  attribution: '<a href="https://maps.gsi.go.jp/development/ichiran.html" target="_blank" rel="noopener">国土地理院</a>',
  maxZoom: 18,
};

export function deploymentTiles(): TileConfig | null {
  const env = import.meta.env as Record<string, string | undefined>;
  const url = env.VITE_HINANJO_TILE_URL;
  if (url === undefined) return GSI_STANDARD_TILES;
  if (url.trim() === '') return null;
  return {
    url,
    attribution: env.VITE_HINANJO_TILE_ATTRIBUTION ?? '',
    maxZoom: Number(env.VITE_HINANJO_TILE_MAX_ZOOM ?? 18) || 18,
  };
}
