import { MSG } from '../common/validation/messages';

/** What a transport's query says of conn_id when it is not a UUID: missing, or not one. */
export const connIdProblem = (value: unknown): string => (value === undefined ? MSG.required : MSG.uuid);

/** positions=true (or 1): every event carries its stream's offset and epoch. */
export const wantsPositions = (value: unknown): boolean => value === 'true' || value === '1';
