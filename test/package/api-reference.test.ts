/**
 * `pnpm run docs` builds the API reference with typedoc (typedoc.json). This runs the same
 * configuration without writing the site (`--emit none`): it fails on any typedoc
 * warning, which includes an exported symbol or member without a doc comment
 * (`validation.notDocumented`), a broken `{@link}`, and a type the public API names but
 * no package exports.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../support/packages';

const TYPEDOC = join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc');

it('typedoc documents every public package with no warning', async () => {
  let output: string;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [TYPEDOC, '--emit', 'none', '--logLevel', 'Warn'], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    output = stdout + stderr;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    output = `${e.stdout ?? ''}${e.stderr ?? ''}` || e.message;
  }
  // The message lists each warning, e.g. "Car.speed (Property) … does not have any documentation".
  expect(output.split('\n').filter((line) => /warning|error/i.test(line))).toEqual([]);
}, 120_000);
