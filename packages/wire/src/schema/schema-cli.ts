import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { defaultRegistry, Registry } from '@oon/core';
import { describeRegistry, parseSchema, type RegistrySchema } from './registry-schema';
import { checkCompatibility } from './schema-compatibility';

/** Where the command writes, and how it ends: a process's streams, or a test's. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const USAGE = `usage:
  oon schema export --module <file> [--module <file>…] [--registry <export>] [--out <file>]
  oon schema check <snapshot> --module <file> [--module <file>…] [--registry <export>]

--module    a compiled module that declares the classes (loaded with require, in order)
--registry  the name of a Registry the last module exports (default: @oon/core's defaultRegistry)
--out       where export writes the snapshot (default: standard output)

export prints the registry's schema as JSON: commit it as the snapshot of what is deployed.
check compares the registry with a snapshot by the rules of docs/evolution.md, prints each
change that would break while both versions run side by side, and exits 1 if there is one.`;

/** Exit codes: done, a breaking change found, the command itself is wrong. */
const OK = 0;
const BREAKING = 1;
const USAGE_ERROR = 2;

/**
 * Runs `oon schema …` with `args` (what follows `oon`); returns the exit code. Every
 * failure is printed in words to `io.err`; nothing throws.
 */
export function runSchemaCli(args: readonly string[], io: CliIo, cwd: string = process.cwd()): number {
  try {
    const [group, command, ...rest] = args;
    if (group !== 'schema' || (command !== 'export' && command !== 'check')) {
      io.err(`${USAGE}\n`);
      return group === '--help' || group === '-h' ? OK : USAGE_ERROR;
    }
    const options = parseOptions(rest);
    const current = describeRegistry(loadRegistry(options, cwd));
    if (command === 'export') {
      const text = `${JSON.stringify(current, null, 2)}\n`;
      if (options.out === undefined) io.out(text);
      else writeFileSync(resolve(cwd, options.out), text);
      return OK;
    }
    if (options.snapshot === undefined) throw new UsageError('check needs the snapshot to compare with: oon schema check <snapshot> --module <file>');
    const snapshot = readSnapshot(resolve(cwd, options.snapshot));
    const problems = checkCompatibility(snapshot, current);
    if (problems.length === 0) {
      io.out(`compatible with ${options.snapshot}: ${current.classes.length} classes and ${current.enums.length} enums can run beside it\n`);
      return OK;
    }
    io.err(`${problems.length} breaking change${problems.length === 1 ? '' : 's'} since ${options.snapshot}:\n`);
    for (const p of problems) io.err(`  ${p.message} (rule ${p.rule}${p.field === undefined ? '' : `, field ${p.class}.${p.field}`})\n`);
    io.err('docs/evolution.md says which changes both versions can read, and what to do instead\n');
    return BREAKING;
  } catch (err) {
    io.err(`oon: ${err instanceof Error ? err.message : String(err)}\n`);
    if (err instanceof UsageError) io.err(`${USAGE}\n`);
    return err instanceof UsageError ? USAGE_ERROR : BREAKING;
  }
}

class UsageError extends Error {}

interface CliOptions {
  readonly modules: readonly string[];
  readonly registry: string | undefined;
  readonly out: string | undefined;
  readonly snapshot: string | undefined;
}

function parseOptions(args: readonly string[]): CliOptions {
  const modules: string[] = [];
  let registry: string | undefined;
  let out: string | undefined;
  let snapshot: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const value = (): string => {
      const next = args[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === '--module') modules.push(value());
    else if (arg === '--registry') registry = value();
    else if (arg === '--out') out = value();
    else if (!arg.startsWith('--') && snapshot === undefined) snapshot = arg;
    else throw new UsageError(`unknown argument ${arg}`);
  }
  if (modules.length === 0) throw new UsageError('give the compiled module that declares the classes: --module dist/models.js');
  return { modules, registry, out, snapshot };
}

/**
 * Loads the modules and returns the registry they declared into. The default registry is
 * taken from the @oon/core the first module resolves, which is the one its decorators
 * registered in (a project may hold its own copy of @oon/core).
 */
function loadRegistry(options: CliOptions, cwd: string): Registry {
  let last: Record<string, unknown> = {};
  let core: { defaultRegistry?: unknown } | undefined;
  for (const module of options.modules) {
    const path = resolve(cwd, module);
    const load = createRequire(path);
    try {
      last = load(path) as Record<string, unknown>;
    } catch (cause) {
      throw new Error(`cannot load ${module}: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
    core ??= tryRequire(load, '@oon/core');
  }
  if (options.registry !== undefined) {
    const named = last[options.registry];
    if (!isRegistry(named)) throw new UsageError(`${options.modules.at(-1) as string} exports no Registry named ${options.registry}`);
    return named;
  }
  const registry = core?.defaultRegistry;
  return isRegistry(registry) ? registry : defaultRegistry;
}

/** A Registry by its methods: the user's @oon/core may be another copy than ours, so `instanceof` would miss it. */
function isRegistry(value: unknown): value is Registry {
  return value instanceof Registry || (typeof value === 'object' && value !== null && typeof (value as Registry).schemaOf === 'function' && typeof (value as Registry).classNames === 'function');
}

function tryRequire(load: NodeJS.Require, id: string): { defaultRegistry?: unknown } | undefined {
  try {
    return load(id) as { defaultRegistry?: unknown };
  } catch {
    return undefined;
  }
}

function readSnapshot(path: string): RegistrySchema {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new UsageError(`cannot read the snapshot ${path}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
  try {
    return parseSchema(JSON.parse(text));
  } catch (cause) {
    throw new Error(`${path} is not a schema snapshot (oon schema export writes one): ${cause instanceof Error ? cause.message.replace(/^peer hello: /, '') : String(cause)}`);
  }
}
