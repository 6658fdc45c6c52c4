// Typed keys for the custom search attributes (registered on the server by name and type, see ids.ts).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SupervisionStatusKey = defineSearchAttributeKey(
  'SupervisionStatus',
  SearchAttributeType.KEYWORD,
);
export const LeadUnitKey = defineSearchAttributeKey('LeadUnit', SearchAttributeType.KEYWORD);
export const DeadlineAtKey = defineSearchAttributeKey('DeadlineAt', SearchAttributeType.DATETIME);
export const UrgeCountKey = defineSearchAttributeKey('UrgeCount', SearchAttributeType.INT);
export const DeliveryFailuresKey = defineSearchAttributeKey('DeliveryFailures', SearchAttributeType.INT);
export const CaseStageKey = defineSearchAttributeKey('CaseStage', SearchAttributeType.KEYWORD);
export const CaseSubjectsKey = defineSearchAttributeKey('CaseSubjects', SearchAttributeType.KEYWORD_LIST);

export type AnyKey =
  | typeof SupervisionStatusKey
  | typeof LeadUnitKey
  | typeof DeadlineAtKey
  | typeof UrgeCountKey
  | typeof DeliveryFailuresKey;

/** A string value back in the attribute's own type. */
export function typed(key: AnyKey, value: string): string | number | Date {
  if (key.type === SearchAttributeType.INT) return Number(value);
  if (key.type === SearchAttributeType.DATETIME) return new Date(value);
  return value;
}
