/**
 * The defaults the docs' option tables give are the code's: each row whose option has an
 * exported `DEFAULT_…` constant (`closeGrace` → `DEFAULT_CLOSE_GRACE`,
 * `reconnect.initialDelay` → `DEFAULT_RECONNECT_INITIAL_DELAY`) must state its value, in
 * the units the table writes (`10000` ms, `10 s`, `8 MiB`, `10,000`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as client from '@oon/client';
import * as core from '@oon/core';
import * as server from '@oon/server';
import * as wire from '@oon/wire';
import { ROOT } from '../support/packages';

const PAGES = ['docs/getting-started.md', 'docs/reconnect.md', 'docs/limits.md', 'docs/transports.md'];
const CONSTANTS: Record<string, unknown> = { ...core, ...wire, ...server, ...client };
const UNITS: Record<string, number> = { ms: 1, s: 1_000, min: 60_000, B: 1, KiB: 1024, MiB: 1024 * 1024 };

function constantFor(option: string): string {
  return `DEFAULT_${option.replace(/\./g, '_').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;
}

/** The value a default cell states: a number in its unit, or a quoted string; undefined when it states neither. */
function stated(cell: string): number | string | undefined {
  const text = cell.replace(/`/g, '').trim();
  const quoted = text.match(/^'([^']*)'/);
  if (quoted) return quoted[1];
  const m = text.match(/^(\d[\d,]*(?:\.\d+)?)\s*(ms|s|min|B|KiB|MiB)?\b/);
  if (!m) return undefined;
  return Number((m[1] as string).replace(/,/g, '')) * UNITS[m[2] ?? 'B']!;
}

interface Row {
  readonly where: string;
  readonly option: string;
  readonly cell: string;
}

function rows(page: string): Row[] {
  const lines = readFileSync(join(ROOT, page), 'utf8').split('\n');
  const out: Row[] = [];
  let defaultColumn = -1;
  lines.forEach((line, i) => {
    if (!line.startsWith('|')) {
      defaultColumn = -1;
      return;
    }
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (defaultColumn < 0) {
      defaultColumn = cells[0] === 'option' ? cells.indexOf('default') : -1;
      return;
    }
    const option = cells[0]?.match(/^`([\w.]+)`/)?.[1];
    const cell = cells[defaultColumn];
    if (option !== undefined && cell !== undefined) out.push({ where: `${page}:${i + 1}`, option, cell });
  });
  return out;
}

it('every default an option table states is the code’s DEFAULT_… constant', () => {
  const checked = PAGES.flatMap(rows).filter((r) => constantFor(r.option) in CONSTANTS && stated(r.cell) !== undefined);
  const wrong = checked
    .filter((r) => stated(r.cell) !== CONSTANTS[constantFor(r.option)])
    .map((r) => `${r.where}: ${r.option} says ${r.cell}, ${constantFor(r.option)} is ${String(CONSTANTS[constantFor(r.option)])}`);
  expect(wrong).toEqual([]);
  expect(checked.length).toBeGreaterThanOrEqual(15); // 22 rows when written: the test is not vacuous
});
