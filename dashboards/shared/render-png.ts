/**
 * SVG → PNG for the weekly review, through resvg. resvg draws text only with fonts it has loaded, so
 * the system fonts are loaded and a CJK font (Debian's fonts-wqy-microhei or Noto CJK) is named
 * explicitly as the fallback for Chinese labels.
 */
import fs from 'node:fs';
import type { ResvgRenderOptions } from '@resvg/resvg-js';

/** CJK fonts known to Debian/Ubuntu packages, first found wins. */
const CJK_FONT_CANDIDATES = [
  { file: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', family: 'WenQuanYi Micro Hei' },
  { file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', family: 'Noto Sans CJK SC' },
  { file: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', family: 'WenQuanYi Zen Hei' },
];

let fontOptions: ResvgRenderOptions['font'] | undefined;

/** resvg's font settings: system fonts plus the first CJK font installed, as the default family. */
export function resolveFontOptions(): NonNullable<ResvgRenderOptions['font']> {
  if (!fontOptions) {
    const cjk = CJK_FONT_CANDIDATES.find((candidate) => fs.existsSync(candidate.file));
    fontOptions = {
      loadSystemFonts: true,
      fontFiles: cjk ? [cjk.file] : [],
      defaultFontFamily: cjk?.family ?? 'DejaVu Sans',
      sansSerifFamily: cjk?.family ?? 'DejaVu Sans',
    };
  }
  return fontOptions;
}

/** Whether a CJK font is available to the PNG renderer (Chinese labels would be blank without one). */
export function hasCjkFont(): boolean {
  return (resolveFontOptions().fontFiles ?? []).length > 0;
}

let resvgModule: Promise<typeof import('@resvg/resvg-js')> | undefined;

/** resvg, a native module, loaded on first use (most commands never render a PNG). */
export function loadResvg(): Promise<typeof import('@resvg/resvg-js')> {
  resvgModule ??= import('@resvg/resvg-js');
  return resvgModule;
}

/**
 * Renders an SVG document to PNG at `scale` × its size. resvg works on libuv's thread pool
 * (renderAsync), so the main thread meanwhile goes on rendering other charts to SVG.
 */
export async function renderPng(svg: string, scale = 2): Promise<Buffer> {
  const { renderAsync } = await loadResvg();
  const image = await renderAsync(svg, { font: resolveFontOptions(), fitTo: { mode: 'zoom', value: scale }, background: 'white' });
  return image.asPng();
}
