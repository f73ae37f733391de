// Large text for staff screens: a per-device setting (older volunteers, a tablet read at arm's
// length). It scales the root font size, so everything sized in rem/em grows with it; the
// virtualised people list reads the scale for its row height.
import { useEffect, useState } from 'preact/hooks';

export type TextSize = 'normal' | 'large';
const KEY = 'hinanjo:textSize';
export const TEXT_SCALE: Record<TextSize, number> = { normal: 1, large: 1.25 };
const listeners = new Set<(s: TextSize) => void>();

export function currentTextSize(): TextSize {
  return localStorage.getItem(KEY) === 'large' ? 'large' : 'normal';
}

/** Applies the stored size to the page (call once at start-up). */
export function applyTextSize(size: TextSize = currentTextSize()): void {
  document.documentElement.dataset.textSize = size;
}

export function setTextSize(size: TextSize): void {
  localStorage.setItem(KEY, size);
  applyTextSize(size);
  for (const l of listeners) l(size);
}

export function useTextSize(): [TextSize, (s: TextSize) => void] {
  const [size, set] = useState<TextSize>(currentTextSize);
  useEffect(() => {
    listeners.add(set);
    return () => void listeners.delete(set);
  }, []);
  return [size, setTextSize];
}
