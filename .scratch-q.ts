import fs from 'node:fs';
import { Warehouse } from './pipelines/core/warehouse.ts';
import { buildQualityDashboard } from './dashboards/quality/quality-dashboard.ts';
import { selectLabels } from './dashboards/shared/labels.ts';
import { createFormatter } from './dashboards/shared/format.ts';
import { queryLatestCompleteWeek } from './dashboards/shared/weeks.ts';
import { renderSvg } from './dashboards/shared/render-svg.ts';
const w = await Warehouse.open('/tmp/rl/db.duckdb', { timezone: 'Asia/Shanghai', readOnly: true, migrate: false });
const asOf = new Date('2026-03-30T00:00:00+08:00');
const labels = selectLabels('zh');
const reportWeek = await queryLatestCompleteWeek(w, asOf);
console.log(reportWeek);
const t = performance.now();
const d = await buildQualityDashboard(w, { asOf, labels, format: createFormatter(labels), reportWeek, breakageTargetPer1000: 5 });
console.log('query', performance.now() - t);
fs.mkdirSync('/tmp/scratch/q', { recursive: true });
for (const s of d.sections) {
  if (s.kind !== 'chart') { console.log(s.rows.slice(0, 2)); continue; }
  const t0 = performance.now();
  const svg = await renderSvg(s.spec);
  fs.writeFileSync(`/tmp/scratch/q/${s.id}.svg`, svg);
  console.log(s.id, svg.length, (performance.now() - t0).toFixed(0));
}
await w.close();
