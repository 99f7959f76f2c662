import fs from 'node:fs';
import { renderPng } from './dashboards/shared/render-png.ts';
for (const f of process.argv.slice(2)) { const t = performance.now(); fs.writeFileSync(f.replace(/\.svg$/, '.png'), renderPng(fs.readFileSync(f, 'utf8'), 1.5)); console.log(f, (performance.now()-t).toFixed(0)); }
