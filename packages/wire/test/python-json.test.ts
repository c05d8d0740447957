import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BadDataError, OonError } from '@oon/core';
import { pyFloat, pyInt, pyNumber, pyString } from '@oon/wire';
import { thrown } from '../../../test/support/expect-bad-data';

/** `[value, Python's repr(value)]`, each expectation read off `python3 -c 'print(repr(v))'`. */
const PYTHON_FLOAT_REPRS: ReadonlyArray<readonly [number, string]> = [
  [-2.0, '-2.0'],
  [2.5, '2.5'],
  [0.1, '0.1'],
  [1e16, '1e+16'],
  [1.5e-5, '1.5e-05'],
  [123456789012345680.0, '1.2345678901234568e+17'],
  [1e-4, '0.0001'],
  [0.0, '0.0'],
  [1.0, '1.0'],
  [100.0, '100.0'],
  [1e15, '1000000000000000.0'],
  [9999999999999998.0, '9999999999999998.0'],
  [1e-5, '1e-05'],
  [0.00012345, '0.00012345'],
  [1e21, '1e+21'],
  [1e22, '1e+22'],
  [5e-324, '5e-324'],
  [1.7976931348623157e308, '1.7976931348623157e+308'],
  [2.2250738585072014e-308, '2.2250738585072014e-308'],
  [0.1 + 0.2, '0.30000000000000004'],
  [1 / 3, '0.3333333333333333'],
  [-1e-7, '-1e-07'],
  [123.456, '123.456'],
  [1e100, '1e+100'],
  [12345678901234567890.0, '1.2345678901234567e+19'],
  [-1.5e300, '-1.5e+300'],
  [4.35, '4.35'],
  [1e-10, '1e-10'],
  [9007199254740993.0, '9007199254740992.0'],
  [1234567890123456.7, '1234567890123456.8'],
];

