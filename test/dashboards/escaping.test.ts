// The escaping every page and the review rely on, and the proposed-action rules, on hostile inputs.
import { describe, expect, it } from 'vitest';
import { escapeMarkdown, renderMarkdown } from '../../dashboards/report/render-markdown.ts';
import { renderReviewHtml } from '../../dashboards/report/render-html.ts';
import { formatCsvCell, formatProposedActionsCsv, isCoveredByAction, proposeActions } from '../../dashboards/report/proposed-actions.ts';
import { escapeHtml, renderHtmlTable, renderJsonScript, serializeJsonForScript } from '../../dashboards/shared/html.ts';
import { buildActionsTableColumns } from '../../dashboards/shared/actions-table.ts';
import { createFormatter, formatLocalInstant, formatProbability } from '../../dashboards/shared/format.ts';
import { selectLabels } from '../../dashboards/shared/labels.ts';
import type { ActionEffectRow } from '../../dashboards/mart-rows.ts';
import { actionEffectRow } from '../helpers/mart-rows.ts';
import { parseCsv } from './read-output.ts';

const HOSTILE = [
  '<script>alert(1)</script>',
  '</script><script>alert(2)</script>',
  '<!-- x',
  '"><img src=x onerror=alert(3)>',
  "' onmouseover='alert(4)",
  '\u2028\u2029',
  '&lt;already&gt;',
];

