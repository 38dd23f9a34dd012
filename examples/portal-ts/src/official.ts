/**
 * SWITCH ON AT MERGE — the official ranking, `GET /api/v1/official/rankings?model=&year=&province=`.
 *
 * That endpoint comes with the publication work (published runs as the official result), which is not in
 * the `openapi.json` this example is typed against yet, so this file is excluded from `tsconfig.json`
 * until it is. When `openapi.json` lists the path: remove `"src/official.ts"` from `exclude` in
 * `tsconfig.json`, and in `src/main.ts` import `officialRanking` from `./official.js` and use it in
 * place of `newestRanking` (tests/test_portal_example.py fails until then).
 */
import type { ProvinceCode, RankingRow, ZonescoreClient } from "./zonescore.js";
import { allPages } from "./zonescore.js";

/** Every row of the official ranking of `model` for `year` in the given provinces. */
export async function officialRanking(
  client: ZonescoreClient,
  model: string,
  year: number,
  provinces: ProvinceCode[],
): Promise<RankingRow[]> {
  return allPages((offset, limit) =>
    client.GET("/api/v1/official/rankings", {
      params: { query: { model, year, province: provinces, limit, offset } },
    }),
  );
}
