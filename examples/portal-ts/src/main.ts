/**
 * The portal example: the official innovation-peak ranking of 2024 for Zhejiang (province 33), in English,
 * printed as a table. `ZONESCORE_URL` names the service (default http://127.0.0.1:8000).
 *
 *   npm ci && npm run build && ZONESCORE_URL=http://127.0.0.1:8000 npm start
 */
import { officialRanking } from "./official.js";
import { zonescore } from "./zonescore.js";

const client = zonescore(process.env["ZONESCORE_URL"] ?? "http://127.0.0.1:8000", "en");
const rows = await officialRanking(client, "innovation-peak", 2024, "33");
for (const row of rows) {
  const badges = row.badge_labels.length > 0 ? ` [${row.badge_labels.join(", ")}]` : "";
  console.log(`${row.rank}\t${row.name ?? row.zone_code}\t${row.tier_label ?? "-"}\t${row.composite.toFixed(2)}${badges}`);
}
console.log(`${rows.length} zones`);
