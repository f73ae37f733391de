// The wall is designed at 1920×1080 and scaled to its screen: the root font size follows the
// viewport (hq.css, html.hq-wall-root), so everything in rem grows on 4K and shrinks on 720p in
// proportion. The map draws in px (markers, placed labels): it multiplies by the same factor.

/** The wall's size relative to its 1080p design (1 at 1920×1080, 2 at 3840×2160). */
export function wallScale(): number {
  if (typeof document === 'undefined') return 1;
  const px = parseFloat(getComputedStyle(document.documentElement).fontSize);
  return Number.isFinite(px) && px > 0 ? px / 16 : 1;
}
