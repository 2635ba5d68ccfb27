// Table types of the actions module (migrations/003_actions.sql).
export interface ActionsTables {}
