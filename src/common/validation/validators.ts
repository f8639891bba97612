import { Transform } from 'class-transformer';
import { ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';
import { MSG, type ErrorTree } from './messages';
import { parseTimestamp } from './timestamp';
import { normalizeUuid } from './uuid';

/**
 * Field validators with the original's error wording. Each one's message is
 * the JSON of its error tree (a list of messages, or per-key/per-index
 * errors), which formatValidationErrors turns back into the response body.
 */
type Explain = (value: unknown) => string[] | ErrorTree | undefined;

function rule(name: string, explain: Explain, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name,
      validator: {
        validate: (value) => explain(value) === undefined,
        defaultMessage: (args) => JSON.stringify(explain(args?.value) ?? []),
      },
    },
    options,
  );
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const stringProblem = (v: unknown, min: number, max: number): string[] | undefined => {
  if (typeof v !== 'string') return [MSG.string];
  return v.length < min || v.length > max ? [MSG.length(min, max)] : undefined;
};

/** Present and not null; reported alone, like marshmallow's required fields. */
export const Required = () =>
  ValidateBy({
    name: 'required',
    validator: {
      validate: (v) => v !== undefined && v !== null,
      defaultMessage: (args) => JSON.stringify([args?.value === null ? MSG.notNull : MSG.required]),
    },
  });

/**
 * May be left out, but not sent as null: IsOptional lets null through to the
 * rules after it, and a null setting reached the store (the Redis engine's
 * script then failed on it with a 500). Null is checked by those rules.
 */
export const Omittable = () => ValidateIf((_object, value) => value !== undefined);

export const IsStr = (min: number, max: number) => rule('str', (v) => stringProblem(v, min, max));

export const IsBool = () => rule('bool', (v) => (typeof v === 'boolean' ? undefined : [MSG.boolean]));

export const IsInt = (min: number) =>
  rule('int', (v) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) return [MSG.integer];
    return v < min ? [MSG.min(min)] : undefined;
  });

export const IsObject = () => rule('mapping', (v) => (isPlainObject(v) ? undefined : [MSG.mapping]));

/** A UUID in any spelling; the value is normalised to lower-case hyphenated form. */
export function IsUuidString(): PropertyDecorator {
  const transform = Transform(({ value }) => normalizeUuid(value) ?? value);
  const check = rule('uuid', (v) => (normalizeUuid(v) === undefined ? [MSG.uuid] : undefined));
  return (target, key) => {
    transform(target, key);
    check(target, key);
  };
}

export const IsTimestamp = () => rule('timestamp', (v) => (parseTimestamp(v) ? undefined : [MSG.datetime]));

/** A list of strings of bounded length; errors are keyed by index, as marshmallow does. */
export const IsStringList = (min: number, max: number, minItems = 0) =>
  rule('stringList', (v) => {
    if (!Array.isArray(v)) return [MSG.list];
    if (v.length < minItems) return [MSG.minItems(minItems)];
    const errors: ErrorTree = {};
    v.forEach((item, i) => {
      const problem = stringProblem(item, min, max);
      if (problem) errors[String(i)] = problem;
    });
    return Object.keys(errors).length ? errors : undefined;
  });

const isStateValue = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/** A flat map of user state: values are strings, numbers, booleans or null. */
export const IsStateMap = () =>
  rule('stateMap', (v) => {
    if (!isPlainObject(v)) return [MSG.mapping];
    const errors: ErrorTree = {};
    for (const [key, value] of Object.entries(v)) {
      if (!isStateValue(value)) errors[key] = { value: [MSG.stateValue] };
    }
    return Object.keys(errors).length ? errors : undefined;
  });

/** A map whose keys are bounded strings and whose values each pass `check` (a nested DTO validation). */
export const IsRecordOf = (keyMin: number, keyMax: number, check: (value: unknown) => ErrorTree | undefined) =>
  rule('recordOf', (v) => {
    if (!isPlainObject(v)) return [MSG.mapping];
    const errors: ErrorTree = {};
    for (const [key, value] of Object.entries(v)) {
      const keyProblem = stringProblem(key, keyMin, keyMax);
      const valueProblem = check(value);
      if (keyProblem || valueProblem) errors[key] = { ...(keyProblem && { key: keyProblem }), ...(valueProblem && { value: valueProblem }) };
    }
    return Object.keys(errors).length ? errors : undefined;
  });
