// npm run token -- --role staff --shelter ID [--ttl 30d] [--device LABEL] [--data DIR] [--base URL]
// npm run token -- --role hq …
// npm run token -- --role box --shelter ID …  (a shelter box: prints the token and the box's command)
// npm run token -- --revoke JTI [--data DIR]
// With servers on PostgreSQL: add --store postgres://… (or DATABASE_URL).
// Prints the token and its enrolment link on stdout (nothing else there, so it can be piped);
// records the token id in the store so HQ can list and revoke devices.
import { enrolmentLink, issueToken } from '../core/auth';
import { readServerInfo, registeredShelterIds } from './server-info';
import { SHELTER_ID_PATTERN } from '../../domain/schema';
import type { Role } from '../../domain/tokens';
import { parseArgs, parseDuration } from './args';
import { keysFor, openStore, storeUrlFrom } from '../store/open-store';
import { renderUnicodeCompact } from 'uqr';

const USAGE =
  'usage: npm run token -- --role staff --shelter ID [--ttl 30d] [--device LABEL] [--data DIR] [--base URL]\n' +
  '       npm run token -- --role hq [--ttl 30d] [--device LABEL] [--data DIR] [--base URL]\n' +
  '       npm run token -- --role box --shelter ID [--ttl 90d] [--device LABEL] [--data DIR] [--base URL]\n' +
  '       npm run token -- --revoke JTI [--data DIR]\n' +
  '       add --qr to print the link as a QR code even when stderr is not a terminal;\n' +
  '       add --store postgres://… (or set DATABASE_URL) when the servers share a PostgreSQL store';

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2), {
      strings: ['role', 'shelter', 'ttl', 'device', 'data', 'base', 'revoke', 'store'],
      flags: ['qr', 'help'],
    });
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, flags } = args;
  if (flags.has('help')) {
    console.error(USAGE);
    return 0;
  }
  const dataDir = values.get('data') ?? process.env.HINANJO_DATA ?? './data';
  let storeUrl: string | undefined;
  try {
    storeUrl = storeUrlFrom(values.get('store'));
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const store = await openStore({ dataDir, storeUrl });
  try {
    const revoke = values.get('revoke');
    if (revoke) {
      const known = await store.revoke(revoke, new Date());
      console.error(known ? `revoked ${revoke}` : `revoked ${revoke} (not issued from this data directory)`);
      return 0;
    }
    const ttlText = values.get('ttl') ?? '30d';
    const ttl = parseDuration(ttlText);
    if (!ttl) {
      console.error(`--ttl: "${ttlText}" is not a duration like 30d, 12h, 45m\n${USAGE}`);
      return 2;
    }
    const role = values.get('role');
    const shelter = values.get('shelter');
    if ((role === 'staff' || role === 'box') && shelter && SHELTER_ID_PATTERN.test(shelter)) {
      const known = await registeredShelterIds(store);
      if (!known.includes(shelter)) {
        console.error(
          known.length === 0
            ? `unknown shelter "${shelter}": no shelter is registered in ${dataDir} yet (register shelters at HQ first, or start the server once to seed the demo)`
            : `unknown shelter "${shelter}": registered shelters are ${known.slice(0, 12).join(', ')}${known.length > 12 ? `, … (${known.length} in all)` : ''}`,
        );
        return 2;
      }
    }
    const r = await issueToken(await keysFor(store, dataDir), store, {
      role: role as Role,
      shelter: values.get('shelter'),
      ttlSeconds: ttl,
      device: values.get('device'),
    });
    if (!r.ok) {
      console.error(`${r.error}\n${USAGE}`);
      return 2;
    }
    // Links point at the server running on this data directory (its real port), else at PORT.
    const running = readServerInfo(dataDir);
    const base = values.get('base') ?? running?.url ?? `http://localhost:${process.env.PORT ?? 8080}`;
    if (!values.get('base')) {
      console.error(
        running
          ? `link for the server running on ${dataDir}: ${running.url}`
          : `no server is running on ${dataDir}: link for ${base} (set --base or PORT if that is not where tablets reach it)`,
      );
    }
    const { token, claims } = r.value;
    // The link as a QR code for the tablet's camera, on the terminal (stderr, so stdout stays
    // the two lines a script reads): when it is a terminal, or with --qr.
    if (claims.role !== 'box' && (process.stderr.isTTY || flags.has('qr'))) {
      process.stderr.write(renderUnicodeCompact(enrolmentLink(base, claims.role, token), { border: 2 }) + '\n');
    }
    console.log(token);
    // A box token is not for a browser: the second line is the box's command instead of a link.
    // The token goes in a file on the box (a --token argument would show in `ps`).
    console.log(claims.role === 'box' ? `npm run box -- --upstream ${base} --token-file box.token` : enrolmentLink(base, claims.role, token));
    if (claims.role === 'box') {
      console.error('on the box: save the first line as box.token (chmod 600), then run the second line; add --port, --data, --cert/--key as needed (later flags win)');
    }
    console.error(`token id (jti) ${claims.jti}, expires ${new Date(claims.exp * 1000).toISOString()}`);
    return 0;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error((e as Error).message);
    process.exit(1);
  },
);
