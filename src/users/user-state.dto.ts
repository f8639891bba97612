import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsStateMap, IsStr, IsStringList, Required } from '../common/validation/validators';
import type { UserState } from '../engine/types';

export const STATE_MAP_SCHEMA: { type: 'object'; additionalProperties: SchemaObject } = {
  type: 'object',
  additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }], nullable: true },
};

export class UserStateDto {
  @ApiProperty({ description: 'Username (must be known: connected at least once).', minLength: 1, maxLength: 512 })
  @Required()
  @IsStr(1, 512)
  user!: string;

  @ApiPropertyOptional({
    description: 'Keys to set; keys not listed are kept. Values: string, number, boolean or null.',
    ...STATE_MAP_SCHEMA,
    example: { status: 'away' },
  })
  @IsOptional()
  @IsStateMap()
  user_state?: UserState;

  @ApiPropertyOptional({
    description: 'Replaces the keys other users may see (an empty list hides all); kept as they are when omitted.',
    type: [String],
  })
  @IsOptional()
  @IsStringList(1, 256)
  state_public_keys?: string[];
}

export class StateChangeDto {
  @ApiProperty({ description: 'State key.' }) key!: string;
  @ApiProperty({ nullable: true, oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }], description: 'New value.' }) value!: unknown;
}

export class UserStateResponseDto {
  @ApiProperty({ description: 'The full state after the change.', ...STATE_MAP_SCHEMA }) user_state!: UserState;
  @ApiProperty({ type: [StateChangeDto], description: 'Keys whose value changed.' }) changed_state!: StateChangeDto[];
  @ApiProperty({ type: [String], description: 'Keys others may see.' }) public_keys!: string[];
}
