// Table types of the home page (migrations/019_home_last_looked.sql).
export interface HomeVisitsTable {
  partnership_id: string;
  user_id: string;
  looked_at: Date;
  since: Date | null;
}

export interface HomeTables {
  home_visits: HomeVisitsTable;
}
