/**
 * A typed client of the zonescore API for a provincial portal.
 *
 * The types come from the committed OpenAPI document (`npm run generate` writes
 * `src/generated/zonescore.ts` from `../../openapi.json`); `openapi-fetch` sends the requests. Every
 * path, parameter and field is checked by `tsc`: a filter value outside its list (a province that is
 * not a GB/T 2260 code, a misspelt badge) does not compile.
 */
import createClient from "openapi-fetch";

import type { components, paths } from "./generated/zonescore.js";

export type RankingRow = components["schemas"]["RankingRow"];
export type ProblemDetail = components["schemas"]["ProblemDetail"];
export type Language = "zh-CN" | "en";
type RankingQuery = NonNullable<paths["/api/v1/evaluations/{run_id}/rankings"]["get"]["parameters"]["query"]>;
export type ProvinceCode = NonNullable<RankingQuery["province"]>[number];
export type ZonescoreClient = ReturnType<typeof createClient<paths>>;

/** A client of the service at `baseUrl` whose labels (`tier_label` …) come in `lang`. */
export function zonescore(baseUrl: string, lang: Language = "zh-CN", apiKey?: string): ZonescoreClient {
  const headers: Record<string, string> = { "Accept-Language": lang };
  if (apiKey !== undefined) {
    headers["Authorization"] = `Bearer ${apiKey}`;
  }
  return createClient<paths>({ baseUrl, headers });
}

/** An error answer of the API (application/problem+json), with every problem it lists. */
export class ZonescoreError extends Error {
  constructor(readonly problem: ProblemDetail) {
    const first = problem.errors?.[0];
    super(`${problem.status} ${problem.title}: ${problem.detail}${first ? ` (${first.code}: ${first.message})` : ""}`);
  }
}

function failed(error: unknown): ZonescoreError {
  return new ZonescoreError(error as ProblemDetail);
}

/** A JSON page of an operation that can also answer a CSV or XLSX download (chosen by ?format= or Accept). */
function jsonPage<T extends object>(data: T | string): T {
  if (typeof data === "string") {
    throw new Error("expected JSON, got a download: leave ?format= out or ask for application/json");
  }
  return data;
}

/** The id of the newest run of `model` for `year`, or undefined when there is none yet. */
export async function newestRunId(client: ZonescoreClient, model: string, year: number): Promise<number | undefined> {
  const { data, error } = await client.GET("/api/v1/evaluations", {
    params: { query: { model, year, limit: 1 } },
  });
  if (error !== undefined) {
    throw failed(error);
  }
  return data.items[0]?.id;
}

/** One page of a list as the API answers it (JSON), or the error it answered instead. */
export interface PageReply<T> {
  data?: { items: T[]; total: number } | string;
  error?: unknown;
}

/** Every item of a paginated list, asking for `limit` items a page until `total` are read. */
export async function allPages<T>(
  page: (offset: number, limit: number) => Promise<PageReply<T>>,
  limit = 200,
): Promise<T[]> {
  const items: T[] = [];
  for (let offset = 0; ; offset += limit) {
    const { data, error } = await page(offset, limit);
    if (error !== undefined || data === undefined) {
      throw failed(error);
    }
    const body = jsonPage(data);
    items.push(...body.items);
    if (offset + limit >= body.total) {
      return items;
    }
  }
}

/** Every ranked zone of run `runId` in the given provinces (the API pages at most 1,000 at a time). */
export async function rankingOfRun(
  client: ZonescoreClient,
  runId: number,
  provinces: ProvinceCode[],
): Promise<RankingRow[]> {
  return allPages((offset, limit) =>
    client.GET("/api/v1/evaluations/{run_id}/rankings", {
      params: { path: { run_id: runId }, query: { province: provinces, limit, offset } },
    }),
  );
}

/** The newest ranking of `model` for `year` in `provinces`: the newest run's rows (empty without a run). */
export async function newestRanking(
  client: ZonescoreClient,
  model: string,
  year: number,
  provinces: ProvinceCode[],
): Promise<RankingRow[]> {
  const runId = await newestRunId(client, model, year);
  return runId === undefined ? [] : rankingOfRun(client, runId, provinces);
}
