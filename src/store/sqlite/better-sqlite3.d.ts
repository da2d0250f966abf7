/**
 * The part of better-sqlite3 (v12) the SQLite adapter uses, declared here instead of depending on
 * @types/better-sqlite3 (BullMQ's habit: a port lists only what is used). Everything is synchronous:
 * a call runs to completion on the calling thread.
 */
declare module 'better-sqlite3' {
  export type BindValue = string | number | bigint | Buffer | null;

  export interface RunResult {
    changes: number;
    lastInsertRowid: number | bigint;
  }

  export interface Statement<Row = unknown> {
    run(...params: BindValue[]): RunResult;
    get(...params: BindValue[]): Row | undefined;
    all(...params: BindValue[]): Row[];
    iterate(...params: BindValue[]): IterableIterator<Row>;
    /** Rows as their first column's value only. */
    pluck(toggle?: boolean): Statement<Row>;
    /** Rows as arrays of column values. */
    raw(toggle?: boolean): Statement<Row>;
  }

  export interface Transaction<F extends (...args: never[]) => unknown> {
    (...args: Parameters<F>): ReturnType<F>;
    deferred(...args: Parameters<F>): ReturnType<F>;
    immediate(...args: Parameters<F>): ReturnType<F>;
    exclusive(...args: Parameters<F>): ReturnType<F>;
  }

  export interface Options {
    readonly?: boolean;
    fileMustExist?: boolean;
    /** Busy timeout in ms (default 5000). */
    timeout?: number;
  }

  export interface Database {
    readonly open: boolean;
    readonly inTransaction: boolean;
    prepare<Row = unknown>(sql: string): Statement<Row>;
    exec(sql: string): Database;
    pragma(source: string, options?: { simple?: boolean }): unknown;
    transaction<F extends (...args: never[]) => unknown>(fn: F): Transaction<F>;
    close(): Database;
  }

  interface DatabaseConstructor {
    new (filename: string, options?: Options): Database;
    (filename: string, options?: Options): Database;
  }

  const Database: DatabaseConstructor;
  export default Database;
}
