import fs from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
const svg = fs.readFileSync('/tmp/scratch/q/pareto.svg', 'utf8');
const wq = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';
for (const [name, font] of [
  ['system', { loadSystemFonts: true }],
  ['system+wqy', { loadSystemFonts: true, fontFiles: [wq], defaultFontFamily: 'WenQuanYi Micro Hei' }],
  ['wqy only', { loadSystemFonts: false, fontFiles: [wq], defaultFontFamily: 'WenQuanYi Micro Hei' }],
  ['wqy+dejavu', { loadSystemFonts: false, fontFiles: [wq, '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'], defaultFontFamily: 'WenQuanYi Micro Hei' }],
] as const) {
  for (let i = 0; i < 2; i++) {
    const t = performance.now();
    const r = new Resvg(svg, { font: font as any, fitTo: { mode: 'zoom', value: 1.5 } });
    const t1 = performance.now();
    const png = r.render().asPng();
    console.log(name, 'parse', (t1 - t).toFixed(0), 'render', (performance.now() - t1).toFixed(0), png.length);
  }
}
