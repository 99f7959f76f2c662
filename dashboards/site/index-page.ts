/**
 * The site's front page: the latest complete week's headline numbers against the week before, and a
 * link to each dashboard and to the weekly review.
 */
import { DASHBOARD_IDS } from '../shared/dashboard-types.ts';
import { formatSignedPercent, type Formatter } from '../shared/format.ts';
import type { Headline } from '../shared/headline.ts';
import { escapeHtml } from '../shared/html.ts';
import { lastDayOfWeek } from '../shared/weeks.ts';
import { pageFileOf, renderPage, type SiteMeta } from './page-layout.ts';

interface Card {
  label: string;
  value: string;
  previous?: string;
  names?: readonly string[];
  /** A caveat under the value (a provisional rate). */
  note?: string;
}

/**
 * The headline cards, in the order a quality manager reads them. `controlSignal`: the p-chart's rules
 * the week breaks, worded (describeControlSignal), or null when it breaks none.
 */
export function buildHeadlineCards(headline: Headline, meta: SiteMeta, format: Formatter, controlSignal: string | null = null): Card[] {
  const { current, previous } = headline;
  const h = meta.labels.headline;
  const separator = meta.labels.quality.actionsTable.noteSeparator;
  return [
    { label: h.complaints, value: format.count(current.complaints), previous: format.count(previous.complaints) },
    {
      label: h.complaintsPer1000,
      value: format.per1000(current.complaintsPer1000Orders),
      previous: format.per1000(previous.complaintsPer1000Orders),
      ...noteOf(separator, [
        controlSignal !== null ? h.controlSignalNote(controlSignal) : null,
        headline.orderSwing !== null ? h.orderSwing(formatSignedPercent(headline.orderSwing, format)) : null,
      ]),
    },
    { label: h.breakagePer1000, value: format.per1000(current.breakagePer1000), previous: format.per1000(previous.breakagePer1000) },
    { label: h.onTimeRate, value: format.percent(current.onTimeRate), previous: format.percent(previous.onTimeRate) },
    {
      label: h.breachRate,
      value: format.percent(current.breachRate),
      previous: format.percent(previous.breachRate),
      ...(current.slaAwaitingWithinTarget > 0 ? { note: h.breachProvisional(format.count(current.slaAwaitingWithinTarget)) } : {}),
    },
    {
      label: h.crisis,
      value: format.count(current.crisisComplaints),
      previous: format.count(previous.crisisComplaints),
      ...(current.crisisBreached > 0 ? { note: h.crisisBreached(format.count(current.crisisBreached)) } : {}),
    },
    { label: h.flaggedCarriers, value: format.count(current.flaggedCarriers.length), names: current.flaggedCarriers },
    { label: h.flaggedListings, value: format.count(headline.flaggedListings.length), names: headline.flaggedListings },
    { label: h.openPastTarget, value: format.count(headline.waitingPastTarget) },
    {
      label: h.actionsEffective,
      value: `${format.count(headline.actionsEffective)} / ${format.count(headline.actionsJudged)}`,
      ...noteOf(separator, [
        headline.actionsEffectiveEarly > 0 ? h.actionsEffectiveEarly(format.count(headline.actionsEffectiveEarly)) : null,
        headline.actionsWorsened.length ? h.actionsWorsened(headline.actionsWorsened.join(', ')) : null,
      ]),
    },
  ];
}

/** The card's caveats, if any, as one note. */
function noteOf(separator: string, caveats: readonly (string | null)[]): { note?: string } {
  const present = caveats.filter((caveat): caveat is string => caveat !== null);
  return present.length ? { note: present.join(separator) } : {};
}

export function renderIndexPage(headline: Headline, meta: SiteMeta, format: Formatter, controlSignal: string | null = null): string {
  const { labels } = meta;
  const week = headline.current.week;
  const cards = buildHeadlineCards(headline, meta, format, controlSignal)
    .map(
      (card) =>
        `<div class="card"><div class="label">${escapeHtml(card.label)}</div><div class="value">${escapeHtml(card.value)}</div>${
          card.previous !== undefined ? `<div class="change">${escapeHtml(labels.site.lastWeek)}: ${escapeHtml(card.previous)}</div>` : ''
        }${card.names && card.names.length ? `<div class="names">${card.names.map(escapeHtml).join(', ')}</div>` : ''}${
          card.note ? `<div class="note">${escapeHtml(card.note)}</div>` : ''
        }</div>`,
    )
    .join('\n');
  const links = DASHBOARD_IDS.map(
    (id) =>
      `<a href="${pageFileOf(id)}"><strong>${escapeHtml(labels.dashboards[id].title)}</strong><span>${escapeHtml(labels.dashboards[id].question)}</span></a>`,
  );
  if (meta.reviewHref)
    links.push(
      `<a href="${escapeHtml(meta.reviewHref)}"><strong>${escapeHtml(labels.site.weeklyReview)}</strong><span>${escapeHtml(labels.site.openReview)} (${escapeHtml(week)})</span></a>`,
    );
  const body = `<h1>${escapeHtml(labels.site.title)}</h1>
<p class="question">${escapeHtml(labels.site.reportWeek)}: ${escapeHtml(week)} – ${escapeHtml(lastDayOfWeek(week))}</p>
${meta.freshness?.latest ? `<p class="question">${escapeHtml(meta.freshness.latest)}</p>` : ''}
${meta.freshness?.warning ? `<p class="warning">${escapeHtml(meta.freshness.warning)}</p>` : ''}
<h2>${escapeHtml(labels.site.headline)}</h2>
<div class="cards">
${cards}
</div>
<div class="links">
${links.join('\n')}
</div>`;
  return renderPage(meta, { title: labels.site.home, current: 'index', withScripts: false, body });
}
