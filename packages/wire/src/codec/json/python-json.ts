import { BadDataError } from '@oon/core';

/**
 * Pieces of JSON written exactly as Python's `json.dumps` writes them with default
 * settings, which is what the origin sends: `", "` and `": "` separators, every
 * character outside printable ASCII escaped as `\uXXXX` (lowercase hex), and floats
 * written as Python's `repr` writes them.
 */

const NON_PRINTABLE_ASCII = /[^\x20-\x7e]/g;

/** A JSON string literal with Python's `ensure_ascii` escaping. */
export function pyString(value: string): string {
  // JSON.stringify already escapes quotes, backslashes and control characters the way
  // Python does; what is left outside printable ASCII Python escapes as \uXXXX.
  return JSON.stringify(value).replace(NON_PRINTABLE_ASCII, escapeCodeUnit);
}

function escapeCodeUnit(char: string): string {
  return '\\u' + char.charCodeAt(0).toString(16).padStart(4, '0');
}

/** An integer as Python writes an `int`: all digits, never an exponent. */
export function pyInt(value: number): string {
  return Math.abs(value) < 1e21 ? String(value) : BigInt(value).toString();
}

/**
 * A float as Python's `repr(float)` writes it: the shortest digits that round-trip
 * (the same digits JavaScript picks), always with a fraction in fixed notation
 * (`-2.0`), and in scientific notation when the exponent is below -4 or at least 16
 * (`1e+16`, `1.5e-05`).
 */
export function pyFloat(value: number): string {
  if (!Number.isFinite(value)) {
    throw new BadDataError(`${value} cannot be sent as JSON; send a finite number`);
  }
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const sign = value < 0 ? '-' : '';
  const [mantissa = '', exp = '0'] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exp);
  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? '.' + digits.slice(1) : '';
    const expDigits = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${digits[0]}${fraction}e${exponent < 0 ? '-' : '+'}${expDigits}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1) || '0';
  return `${sign}${whole}.${fraction}`;
}

/** A number whose int/float nature is unknown: integers as `int`, others as `float`. */
export function pyNumber(value: number): string {
  return Number.isInteger(value) ? pyInt(value) : pyFloat(value);
}
