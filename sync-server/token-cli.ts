// npm run token -- --role staff --shelter ID [--ttl 30d] [--device LABEL] [--data DIR] [--base URL]
// npm run token -- --role hq …
// npm run token -- --revoke JTI [--data DIR]
// Prints the token and its enrolment link on stdout (nothing else there, so it can be piped);
// records the token id in the store so HQ can list and revoke devices.
import { enrolmentLink, issueToken, loadSecret } from './auth';
import { parseArgs, parseDuration } from './cli-args';
import { openSqliteStore } from './store/sqlite';

const USAGE =
  'usage: npm run token -- --role staff --shelter ID [--ttl 30d] [--device LABEL] [--data DIR] [--base URL]\n' +
  '       npm run token -- --role hq [--ttl 30d] [--device LABEL] [--data DIR] [--base URL]\n' +
  '       npm run token -- --revoke JTI [--data DIR]';

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, flags } = args;
  if (flags.has('help') || flags.size > 0) {
    console.error(USAGE);
    return flags.has('help') ? 0 : 2;
  }
  const dataDir = values.get('data') ?? process.env.HINANJO_DATA ?? './data';
  const store = openSqliteStore(dataDir);
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
    const r = await issueToken(loadSecret(dataDir), store, {
      role: role as 'staff' | 'hq',
      shelter: values.get('shelter'),
      ttlSeconds: ttl,
      device: values.get('device'),
    });
    if (!r.ok) {
      console.error(`${r.error}\n${USAGE}`);
      return 2;
    }
    const base = values.get('base') ?? `http://localhost:${process.env.PORT ?? 8080}`;
    console.log(r.token);
    console.log(enrolmentLink(base, r.claims.role, r.token));
    console.error(`token id (jti) ${r.claims.jti}, expires ${new Date(r.claims.exp * 1000).toISOString()}`);
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
