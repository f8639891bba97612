import type { PipeTransform } from '@nestjs/common';
import type { ClassConstructor } from 'class-transformer';
import { validateList, validateObject, type ValidateOptions } from './validate';

/** Binds a JSON object body to a DTO, answering 422 in the original's error shape. */
export class BodyPipe<T extends object> implements PipeTransform<unknown, T> {
  constructor(
    private readonly dto: ClassConstructor<T>,
    private readonly options: ValidateOptions = {},
  ) {}

  transform(value: unknown): T {
    return validateObject(this.dto, value ?? {}, this.options);
  }
}

/** Binds a JSON list body to a list of DTOs; errors are keyed by index. */
export class ListBodyPipe<T extends object> implements PipeTransform<unknown, T[]> {
  constructor(
    private readonly dto: ClassConstructor<T>,
    private readonly options: ValidateOptions = {},
  ) {}

  transform(value: unknown): T[] {
    return validateList(this.dto, value, this.options);
  }
}
