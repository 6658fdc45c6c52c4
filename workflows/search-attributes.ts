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
