// dynalite ships no types; this declares the part citystream uses.
declare module 'dynalite' {
  interface DynaliteOptions {
    /** LevelDB directory; in memory when absent. */
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
  }
  function dynalite(options?: DynaliteOptions): import('node:http').Server;
  export default dynalite;
}
