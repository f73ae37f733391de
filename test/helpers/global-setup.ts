// Once per test run: a self-signed certificate for the local push service (test/helpers/
// push-service.ts). The server sends pushes over https even to loopback (web-push), and trusts
// this certificate the way an operator would trust a private CA: NODE_EXTRA_CA_CERTS, which a
// Node process reads when it starts — so it is set here, before the test workers start.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'hinanjo-push-cert-'));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ], { stdio: 'ignore' });
  process.env.HINANJO_TEST_PUSH_CERT_DIR = dir;
  process.env.NODE_EXTRA_CA_CERTS = join(dir, 'cert.pem');
  return () => rmSync(dir, { recursive: true, force: true });
}
