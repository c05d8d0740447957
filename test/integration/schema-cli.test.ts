/**
 * `oon schema export` and `oon schema check <snapshot>` (the `bin` of @oon/wire), run as a
 * user runs them in CI, on the cars example: a snapshot, then a next version that adds a
 * field (passes) or turns `speed` into a string (fails, naming it).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describeRegistry } from '@oon/wire';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'packages', 'wire', 'dist', 'cli.js');
const CARS = join(ROOT, 'examples', 'cars', 'dist', 'cars.js');
const run = promisify(execFile);

/** Runs `oon …`; resolves with its exit code and output whatever the code. */
async function oon(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { cwd: work });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** A module that loads the cars example and changes it as `change` says (JavaScript run after its decorators). */
function nextVersion(name: string, change: string): string {
  const path = join(work, name);
  writeFileSync(
    path,
    `const { createRequire } = require('node:module');
const load = createRequire(${JSON.stringify(CARS)});
const { Car } = load('./cars.js');
const { NetField, t } = load('@oon/core');
${change}
`,
  );
  return path;
}

let work: string;
beforeAll(() => {
  // Inside the repository, so the modules written here resolve @oon/* as a user's project does.
  const cache = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  work = mkdtempSync(join(cache, 'oon-schema-cli-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('oon schema', () => {
  it('export writes the registry schema as a snapshot, and check finds the same registry compatible', async () => {
    const exported = await oon('schema', 'export', '--module', CARS, '--out', 'schema.json');
    expect(exported).toEqual({ code: 0, stdout: '', stderr: '' });
    const snapshot = JSON.parse(readFileSync(join(work, 'schema.json'), 'utf8')) as { hash: string; classes: Array<{ name: string }> };
    expect(snapshot.classes.map((c) => c.name)).toEqual(['Car', 'FordTruck', 'Truc', 'TrucTrailer', 'VolvoCar']);

    const printed = await oon('schema', 'export', '--module', CARS);
    expect(JSON.parse(printed.stdout)).toEqual(snapshot);

    expect(await oon('schema', 'check', 'schema.json', '--module', CARS)).toEqual({
      code: 0,
      stdout: 'compatible with schema.json: 5 classes and 1 enums can run beside it\n',
      stderr: '',
    });
  });

  it('check passes a next version that adds a field with a default', async () => {
    await oon('schema', 'export', '--module', CARS, '--out', 'schema.json');
    const added = nextVersion('add-owner.js', `NetField(t.string)(Car.prototype, 'owner');\nCar.prototype.owner = 'nobody';`);

    const result = await oon('schema', 'check', 'schema.json', '--module', added);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('compatible with schema.json: 5 classes and 1 enums can run beside it\n');
  });

  it('check fails a next version that turns speed into a string, naming each class and the rule, both ways', async () => {
    await oon('schema', 'export', '--module', CARS, '--out', 'schema.json');
    const changed = nextVersion('speed-string.js', `NetField(t.string)(Car.prototype, 'speed');`);

    const result = await oon('schema', 'check', 'schema.json', '--module', changed);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('8 breaking changes since schema.json:');
    expect(lines[1]).toBe(
      "  `Car.speed` is number in the older version's schema, string in the newer version's: a number cannot be read as a string (rule type-changed, field Car.speed)",
    );
    expect(lines).toContain(
      "  `VolvoCar.speed` is string in the newer version's schema, number in the older version's: a string cannot be read as a number (rule type-changed, field VolvoCar.speed)",
    );
    expect(lines.at(-1)).toBe('docs/evolution.md says which changes both versions can read, and what to do instead');
  });

  it('fails a next version that adds a field with no default: the newer cannot read the older without it', async () => {
    await oon('schema', 'export', '--module', CARS, '--out', 'schema.json');
    const required = nextVersion('required.js', `NetField(t.string)(Car.prototype, 'vin');`);

    const result = await oon('schema', 'check', 'schema.json', '--module', required);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "  the newer version's `Car.vin` has no default (its class leaves it undefined) and the older version never sends it: give it an initializer or make it t.optional (rule required-field-missing, field Car.vin)",
    );
  });

  it('says how to use it, with exit code 2, when the command is wrong', async () => {
    const none = await oon('schema', 'check', 'schema.json');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^oon: give the compiled module that declares the classes: --module dist\/models\.js\nusage:\n {2}oon schema export/);
    expect((await oon('deploy')).code).toBe(2);
    const missing = await oon('schema', 'check', 'nowhere.json', '--module', CARS);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^oon: cannot read the snapshot .*nowhere\.json: ENOENT/);
    writeFileSync(join(work, 'bad.json'), '{"hash": "x"}');
    expect((await oon('schema', 'check', 'bad.json', '--module', CARS)).stderr).toMatch(/bad\.json is not a schema snapshot \(oon schema export writes one\): schema\.hash must be a sha-256/);
  });

  it('exports what describeRegistry() describes for a registry a module names', async () => {
    const path = join(work, 'own-registry.js');
    writeFileSync(
      path,
      `const load = require('node:module').createRequire(${JSON.stringify(CARS)});
const { NetClass, NetField, Registry, t } = load('@oon/core');
const registry = new Registry();
class Boat {}
NetField(t.int)(Boat.prototype, 'length');
NetClass({ registry, name: 'sea.Boat' })(Boat);
module.exports = { registry };
`,
    );
    const { registry } = require(path) as { registry: Parameters<typeof describeRegistry>[0] };

    const result = await oon('schema', 'export', '--module', path, '--registry', 'registry');

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(describeRegistry(registry));
    expect((await oon('schema', 'export', '--module', path, '--registry', 'nope')).stderr).toMatch(/own-registry\.js exports no Registry named nope/);
  });
});
