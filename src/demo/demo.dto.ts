import { IsIn, IsOptional, Matches } from 'class-validator';
import { IsStr, IsUuidString, Required } from '../common/validation/validators';
import { DEMO_NAME_MAX, DEMO_NAME_PATTERN, DEMO_STATUSES, DEMO_TEXT_MAX, type DemoStatus } from './demo-names';

const NAME_RULE = 'Only letters, digits, _ . and - are allowed.';

/** A user or channel name as the visitor types it (the demo prefix is added by the server). */
const DemoName = (): PropertyDecorator => (target, key) => {
  Required()(target, key);
  IsStr(1, DEMO_NAME_MAX)(target, key);
  Matches(DEMO_NAME_PATTERN, { message: NAME_RULE })(target, key);
};

/** POST /demo/api/join */
export class DemoJoinDto {
  @DemoName()
  username!: string;

  @DemoName()
  channel!: string;

  /** Re-use the visitor's connection (to reload history after a recovery event). */
  @IsOptional()
  @IsUuidString()
  conn_id?: string;
}

/** Every other demo call acts for the visitor's connection: its conn_id is the capability, as on /ws. */
export class DemoConnectionDto {
  @Required()
  @IsUuidString()
  conn_id!: string;
}

/** POST /demo/api/say */
export class DemoSayDto extends DemoConnectionDto {
  @DemoName()
  channel!: string;

  @Required()
  @IsStr(1, DEMO_TEXT_MAX)
  text!: string;
}

/** POST /demo/api/edit */
export class DemoEditDto extends DemoSayDto {
  @Required()
  @IsUuidString()
  uuid!: string;
}

/** POST /demo/api/delete */
export class DemoDeleteDto extends DemoConnectionDto {
  @DemoName()
  channel!: string;

  @Required()
  @IsUuidString()
  uuid!: string;
}

/** POST /demo/api/state */
export class DemoStateDto extends DemoConnectionDto {
  @Required()
  @IsIn(DEMO_STATUSES, { message: `Must be one of: ${DEMO_STATUSES.join(', ')}.` })
  status!: DemoStatus;
}
