/**
 * The few shapes a device call's parameters take, checked without a schema library.
 *
 * The device process starts once per CLI command and once per app window, and zod was 94 % of its
 * program (518 KB of 550): reading, compiling and initialising it cost about 30 ms of every start,
 * for objects of a handful of strings. A shape here is a table of field checks; what it accepts is
 * a fresh object holding only its own fields, as zod's `object()` gave.
 */

/** A check of one field that tells TypeScript what the field then is. */
export type FieldCheck<T> = (value: unknown) => value is T;

export type Shape = Readonly<Record<string, FieldCheck<unknown>>>;

/** The object a shape accepts. */
export type ShapeValue<S extends Shape> = { -readonly [K in keyof S]: S[K] extends FieldCheck<infer T> ? T : never };

export const text: FieldCheck<string> = (value): value is string => typeof value === 'string';

export const textOrNull: FieldCheck<string | null> = (value): value is string | null => value === null || typeof value === 'string';

/** Lower-case hexadecimal, at least one digit (CKA_ID, a modulus). */
export const hexText: FieldCheck<string> = (value): value is string => typeof value === 'string' && /^[0-9a-f]+$/.test(value);

export function textOfAtLeast(length: number): FieldCheck<string> {
  return (value): value is string => typeof value === 'string' && value.length >= length;
}

export function finiteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** The value as the shape reads it, or undefined when it is not an object or a field fails its check. */
export function readShape<S extends Shape>(shape: S, value: unknown): ShapeValue<S> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const result: Record<string, unknown> = {};
  for (const [key, check] of Object.entries(shape)) {
    const field = Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
    if (!check(field)) return undefined;
    result[key] = field;
  }
  return result as ShapeValue<S>;
}
