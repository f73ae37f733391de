// Registers the shared service worker (scope /) so the page starts with no network after its
// first visit. A waiting new version is not forced: the worker is shared with the staff tablets,
// which must never be reloaded mid-check-in; it takes over once every tab of the app has closed.
import { registerSW } from 'virtual:pwa-register';

export function registerResidentSW(): void {
  registerSW({ immediate: true });
}
