/**
 * One dashboard page: the filter bar, then each chart with its interactive view, its static SVG and its
 * spec, and each table. Data sets are lifted out of the specs into one JSON block per page (several
 * charts share a data set), and put back by assets/dashboard.js before embedding.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ChartDefinition, Dashboard, FilterControl } from '../shared/dashboard-types.ts';
import { escapeHtml, renderJsonScript } from '../shared/html.ts';
import { filterElementId } from '../shared/filters.ts';
import { pageFileOf, renderPage, renderTable, type SiteMeta } from './page-layout.ts';

/** Where a chart's files live inside the site. */
export function chartFilesOf(dashboard: Dashboard, chart: ChartDefinition): { svg: string; spec: string } {
  return { svg: `svg/${dashboard.id}-${chart.id}.svg`, spec: `specs/${dashboard.id}-${chart.id}.vl.json` };
}

/** A spec without its inline data, and the data sets it names. */
export function splitDatasets(spec: TopLevelSpec): { spec: TopLevelSpec; datasets: Record<string, unknown> } {
  const { datasets = {}, ...rest } = spec;
  return { spec: rest as TopLevelSpec, datasets: datasets as Record<string, unknown> };
}

function renderFilter(control: FilterControl): string {
  const options = control.options
    .map((option) => `<option value="${escapeHtml(option.value)}"${option.value === control.value ? ' selected' : ''}>${escapeHtml(option.label)}</option>`)
    .join('');
  return `<label>${escapeHtml(control.label)} <select id="${filterElementId(control.id)}" name="${control.id}">${options}</select></label>`;
}

export function renderDashboardPage(dashboard: Dashboard, meta: SiteMeta): string {
  const { labels } = meta;
  const pageDatasets: Record<string, unknown> = {};
  const sections = dashboard.sections.map((section) => {
    if (section.kind === 'table') {
      return `<section class="panel wide" id="table-${escapeHtml(section.id)}">
<h2>${escapeHtml(section.title)}</h2>
${section.description ? `<p class="description">${escapeHtml(section.description)}</p>` : ''}
${renderTable(section.columns, section.rows, labels.site.noRows)}
</section>`;
    }
    const { spec, datasets } = splitDatasets(section.spec);
    for (const [name, values] of Object.entries(datasets)) {
      if (name in pageDatasets && pageDatasets[name] !== values) throw new Error(`dashboard ${dashboard.id}: two different data sets named ${name}`);
      pageDatasets[name] = values;
    }
    const files = chartFilesOf(dashboard, section);
    const scriptId = `spec-${section.id}`;
    return `<section class="panel${section.wide ? ' wide' : ''}" id="chart-${escapeHtml(section.id)}">
<h2>${escapeHtml(section.title)}</h2>
<p class="description">${escapeHtml(section.description)}</p>
<div class="view" data-spec="${escapeHtml(scriptId)}" role="figure" aria-label="${escapeHtml(section.title)}"></div>
<details><summary>${escapeHtml(labels.site.staticSvg)}</summary><img loading="lazy" src="${escapeHtml(files.svg)}" alt="${escapeHtml(section.title)}"></details>
<details><summary>${escapeHtml(labels.site.specJson)}</summary><p><a href="${escapeHtml(files.spec)}">${escapeHtml(labels.site.specFile)}</a>. ${escapeHtml(labels.site.specNote)}</p><pre>${escapeHtml(JSON.stringify(spec, null, 2))}</pre></details>
${renderJsonScript(scriptId, { id: `${dashboard.id}-${section.id}`, spec, datasets: Object.keys(datasets) })}
</section>`;
  });
  const body = `<h1>${escapeHtml(dashboard.title)}</h1>
<p class="question">${escapeHtml(dashboard.question)}</p>
<noscript><p>${escapeHtml(labels.site.noScript)}</p></noscript>
${dashboard.filters.length ? `<div class="filters" role="group" aria-label="${escapeHtml(labels.site.filters)}">${dashboard.filters.map(renderFilter).join('\n')}</div>` : ''}
<div class="grid">
${sections.join('\n')}
</div>
${renderJsonScript('rootloop-datasets', pageDatasets)}
${renderJsonScript('rootloop-embed', { i18n: embedI18n(labels.htmlLang), failed: 'Chart failed' })}`;
  return renderPage(meta, { title: dashboard.title, current: dashboard.id, withScripts: true, body });
}

/** vega-embed's action menu in the page's language. */
function embedI18n(lang: string): Record<string, string> | undefined {
  if (!lang.startsWith('zh')) return undefined;
  return { SVG_ACTION: '保存为 SVG', PNG_ACTION: '保存为 PNG', CLICK_TO_VIEW_ACTIONS: '点击查看操作' };
}

export { pageFileOf };