describe('pyFloat', () => {
  it.each(PYTHON_FLOAT_REPRS)('writes %p as Python repr writes it (%s)', (value, expected) => {
    expect(pyFloat(value)).toBe(expected);
  });

  it('writes negative zero as -0.0, as Python does', () => {
    expect(pyFloat(-0.0)).toBe('-0.0');
    expect(pyFloat(0)).toBe('0.0');
  });

  it('always writes a fraction or an exponent, so the peer reads a float', () => {
    for (const value of [0, 1, -1, 7, 20, 1e15, 2 ** 53]) {
      expect(pyFloat(value)).toMatch(/\.|e/);
    }
  });

  it('switches to scientific notation exactly where Python does (exponent < -4 or >= 16)', () => {
    expect(pyFloat(0.0001)).toBe('0.0001');
    expect(pyFloat(0.00009)).toBe('9e-05');
    expect(pyFloat(9999999999999998)).toBe('9999999999999998.0');
    expect(pyFloat(10000000000000000)).toBe('1e+16');
    expect(pyFloat(-12345678901234567)).toBe('-1.2345678901234568e+16');
  });

  it.each([
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'],
  ])('refuses %p with BadData, since JSON cannot spell it', (value, shown) => {
    const err = thrown(() => pyFloat(value));
    expect(err).toBeInstanceOf(BadDataError);
    expect(err).toBeInstanceOf(OonError);
    expect((err as OonError).code).toBe('BadData');
    expect((err as OonError).message).toContain(shown);
    expect((err as OonError).message).toContain('finite');
  });

  it('matches Python 3 repr(float) on 3000+ doubles of every magnitude (test/support/python-float-repr.txt)', () => {
    const lines = readFileSync(join(__dirname, '../../../test/support/python-float-repr.txt'), 'utf8')
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'));
    expect(lines.length).toBeGreaterThan(3000);
    const view = new DataView(new ArrayBuffer(8));
    const mismatches: string[] = [];
    for (const line of lines) {
      const [bits = '', expected = ''] = line.split(' ');
      view.setBigUint64(0, BigInt(`0x${bits}`));
      const value = view.getFloat64(0);
      const written = pyFloat(value);
      if (written !== expected) mismatches.push(`${bits}: Python ${expected}, pyFloat ${written}`);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('pyString', () => {
  it('leaves printable ASCII alone and escapes quotes and backslashes', () => {
    expect(pyString('abc XYZ 019 ~')).toBe('"abc XYZ 019 ~"');
    expect(pyString('say "hi" \\ /')).toBe('"say \\"hi\\" \\\\ /"');
    expect(pyString('')).toBe('""');
  });

  it('escapes non-ASCII as lowercase \\uXXXX (json.dumps("Привет \\"q\\""))', () => {
    expect(pyString('Привет "q"')).toBe('"\\u041f\\u0440\\u0438\\u0432\\u0435\\u0442 \\"q\\""');
  });

  it('writes a character beyond the BMP as its surrogate pair (json.dumps("\\U0001F600"))', () => {
    expect(pyString('😀')).toBe('"\\ud83d\\ude00"');
  });

  it('escapes lone surrogates like Python (json.dumps("\\ud800x\\udfff"))', () => {
    expect(pyString('\ud800x\udfff')).toBe('"\\ud800x\\udfff"');
  });

  it('escapes DEL and control characters as json.dumps does', () => {
    // python3 -c 'import json; print(json.dumps("\x7f\x00\x01\x08\x09\x0a\x0b\x0c\x0d\x1f \\/"))'
    expect(pyString('\x7f\x00\x01\x08\x09\x0a\x0b\x0c\x0d\x1f \\/')).toBe(
      '"\\u007f\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001f \\\\/"',
    );
  });

  it('escapes U+2028, Latin-1 and U+FFFF (json.dumps("\\u2028\\u00e9\\u00ff\\u0080\\ufeff\\uffff"))', () => {
    expect(pyString('\u2028\u00e9\u00ff\u0080\ufeff\uffff')).toBe('"\\u2028\\u00e9\\u00ff\\u0080\\ufeff\\uffff"');
  });

  it('writes only ASCII bytes, whatever the input', () => {
    expect(pyString('日本語 ✓ 😀 \u0000')).toMatch(/^[\x20-\x7e]*$/);
  });

  it('matches json.dumps on every UTF-16 code unit 0000..FFFF, in one string', () => {
    let all = '';
    for (let unit = 0; unit <= 0xffff; unit++) all += String.fromCharCode(unit);
    const written = pyString(all);
    // python3 -c 'import json,hashlib; o=json.dumps("".join(chr(i) for i in range(0x10000)));
    //             print(len(o), hashlib.sha256(o.encode("ascii")).hexdigest())'
    expect(written.length).toBe(392725);
    expect(createHash('sha256').update(written, 'ascii').digest('hex')).toBe(
      '1d673810d2fbf405ae11f52e54e00357f0cc16018c1f0ac8f0ed3865f2ce0ecd',
    );
  });

  it('matches json.dumps on astral code points 10000..10FFFF (every 0x101st)', () => {
    let astral = '';
    for (let cp = 0x10000; cp < 0x110000; cp += 0x101) astral += String.fromCodePoint(cp);
    const written = pyString(astral);
    // python3 -c 'import json,hashlib; o=json.dumps("".join(chr(c) for c in range(0x10000,0x110000,0x101)));
    //             print(len(o), hashlib.sha256(o.encode("ascii")).hexdigest())'
    expect(written.length).toBe(48974);
    expect(createHash('sha256').update(written, 'ascii').digest('hex')).toBe(
      'c54dac1ec8ac871555be55429610e2a1f677f8416f0870bea05ff6da7a8ab2aa',
    );
  });

  it('parses back to the same string', () => {
    const text = 'Привет "q" \\ 😀 \u0000\u007f\u2028 \ud800';
    expect(JSON.parse(pyString(text))).toBe(text);
  });
});

describe('pyInt', () => {
  it.each([
    [0, '0'],
    [-7, '-7'],
    [20, '20'],
    [2 ** 53, '9007199254740992'],
    [1e20, '100000000000000000000'],
    [1e21, '1000000000000000000000'],
    [-1e21, '-1000000000000000000000'],
    [1e23, '99999999999999991611392'],
  ])('writes %p with all its digits, never an exponent (%s)', (value, expected) => {
    expect(pyInt(value)).toBe(expected);
  });
});

describe('pyNumber', () => {
  it('writes integers as Python ints and other numbers as Python floats', () => {
    expect(pyNumber(20)).toBe('20');
    expect(pyNumber(-3)).toBe('-3');
    expect(pyNumber(2.5)).toBe('2.5');
    expect(pyNumber(1.5e-5)).toBe('1.5e-05');
    expect(pyNumber(1e16)).toBe('10000000000000000');
    expect(pyNumber(1e21)).toBe('1000000000000000000000');
  });

  it('refuses NaN and infinities with BadData', () => {
    for (const value of [NaN, Infinity, -Infinity]) {
      const err = thrown(() => pyNumber(value));
      expect(err).toBeInstanceOf(BadDataError);
      expect((err as OonError).code).toBe('BadData');
    }
  });
});
