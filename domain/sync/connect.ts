// The connect request, both ends: the URL a client opens (sync-step handshake in route.ts) and
// what the server reads from it (sync-server's admission). One place, so a parameter added on
// one side (`epoch` was dropped by a copy once) exists on the other.
import { PROTOCOL_VERSION, tokenFromProtocols } from '../protocol';

/** What a client asks for when it connects: the document, its token, its protocol version, its epoch. */
export interface ConnectRequest {
  docName: string;
  token: string | null;
  version: number;
  /**
   * The epoch of the client's copy of the document (?epoch=, retention.ts): '' means a copy from
   * before any purge. A copy from another epoch is refused with CLOSE.purged.
   */
  epoch: string;
}

/**
 * ws(s)://host/sync/<docName>?v=…[&epoch=…]. The token is not in it: it travels in the
 * protocol list (tokenProtocols), because a URL ends up in console errors and proxy logs.
 */
export function syncUrl(serverUrl: string, docName: string, epoch = ''): string {
  const params = new URLSearchParams({ v: String(PROTOCOL_VERSION) });
  if (epoch) params.set('epoch', epoch);
  return `${serverUrl.replace(/\/+$/, '')}/${encodeURIComponent(docName)}?${params}`;
}

/**
 * Reads a connect request from the upgrade's path and query (`/sync/<docName>?…`) and its
 * Sec-WebSocket-Protocol header; null when the path is not a sync path. The token comes from the
 * protocol list, else from `?token=` (older tablets, stock y-websocket providers); an absent or
 * unreadable `v` means version 1.
 */
export function parseConnectRequest(pathAndQuery: string, protocolHeader?: string): ConnectRequest | null {
  const url = new URL(pathAndQuery, 'http://x');
  if (!url.pathname.startsWith('/sync/')) return null;
  let docName: string;
  try {
    docName = decodeURIComponent(url.pathname.slice('/sync/'.length));
  } catch {
    docName = '';
  }
  return {
    docName,
    token: tokenFromProtocols(protocolHeader) ?? url.searchParams.get('token'),
    version: Number(url.searchParams.get('v') ?? '1'),
    epoch: url.searchParams.get('epoch') ?? '',
  };
}
