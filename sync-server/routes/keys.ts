// GET /api/public/token-key: the public key that verifies every access token (a JWK). A shelter
// box fetches it from the city when it can (and keeps it), so it checks tablets' tokens offline
// without holding anything that could mint one.
import { publicJwk, type TokenKeys } from '../core/auth';
import { sendJson, type Route } from './router';

export function keyRoutes(ctx: { keys: TokenKeys }): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/public/token-key',
      handler: async (_req, res) => {
        sendJson(res, 200, { keys: [await publicJwk(ctx.keys)] }, { 'Cache-Control': 'public, max-age=300' });
      },
    },
  ];
}
