// How an item starts the case a ladder level opens (逐级问责), by either path: as a child (runs before
// case-started-in-task) or from the urge's own task (startLevelCase). Its workflow id, what the
// Temporal UI shows of it, and the search attributes it is indexed by from the start, so the case's
// first task has nothing to upsert. Pure: the workflow bundle and the activity both import it.
import type { SearchAttributePair } from '@temporalio/common';
import { caseWorkflowId } from '../ids';
import { CaseStageKey, CaseSubjectsKey } from '../search-attributes';
import type { CaseInput } from '../types';
import { startStage } from './state';

export interface LevelCaseStart {
  workflowId: string;
  staticSummary: string;
  staticDetails: string;
  memo: { title: string };
  typedSearchAttributes: SearchAttributePair[];
}

export function levelCaseStart(input: CaseInput): LevelCaseStart {
  const title = `问责：${input.escalation?.itemTitle ?? input.caseId}`;
  const unit = input.subjects.find((s) => s.kind === 'unit');
  return {
    workflowId: caseWorkflowId(input.caseId),
    staticSummary: title,
    staticDetails: [
      `督办事项：${input.itemId ?? ''}`,
      `承办单位：${unit?.name ?? ''}`,
      `触发：第${input.escalation?.level ?? ''}级催办`,
    ].join('\n'),
    memo: { title },
    typedSearchAttributes: [
      { key: CaseStageKey, value: startStage(input) },
      { key: CaseSubjectsKey, value: input.subjects.map((x) => x.id) },
    ],
  };
}
