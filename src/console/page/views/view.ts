import type { LiveType } from '../live.js';

/** A view of the page: it renders into `root`, reloads on `refresh`, and applies live events. */
export interface View {
  title: string;
  root: HTMLElement;
  refresh(): Promise<void>;
  live?(type: LiveType, data: unknown): void;
  dispose?(): void;
}

/** The route's argument (a city) and its query (`#/alerts?city=NYC`). */
export interface Route {
  arg?: string;
  query: URLSearchParams;
  /** Changes the query part of the address without leaving the view. */
  setQuery(query: URLSearchParams): void;
}
