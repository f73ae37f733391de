// Opting in to alerts at the household's own timing (Web Push). The subscription the server
// keeps holds the browser's endpoint and keys, the district, the switch level and the language;
// nothing else. Where a browser cannot subscribe (no push service, a refusal), the page still
// tells the resident while it is open (notify.ts).
import type { LangCode } from './i18n';
import type { SwitchLevel } from './prefs';

export interface PushSetting {
  endpoint: string;
  district: string;
  switchLevel: SwitchLevel;
  lang: LangCode;
  /** The browser's subscription (endpoint and keys), to send again when a setting changes. */
  subscription: PushSubscriptionJSON;
  /** The server has the current settings (false: to be sent when online). */
  synced: boolean;
}

const KEY = 'hinanjo.resident.push.v1';

export function loadPush(storage: Storage = localStorage): PushSetting | null {
  try {
    return JSON.parse(storage.getItem(KEY) ?? 'null') as PushSetting | null;
  } catch {
    return null;
  }
}

export function savePush(s: PushSetting | null, storage: Storage = localStorage): void {
  try {
    if (s) storage.setItem(KEY, JSON.stringify(s));
    else storage.removeItem(KEY);
  } catch {
    /* for this visit */
  }
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const b64 = base64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64url.length % 4)) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

/** Subscribes this browser and tells the server; the subscription's JSON on success. */
export async function subscribe(): Promise<PushSubscriptionJSON> {
  if (!('serviceWorker' in navigator) || !('PushManager' in window)) throw new Error('unsupported');
  if ((await Notification.requestPermission()) !== 'granted') throw new Error('denied');
  const reg = await Promise.race([navigator.serviceWorker.ready, new Promise<never>((_, no) => setTimeout(() => no(new Error('no worker')), 8_000))]);
  const { publicKey } = (await (await fetch('/api/public/push-key')).json()) as { publicKey: string | null };
  if (!publicKey) throw new Error('no key');
  const sub = (await reg.pushManager.getSubscription()) ?? (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) }));
  return sub.toJSON();
}

/** Sends the current settings to the server; false when it could not be reached. */
export async function register(sub: PushSubscriptionJSON | { endpoint: string; keys: Record<string, string> }, s: Omit<PushSetting, 'endpoint' | 'synced' | 'subscription'>): Promise<boolean> {
  try {
    const res = await fetch('/api/public/push-subscriptions', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ subscription: sub, ...s }) });
    return res.ok;
  } catch {
    return false;
  }
}

export async function unsubscribe(endpoint: string): Promise<void> {
  try {
    const reg = await navigator.serviceWorker?.getRegistration();
    const sub = await reg?.pushManager.getSubscription();
    await sub?.unsubscribe();
  } catch {
    /* the server side goes anyway */
  }
  await fetch('/api/public/push-subscriptions', { method: 'DELETE', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ endpoint }) }).catch(() => undefined);
}
