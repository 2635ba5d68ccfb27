// Links other modules add to an agenda item's page, without this module knowing them: a
// module registers a source once, and the item page asks every source for the links it
// has for the reader (the strategy module's progress paper for the monitoring body's
// items, the agreement a resolution agreed). Each source applies the policy itself.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Actor } from '../../access/policy.ts';

export interface ItemLink { text: string; href: string }
export interface ItemLinkQuery {
  db: Kysely<DB>;
  actor: Actor;
  meeting: { id: string; body_id: string; meets_on: string };
  item: { id: string; restricted: boolean };
  /** The item's resolutions shown to this reader. */
  resolutionIds: string[];
  canEdit: boolean;
}
/** Links for the item as a whole, and notes under each of its resolutions (by resolution id). */
export interface ItemLinks { item: ItemLink[]; resolutions: Map<string, ItemLink[]> }
export type ItemLinkSource = (q: ItemLinkQuery) => Promise<Partial<ItemLinks>>;

const sources: ItemLinkSource[] = [];

export function addItemLinkSource(source: ItemLinkSource): void {
  if (!sources.includes(source)) sources.push(source);
}

export async function itemLinks(q: ItemLinkQuery): Promise<{ item: ItemLink[]; resolutions: Record<string, ItemLink[]> }> {
  const out = { item: [] as ItemLink[], resolutions: {} as Record<string, ItemLink[]> };
  for (const source of sources) {
    const got = await source(q);
    out.item.push(...(got.item ?? []));
    for (const [id, links] of got.resolutions ?? []) out.resolutions[id] = [...(out.resolutions[id] ?? []), ...links];
  }
  return out;
}
