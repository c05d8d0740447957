#!/usr/bin/env node
/**
 * The `oon` command (`bin` of @oon/wire): `oon schema export` and `oon schema check
 * <snapshot>`, to keep a snapshot of a registry's schema and fail CI on a change that
 * would break a rolling deploy (docs/evolution.md).
 *
 * @packageDocumentation
 */
import { runSchemaCli } from './schema/schema-cli';

process.exitCode = runSchemaCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
