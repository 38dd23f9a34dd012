/**
 * The official ranking, `GET /api/v1/official/rankings?model=&year=&province=`: the ranking of the run
 * published for that model, year and province (all zones without `province`). It follows publication: when
 * the run is superseded it answers the successor; when none is published it is a 404 naming what exists.
 */
import type { ProvinceCode, RankingRow, ZonescoreClient } from "./zonescore.js";
import { allPages } from "./zonescore.js";

/** Every row of the official ranking of `model` for `year` over the zones of `province` (all zones without it). */
export async function officialRanking(
  client: ZonescoreClient,
  model: string,
  year: number,
  province?: ProvinceCode,
): Promise<RankingRow[]> {
  return allPages((offset, limit) =>
    client.GET("/api/v1/official/rankings", {
      params: { query: { model, year, limit, offset, ...(province === undefined ? {} : { province }) } },
    }),
  );
}
