// Table types of the search module (migrations/004_search.sql).
import type { ColumnType, Generated } from 'kysely';

export interface SearchEntriesTable {
  partnership_id: string;
  kind: string;
  record_id: string;
  body_id: string | null;
  meeting_id: string | null;
  occurred_on: string | null;
  title: string;
  content: string;
  url: string;
  restricted: boolean;
  public: boolean;
  /** The joined forms of its hyphenated words ("antisocial"), indexed with the words (migrations/027). */
  aliases: ColumnType<string, string | undefined, string>;
  search: ColumnType<string, never, never>;
  /** Kind, body, visibility, year and month as lexemes (migrations/007_search_facets.sql). */
  facets: ColumnType<string, never, never>;
  updated_at: Generated<Date>;
}

/** A partnership's own synonyms; without a row, the built-in list (domain.ts). */
export interface SearchSynonymsTable {
  partnership_id: string;
  pairs: ColumnType<{ term: string; meaning: string }[], string, string>;
  updated_at: Generated<Date>;
}

export interface SearchTables {
  search_entries: SearchEntriesTable;
  search_synonyms: SearchSynonymsTable;
}
