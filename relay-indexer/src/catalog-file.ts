/** File name of the catalog database inside the data directory (shared with the service). Its own module
 * so that a host (the launcher) can name it without loading the indexer. */
export const CATALOG_DB_FILE = 'zapcade.db'
