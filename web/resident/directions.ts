// The "directions" link of a shelter. An https link to Google Maps' documented directions URL
// (maps/dir/?api=1&destination=lat,lon) is used rather than a geo: URI: geo: opens nothing on
// iPhones and desktop browsers, while the https link opens the Google Maps app on Android and on
// iPhones that have it, and the map website everywhere else, with the route from where the phone
// is. On Apple devices without Google Maps, Apple's own maps.apple.com?daddr= link opens Apple Maps,
// so Apple devices get that one. Coordinates only: the shelter name could match the wrong place.
export function directionsUrl(lat: number, lon: number, userAgent: string): string {
  const dest = `${lat.toFixed(6)},${lon.toFixed(6)}`;
  if (/iPhone|iPad|iPod|Macintosh/.test(userAgent)) return `https://maps.apple.com/?daddr=${dest}&dirflg=w`;
  return `https://www.google.com/maps/dir/?api=1&destination=${dest}&travelmode=walking`;
}
