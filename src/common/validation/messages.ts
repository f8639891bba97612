/** Error texts in the original server's (marshmallow's) wording, so backends see familiar messages. */
export const MSG = {
  required: 'Missing data for required field.',
  notNull: 'Field may not be null.',
  unknownField: 'Unknown field.',
  invalidInput: 'Invalid input type.',
  string: 'Not a valid string.',
  boolean: 'Not a valid boolean.',
  integer: 'Not a valid integer.',
  list: 'Not a valid list.',
  mapping: 'Not a valid mapping type.',
  uuid: 'Not a valid UUID.',
  datetime: 'Not a valid datetime.',
  stateValue: 'Value is not type of string, integer, boolean or float.',
  length: (min: number, max: number) => `Length must be between ${min} and ${max}.`,
  min: (min: number) => `Must be greater than or equal to ${min}.`,
  minItems: (min: number) => `Shorter than minimum length ${min}.`,
} as const;

/** Errors as the original reports them: field -> messages, nested objects for nested fields. */
export type ErrorTree = { [field: string]: string[] | ErrorTree };
