/**
 * The review as one self-contained HTML file (images beside it as PNG files): every text escaped, no
 * script at all, and a Content-Security-Policy that would refuse one anyway.
 */
import { escapeHtml, renderHtmlTable } from '../shared/html.ts';
import type { ReviewBlock, ReviewDocument } from './review-document.ts';

const REPORT_CSP = "default-src 'none'; img-src 'self' file: data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

const STYLE = `body{font-family:system-ui,-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei','WenQuanYi Micro Hei','Noto Sans CJK SC',sans-serif;color:#1f2d3a;max-width:1200px;margin:2rem auto;padding:0 1.5rem;line-height:1.5}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.5rem 0 1rem}th,td{border-bottom:1px solid #dfe4ea;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f4f6f8;word-break:keep-all}
td.num,th.num{text-align:right}td.num{white-space:nowrap}td.wrap-never{white-space:nowrap}td.wrap-spaces{word-break:keep-all}img{max-width:100%;border:1px solid #dfe4ea;margin:.5rem 0}pre{background:#f4f6f8;padding:.7rem;overflow:auto;font-size:.8rem;white-space:pre-wrap;overflow-wrap:anywhere}.table-scroll{overflow-x:auto}h2{border-bottom:1px solid #dfe4ea;padding-bottom:.2rem;margin-top:2rem}`;

function renderBlock(block: ReviewBlock): string {
  switch (block.kind) {
    case 'heading':
      return `<h${block.level}>${escapeHtml(block.text)}</h${block.level}>`;
    case 'paragraph':
      return `<p>${escapeHtml(block.text)}</p>`;
    case 'list':
      return `<ul>${block.items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`;
    case 'table':
      // a wide table scrolls on its own on a phone instead of widening the whole page
      return `<div class="table-scroll">${renderHtmlTable(block.columns, block.rows)}</div>`;
    case 'image':
      return `<img src="${escapeHtml(block.src)}" alt="${escapeHtml(block.alt)}">`;
    case 'code':
      return `<pre><code>${escapeHtml(block.text)}</code></pre>`;
  }
}

export function renderReviewHtml(document: ReviewDocument): string {
  return `<!doctype html>
<html lang="${escapeHtml(document.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(REPORT_CSP)}">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(document.title)}</title>
<style>${STYLE}</style>
</head>
<body>
${document.blocks.map(renderBlock).join('\n')}
</body>
</html>
`;
}