describe('HTML escaping', () => {
  it('leaves no markup character in text or attributes', () => {
    for (const text of HOSTILE) expect(escapeHtml(text)).not.toMatch(/[<>"']/);
    expect(escapeHtml('&lt;')).toBe('&amp;lt;');
  });

  it('embeds JSON that cannot close its script element and reads back unchanged', () => {
    const value = { texts: HOSTILE, nested: [{ t: '</SCRIPT >' }] };
    const json = serializeJsonForScript(value);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual(value);
    expect(renderJsonScript('x"><script>', value)).toMatch(/^<script type="application\/json" id="x&quot;&gt;&lt;script&gt;">[^<]*<\/script>$/);
  });

  it('renders table cells escaped, numbers aligned right and short labels kept on one line', () => {
    const html = renderHtmlTable(
      [{ header: '措施', wrap: 'never' }, { header: '<b>title</b>' }, { header: '原因', wrap: 'spaces' }, { header: '事件数 / 暴露数', numeric: true }],
      [['CA-2026-001', '<img src=x>', '包装问题', '8 / 805']],
    );
    expect(html).toContain(
      '<tr><th class="wrap-never">措施</th><th>&lt;b&gt;title&lt;/b&gt;</th><th class="wrap-spaces">原因</th><th class="num">事件数 / 暴露数</th></tr>',
    );
    expect(html).toContain(
      '<tr><td class="wrap-never">CA-2026-001</td><td>&lt;img src=x&gt;</td><td class="wrap-spaces">包装问题</td><td class="num">8 / 805</td></tr>',
    );
    // the shared actions table: ids and dates on one line, labels wrapped at spaces only
    const labels = selectLabels('zh');
    const f = labels.field;
    expect(buildActionsTableColumns(labels).map((c) => [c.header, c.wrap])).toEqual([
      [f.action, 'never'],
      [f.actionTitle, undefined],
      [f.cause, 'spaces'],
      [f.scope, 'spaces'],
      [f.status, 'spaces'],
      [f.implemented, 'never'],
      ...buildActionsTableColumns(labels)
        .slice(6)
        .map((c) => [c.header, undefined]),
    ]);
  });
});

describe('the review renderers', () => {
  const document = {
    title: HOSTILE[0]!,
    lang: 'en',
    blocks: [
      { kind: 'heading' as const, level: 2 as const, text: HOSTILE[1]! },
      { kind: 'paragraph' as const, text: `# not a heading ${HOSTILE[3]} [link](javascript:alert(5)) *bold* a|b` },
      { kind: 'table' as const, columns: [{ header: 'text' }], rows: [[`${HOSTILE[0]} | cell\nline`]] },
      { kind: 'code' as const, language: 'csv', text: 'a,b\n```\nx,y' },
    ],
  };

  it('write Markdown that a viewer shows as typed', () => {
    const md = renderMarkdown(document);
    expect(md).not.toMatch(/<script|<img|<!--/i);
    expect(md).toContain('\\# not a heading');
    expect(md).toContain('\\[link\\]');
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt; \\| cell line');
    expect(md).toMatch(/^````csv\na,b\n```\nx,y\n````$/m);
    expect(escapeMarkdown('a_b*c')).toBe('a\\_b\\*c');
  });

  it('write HTML with no script and every text escaped', () => {
    const html = renderReviewHtml(document);
    expect(html.match(/<script/gi)).toBeNull();
    expect(html).not.toMatch(/<img src=x/);
    expect(html).toContain('Content-Security-Policy');
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
  });
});

describe('formatting', () => {
  const format = createFormatter(selectLabels('en'));
  it('prints the shared figures', () => {
    expect([format.count(4001), format.percent(0.0812), format.per1000(28.24), format.ratePer1000(0.0282429), format.signed(-5), format.signed(3)]).toEqual([
      '4,001',
      '8.1 %',
      '28.2',
      '28.2',
      '−5',
      '+3',
    ]);
    expect([formatProbability(8.286908981978791e-11), formatProbability(0.4979), formatProbability(null)]).toEqual(['8.3e-11', '0.50', '–']);
    expect(formatLocalInstant('2026-03-30T09:05:00+08:00')).toBe('2026-03-30 09:05 +08:00');
  });
});

describe('proposed actions', () => {
  const labels = selectLabels('en');
  const action = actionEffectRow;

  it('count an open or working action as cover, not an ineffective, abandoned or other-cause one', () => {
    expect(isCoveredByAction([action({})], 'transit_damage', 'carrier', ' heron ')).toBe(true);
    expect(isCoveredByAction([action({ status: 'open', verdict: 'pending' })], 'transit_damage', 'carrier', 'Heron')).toBe(true);
    expect(isCoveredByAction([action({ verdict: 'not_effective' })], 'transit_damage', 'carrier', 'Heron')).toBe(false);
    expect(isCoveredByAction([action({ status: 'abandoned' })], 'transit_damage', 'carrier', 'Heron')).toBe(false);
    expect(isCoveredByAction([action({ cause_code: 'delivery_delay' })], 'transit_damage', 'carrier', 'Heron')).toBe(false);
  });

  it('write rows that a spreadsheet will not run and the inbox will read back', () => {
    const proposals = proposeActions({
      reportWeek: '2026-03-23',
      asOfText: '2026-03-30T00:00:00+08:00',
      flaggedCarriers: [
        {
          carrier: '=HYPERLINK("http://x")',
          week: '2026-03-23',
          delivered_shipments: 100,
          damaged_shipments: 9,
          breakage_per_1000: 90,
          breakage_ci_low_per_1000: 47.9,
          breakage_ci_high_per_1000: 162,
          on_time_shipments: 90,
          on_time_rate: 0.9,
          avg_delay_hours: null,
          flagged: true,
        },
      ],
      flaggedListings: [],
      actions: [],
      targetPer1000: 5,
      labels,
      format: createFormatter(labels),
    });
    expect(proposals).toHaveLength(1);
    expect(formatCsvCell('=1+1')).toBe("'=1+1");
    expect(formatCsvCell('-2')).toBe("'-2");
    const [header, row] = parseCsv(formatProposedActionsCsv(proposals));
    expect(header).toEqual(['action_id', 'cause_code', 'scope_type', 'scope_value', 'title', 'owner', 'opened_at', 'status']);
    expect(row).toEqual([
      'P20260323-01',
      'transit_damage',
      'carrier',
      `'=HYPERLINK("http://x")`,
      `'${proposals[0]!.title}`,
      'logistics',
      '2026-03-30T00:00:00+08:00',
      'open',
    ]);
  });

  it('propose a follow-up for each implemented or verified action after which the rate rose, until one is open', () => {
    const worse = (over: Partial<ActionEffectRow>) =>
      action({ verdict: 'not_effective', worsened: true, before_rate: 0.0026, after_rate: 0.0089, p_value_worse: 0.0179, ...over });
    const propose = (actions: ActionEffectRow[]) =>
      proposeActions({
        reportWeek: '2026-03-23',
        asOfText: '2026-03-30T00:00:00+08:00',
        flaggedCarriers: [],
        flaggedListings: [],
        actions,
        targetPer1000: 5,
        labels,
        format: createFormatter(labels),
      });
    const actions = [
      worse({ action_id: 'B2', cause_code: 'wrong_item', scope_type: 'merchant', scope_value: 'M07', owner: 'warehouse' }),
      worse({ action_id: 'B1', cause_code: 'refund_process', scope_type: 'global', scope_value: null, status: 'verified', owner: null }),
      // not proposed: abandoned already, or not worse
      worse({ action_id: 'B3', status: 'abandoned' }),
      action({ action_id: 'B4', verdict: 'not_effective', worsened: false }),
    ];
    expect(propose(actions)).toEqual([
      {
        action_id: 'P20260323-01',
        cause_code: 'refund_process',
        scope_type: 'global',
        scope_value: '',
        title: 'B1: Refund process rose from 2.6 to 8.9 per 1,000 after it (one-sided p = 0.018); undo or rework it',
        owner: '',
        opened_at: '2026-03-30T00:00:00+08:00',
        status: 'open',
      },
      expect.objectContaining({ action_id: 'P20260323-02', cause_code: 'wrong_item', scope_type: 'merchant', scope_value: 'M07', owner: 'warehouse' }),
    ]);
    // a follow-up already open on the same cause and scope covers it
    const followedUp = [
      ...actions,
      action({ action_id: 'B5', cause_code: 'wrong_item', scope_type: 'merchant', scope_value: 'm07', status: 'open', verdict: 'pending' }),
    ];
    expect(propose(followedUp).map((p) => p.scope_type)).toEqual(['global']);
  });
});
