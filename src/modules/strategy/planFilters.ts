// The plan's filters, shared by its page, its downloads and the API.
import { LINE_STATUSES, isClosed } from './domain.ts';
import type { LineView } from './store.ts';

export const PLAN_STATUS_FILTERS = [
  { value: '', text: 'Any status' },
  { value: 'open', text: 'Not closed' },
  { value: 'overdue', text: 'Overdue' },
  ...LINE_STATUSES.map((s) => ({ value: s.value, text: s.text })),
];

export interface PlanFilters { priority: string; owner: string; status: string; theme: string }

export function filterPlan(plan: LineView[], f: PlanFilters): LineView[] {
  return plan.filter((l) => (!f.priority || l.priority_id === f.priority)
    && (!f.owner || l.owner_person_id === f.owner || l.lead_organisation_id === f.owner)
    && (!f.theme || l.theme_ids.includes(f.theme))
    && (!f.status || (f.status === 'overdue' ? l.overdue : f.status === 'open' ? !isClosed(l.rolled.status) : l.rolled.status === f.status)));
}

