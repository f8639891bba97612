import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { MSG, type ErrorTree } from './messages';
import { RequestValidationError } from './request-validation.error';
import { isPlainObject } from './validators';

export interface ValidateOptions {
  /** Keep fields the DTO does not declare (POST /message keeps extra keys); otherwise they are errors. */
  allowUnknown?: boolean;
}

/** Validates one object against a DTO; returns the errors, or the instance when valid. */
export function checkObject<T extends object>(
  cls: ClassConstructor<T>,
  value: unknown,
  options: ValidateOptions = {},
): { value: T } | { errors: ErrorTree } {
  if (!isPlainObject(value)) return { errors: { _schema: [MSG.invalidInput] } };
  const instance = plainToInstance(cls, value);
  const errors = validateSync(instance, {
    whitelist: !options.allowUnknown,
    forbidNonWhitelisted: !options.allowUnknown,
    forbidUnknownValues: false,
    validationError: { target: false, value: true },
  });
  return errors.length ? { errors: formatValidationErrors(errors) } : { value: instance };
}

export function validateObject<T extends object>(cls: ClassConstructor<T>, value: unknown, options?: ValidateOptions): T {
  const result = checkObject(cls, value, options);
  if ('errors' in result) throw new RequestValidationError(result.errors);
  return result.value;
}

/** Validates a JSON list of DTOs; errors are keyed by item index ({"0": {"user": [...]}}). */
export function validateList<T extends object>(cls: ClassConstructor<T>, value: unknown, options?: ValidateOptions): T[] {
  if (!Array.isArray(value)) throw new RequestValidationError({ _schema: [MSG.invalidInput] });
  const errors: ErrorTree = {};
  const items: T[] = [];
  value.forEach((item, index) => {
    const result = checkObject(cls, item, options);
    if ('errors' in result) errors[String(index)] = result.errors;
    else items.push(result.value);
  });
  if (Object.keys(errors).length) throw new RequestValidationError(errors);
  return items;
}

/** class-validator's error list -> the original's {field: [messages]} tree. */
export function formatValidationErrors(errors: ValidationError[]): ErrorTree {
  const tree: ErrorTree = {};
  for (const error of errors) {
    if (error.children?.length && !error.constraints) {
      tree[error.property] = formatValidationErrors(error.children);
      continue;
    }
    const constraints = error.constraints ?? {};
    if (constraints.whitelistValidation) {
      tree[error.property] = [MSG.unknownField];
      continue;
    }
    // a missing/null required field is reported alone, as marshmallow does
    let names = constraints.required ? ['required'] : Object.keys(constraints);
    if (names.length > 1) names = names.filter((n) => n !== 'nestedValidation');
    const messages: string[] = [];
    let nested: ErrorTree | undefined;
    for (const name of names) {
      const decoded = decode(name, constraints[name]);
      if (Array.isArray(decoded)) messages.push(...decoded.filter((m) => !messages.includes(m)));
      else nested = { ...nested, ...decoded };
    }
    tree[error.property] = nested && messages.length === 0 ? nested : messages;
  }
  return tree;
}

function decode(name: string, message: string): string[] | ErrorTree {
  if (name === 'nestedValidation') return [MSG.invalidInput];
  try {
    const parsed: unknown = JSON.parse(message);
    if (Array.isArray(parsed) || isPlainObject(parsed)) return parsed as string[] | ErrorTree;
  } catch {
    // a plain text message from a stock class-validator decorator
  }
  return [message];
}
