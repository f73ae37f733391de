// Leaflet reads a string given to bindTooltip / bindPopup / setTooltipContent as HTML. Shelter
// names and closure reasons come from documents and imported files (anyone with a CSV can put
// `<img onerror=…>` in one), so every map text goes in as a DOM node filled with textContent.
export function textTooltip(text: string): HTMLElement {
  const el = document.createElement('span');
  el.textContent = text;
  return el;
}
