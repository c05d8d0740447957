import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BadConnError,
  BadDataError,
  createOonError,
  ERROR_CODES,
  OonError,
  ResultCode,
  StartFailError,
  StopFailError,
  TimeoutError,
} from '@oon/core';

describe('OonError', () => {
  it('carries a code, its origin number, a message and a cause', () => {
    const cause = new Error('ECONNREFUSED');
    const err = new BadConnError('connect 127.0.0.1:9 refused', { cause });
    expect(err).toBeInstanceOf(OonError);
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe('BadConn');
    expect(err.resultCode).toBe(4);
    expect(err.name).toBe('BadConnError');
    expect(err.message).toBe('connect 127.0.0.1:9 refused');
    expect(err.cause).toBe(cause);
  });

  it('numbers codes as the origin ExCode does', () => {
    expect(ResultCode).toEqual({ Success: 0, StartFail: 1, StopFail: 2, BadData: 3, BadConn: 4, Timeout: 5 });
  });

  it.each([
    ['StartFail', StartFailError],
    ['StopFail', StopFailError],
    ['BadData', BadDataError],
    ['BadConn', BadConnError],
    ['Timeout', TimeoutError],
  ] as const)('has a subclass for %s that createOonError builds', (code, Subclass) => {
    const err = createOonError(code, 'x');
    expect(err).toBeInstanceOf(Subclass);
    expect(err.code).toBe(code);
    expect(new Subclass('y').code).toBe(code);
  });

  it('has a heading in docs/errors.md for every code, and no other', () => {
    const doc = readFileSync(join(__dirname, '../../../docs/errors.md'), 'utf8');
    const headings = [...doc.matchAll(/^## `(\w+)`/gm)].map((m) => m[1]);
    expect(headings).toEqual([...ERROR_CODES]);
  });
});
