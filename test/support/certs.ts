/**
 * Certificates made at test time with the `openssl` CLI, so no private key is ever
 * committed: a CA, a server certificate for 127.0.0.1/localhost and a client
 * certificate, both signed by it, and a second CA that signed neither.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A key and the certificate for it, as PEM text. */
export interface KeyPair {
  key: string;
  cert: string;
}

/** Everything a TLS test needs. */
export interface TestCertificates {
  /** The authority that signed `server` and `client`. */
  ca: string;
  /** An authority that signed nothing here: trusting it alone must fail. */
  otherCa: string;
  server: KeyPair;
  client: KeyPair;
  /** A client certificate signed by `otherCa`, which a mutual-TLS server must refuse. */
  strangerClient: KeyPair;
}

function openssl(cwd: string, args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`openssl ${args[0]} failed (the TLS tests need the openssl CLI on PATH): ${String(err)}\n${stderr}`);
  }
}

function makeCa(dir: string, name: string): void {
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.crt`]);
}

function makeSigned(dir: string, ca: string, name: string, extensions: string): KeyPair {
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`]);
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, [
    'x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial',
    '-days', '1', '-extfile', `${name}.ext`, '-out', `${name}.crt`,
  ]);
  return { key: readFileSync(join(dir, `${name}.key`), 'utf8'), cert: readFileSync(join(dir, `${name}.crt`), 'utf8') };
}

/** Generates a fresh set in a temporary directory, reads it, and deletes the directory. */
export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'oon-certs-'));
  try {
    makeCa(dir, 'oon-test-ca');
    makeCa(dir, 'oon-other-ca');
    const server = makeSigned(dir, 'oon-test-ca', 'server', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
    const client = makeSigned(dir, 'oon-test-ca', 'client', 'extendedKeyUsage=clientAuth\n');
    const strangerClient = makeSigned(dir, 'oon-other-ca', 'stranger', 'extendedKeyUsage=clientAuth\n');
    return {
      ca: readFileSync(join(dir, 'oon-test-ca.crt'), 'utf8'),
      otherCa: readFileSync(join(dir, 'oon-other-ca.crt'), 'utf8'),
      server,
      client,
      strangerClient,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
