// Records as the API returns them.
import type { List } from './store.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const presentList = (l: List, c?: { subscribed: number; pending: number; unsubscribed: number }) => ({
  id: l.id, name: l.name, description: l.description, openToSignUp: l.open_to_sign_up, consentWording: l.consent_wording,
  subscribed: c?.subscribed ?? 0, pending: c?.pending ?? 0, unsubscribed: c?.unsubscribed ?? 0,
});

export const presentSubscriber = (s: { id: string; email: string; name: string | null; organisation: string | null; lists: string; suppressed: string | null; created_at: Date }) => ({
  id: s.id, email: s.email, name: s.name, organisation: s.organisation, lists: s.lists, suppressed: s.suppressed, createdAt: s.created_at.toISOString(),
});

export const presentSubscription = (s: {
  list_id: string; list_name: string; status: string; consent_method: string; consent_at: Date; consent_wording: string; consent_source: string;
  confirmed_at: Date | null; unsubscribed_at: Date | null;
}) => ({
  listId: s.list_id, listName: s.list_name, status: s.status, method: s.consent_method, at: s.consent_at.toISOString(), wording: s.consent_wording,
  source: s.consent_source, confirmedAt: iso(s.confirmed_at), unsubscribedAt: iso(s.unsubscribed_at),
});
