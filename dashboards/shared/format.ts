/**
 * Number formatting for tables, headline cards and the report, in the labels' locale. One place, so the
 * same figure reads the same on every page and in the review (and a test can recompute it from a mart).
 */
import type { Labels } from './labels.ts';

export interface Formatter {
  /** An integer count: 1,234. */
  count(value: number | null | undefined): string;
  /** A rate in [0, 1] as a percentage with one decimal: 12.3 %. */
  percent(value: number | null | undefined): string;
  /** A per-1,000 figure with one decimal: 28.2. */
  per1000(value: number | null | undefined): string;
  /** A fraction in [0, 1] shown per 1,000 with one decimal. */
  ratePer1000(value: number | null | undefined): string;
  /** A plain decimal with `digits` decimals. */
  decimal(value: number | null | undefined, digits?: number): string;
  /** A p- or q-value: two significant digits, scientific below 0.001. */
  probability(value: number | null | undefined): string;
  /** A signed change: +3, −2, 0. */
  signed(value: number | null | undefined): string;
}

const MISSING = '–';

/** Formats for the labels' locale. */
export function createFormatter(labels: Labels): Formatter {
  const integer = new Intl.NumberFormat(labels.locale, { maximumFractionDigits: 0 });
  const oneDecimal = new Intl.NumberFormat(labels.locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const isMissing = (value: number | null | undefined): value is null | undefined => value === null || value === undefined || Number.isNaN(value);
  // A value that rounds to zero shows no sign (−0.04 → 0.0, not -0.0): the sign would report a direction
  // the digits do not show (the review's Change column prints such a change as ±0.0). Intl's
  // signDisplay 'negative' does this, but is newer than the ES2022 library the project compiles against.
  const unsignedZero = (value: number, digits: number) => (Math.abs(value) < 0.5 * 10 ** -digits ? 0 : value);
  return {
    count: (value) => (isMissing(value) ? MISSING : integer.format(unsignedZero(value, 0))),
    percent: (value) => (isMissing(value) ? MISSING : `${oneDecimal.format(unsignedZero(value * 100, 1))} %`),
    per1000: (value) => (isMissing(value) ? MISSING : oneDecimal.format(unsignedZero(value, 1))),
    ratePer1000: (value) => (isMissing(value) ? MISSING : oneDecimal.format(unsignedZero(value * 1000, 1))),
    decimal: (value, digits = 1) =>
      isMissing(value)
        ? MISSING
        : new Intl.NumberFormat(labels.locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(unsignedZero(value, digits)),
    probability: (value) => formatProbability(value),
    signed: (value) => (isMissing(value) ? MISSING : value > 0 ? `+${integer.format(value)}` : value < 0 ? `−${integer.format(-value)}` : '0'),
  };
}

/** Two significant digits, scientific below 0.001 (locale-free, so a test can parse it back). */
export function formatProbability(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return MISSING;
  if (value === 0) return '0';
  if (value < 0.001) return value.toExponential(1);
  return value.toPrecision(2);
}

/** A local ISO 8601 instant for reading: `2026-03-30T09:05:00+08:00` → `2026-03-30 09:05 +08:00`. */
export function formatLocalInstant(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(iso);
  return match ? `${match[1]} ${match[2]}${match[3] ? ` ${match[3]}` : ''}` : iso;
}

/** A relative change as a signed whole percentage: 0.418 → "+42 %", −0.3 → "−30 %". */
export function formatSignedPercent(change: number, format: Formatter): string {
  const rounded = Math.round(change * 100);
  return `${rounded > 0 ? '+' : rounded < 0 ? '−' : '±'}${format.decimal(Math.abs(rounded), 0)} %`;
}
