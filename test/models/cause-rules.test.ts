/**
 * The cause rule set (models/rules/cause-rules.json) measured against a hand-labelled corpus
 * (test/fixtures/cause-corpus.jsonl), evaluated in DuckDB exactly as production SQL evaluates it:
 * a text has a cause when `regexp_matches(text, '(?i)' || p)` holds for at least one include pattern
 * and for no exclude pattern of that cause; a text with no cause is `other`. (int_complaint_cause_sets.sql
 * joins each cause's patterns into one `(?i)(?:p1)|(?:p2)…` alternation, which matches the same texts.)
 *
 * Every text was labelled by meaning before any rule that covers it was written, but the rules were then
 * tuned on this corpus, so the scores printed here are in-sample: a regression guard, not an estimate of
 * accuracy on live traffic. Three fresh batches (c509–c764), each scored against the rules of the time
 * before it was added, reached micro precision 0.89 / 0.75 / 0.93 and recall only 0.30 / 0.24 / 0.57 over
 * non-other causes; a fourth, 400 texts written blind by someone who had not read the rules (c765–c1164,
 * agents' third-person notes and mixed Chinese-English included), 0.89 / 0.61; c1165–c1185 are demo texts the
 * rules missed, found by the review's list of unclassified complaints. A fifth blind batch of 400
 * (c1186–c1585: chat, agents' call notes, reviews, social posts, formal emails, ticket subjects) scored
 * 0.88 / 0.63, and 60 more texts kept out of all tuning gained only 1 exact match from the rules that
 * batch added (c1586–c1665 is its 80-text check set); c1668–c1670 are sparks (冒火花, 打火花) from the demo's
crisis complaints and a lighter (打火机) that is not one. Keyword rules miss phrasings nobody has listed
 * yet: expect ~0.6 recall on new wording; the weekly review lists the week's unclassified complaints so
 * the gaps get found, and agents' tags win over rules. Improve the rules, not the
 * labels, when this fails; add new phrasings from real complaints as new lines.
 */
import { describe, it, expect } from 'vitest';
import { readFile } from 'node:fs/promises';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { CAUSE_CODES } from '../../models/entities.ts';

const CORPUS_URL = new URL('../fixtures/cause-corpus.jsonl', import.meta.url);
const RULES_URL = new URL('../../models/rules/cause-rules.json', import.meta.url);

/** Both thresholds apply to every cause, `other` included. */
const MIN_PRECISION = 0.9;
const MIN_RECALL = 0.9;
const MIN_CORPUS_SIZE = 300;
const MIN_SUPPORT_PER_CAUSE = 25;
/** Texts with two or more causes, so the rules are tested on co-occurring causes (late AND broken). */
const MIN_MULTI_CAUSE_TEXTS = 60;

const CauseCode = z.enum(CAUSE_CODES as [string, ...string[]]);
const RuleCauseCode = CauseCode.exclude(['other']);

const CorpusRow = z.object({
  id: z.string().regex(/^c\d{3,}$/),
  lang: z.enum(['zh', 'en', 'mixed']),
  text: z.string().min(1),
  causes: z
    .array(CauseCode)
    .min(1)
    .refine((cs) => new Set(cs).size === cs.length, 'duplicate cause')
    // `other` means "none of the above", so it cannot be combined with a real cause
    .refine((cs) => !cs.includes('other') || cs.length === 1, '"other" must stand alone'),
});
type CorpusRow = z.infer<typeof CorpusRow>;

const CauseRules = z.object({
  version: z.literal(1),
  causes: z.array(
    z.object({
      cause_code: RuleCauseCode,
      include: z.array(z.string().min(1)).min(1),
      exclude: z.array(z.string().min(1)),
      note: z.string().optional(),
    }),
  ),
});
type CauseRules = z.infer<typeof CauseRules>;

interface CauseScore {
  cause_code: string;
  support: number;
  predicted: number;
  true_positives: number;
  precision: number | null;
  recall: number | null;
}

async function loadCorpus(): Promise<CorpusRow[]> {
  const lines = (await readFile(CORPUS_URL, 'utf8')).split('\n').filter((l) => l.trim() !== '');
  return lines.map((line, i) => {
    const parsed = CorpusRow.safeParse(JSON.parse(line));
    if (!parsed.success) throw new Error(`cause-corpus.jsonl line ${i + 1}: ${parsed.error.message}`);
    return parsed.data;
  });
}

async function loadRules(): Promise<CauseRules> {
  return CauseRules.parse(JSON.parse(await readFile(RULES_URL, 'utf8')));
}

/**
 * Opens a fresh in-memory DuckDB holding the corpus, its labels and every (text, cause, include/exclude)
 * pattern hit. Each pattern runs as its own prepared statement: a bound pattern is a constant, so DuckDB
 * compiles the regex once, whereas joining the corpus to a table of patterns recompiles it for every
 * row (measured ~100x slower on this corpus). The match itself is the production expression.
 */
async function withCorpusDb<T>(corpus: readonly CorpusRow[], rules: CauseRules, fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
  const db = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  const c = await db.connect();
  try {
    await c.run('create table corpus (text_id VARCHAR, text VARCHAR)');
    await c.run('create table corpus_labels (text_id VARCHAR, cause_code VARCHAR)');
    await c.run('create table pattern_hits (text_id VARCHAR, cause_code VARCHAR, kind VARCHAR)');

    const texts = await c.createAppender('corpus');
    const labels = await c.createAppender('corpus_labels');
    for (const row of corpus) {
      texts.appendVarchar(row.id);
      texts.appendVarchar(row.text);
      texts.endRow();
      for (const cause of row.causes) {
        labels.appendVarchar(row.id);
        labels.appendVarchar(cause);
        labels.endRow();
      }
    }
    texts.closeSync();
    labels.closeSync();

    const match = await c.prepare(`
      insert into pattern_hits
      select text_id, $cause, $kind from corpus where regexp_matches(text, '(?i)' || $pattern)`);
    for (const rule of rules.causes) {
      for (const [kind, list] of [
        ['include', rule.include],
        ['exclude', rule.exclude],
      ] as const) {
        for (const pattern of list) {
          match.bind({ cause: rule.cause_code, kind, pattern });
          await match.run();
        }
      }
    }
    return await fn(c);
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

/**
 * Predicted causes per text, with exactly the production semantics: any include and no exclude;
 * `other` when nothing fires.
 */
const PREDICTIONS_SQL = `
  with fired as (
    select text_id, cause_code
    from pattern_hits
    group by text_id, cause_code
    having bool_or(kind = 'include') and not bool_or(kind = 'exclude')
  )
  select text_id, cause_code from fired
  union all
  select t.text_id, 'other' from corpus t
  where not exists (select 1 from fired f where f.text_id = t.text_id)
`;

/** Per-cause counts over (text, cause) pairs; precision and recall are null when undefined. */
const SCORES_SQL = `
  with predictions as (${PREDICTIONS_SQL}),
  pairs as (
    select coalesce(l.text_id, p.text_id) as text_id,
           coalesce(l.cause_code, p.cause_code) as cause_code,
           l.text_id is not null as is_labelled,
           p.text_id is not null as is_predicted
    from corpus_labels l
    full outer join predictions p on l.text_id = p.text_id and l.cause_code = p.cause_code
  )
  select cause_code,
         count(*) filter (where is_labelled) as support,
         count(*) filter (where is_predicted) as predicted,
         count(*) filter (where is_labelled and is_predicted) as true_positives
  from pairs
  group by cause_code
`;

async function scoreRules(c: DuckDBConnection): Promise<CauseScore[]> {
  const rows = (await c.runAndReadAll(SCORES_SQL)).getRowObjectsJson();
  const byCause = new Map(rows.map((r) => [String(r.cause_code), r]));
  return CAUSE_CODES.map((cause) => {
    const r = byCause.get(cause);
    const support = Number(r?.support ?? 0);
    const predicted = Number(r?.predicted ?? 0);
    const tp = Number(r?.true_positives ?? 0);
    return {
      cause_code: cause,
      support,
      predicted,
      true_positives: tp,
      precision: predicted === 0 ? null : tp / predicted,
      recall: support === 0 ? null : tp / support,
    };
  });
}

/** Misclassified texts for one cause, so a failing run says what to look at. */
async function listErrors(c: DuckDBConnection, cause: string): Promise<string[]> {
  const sql = `
    with predictions as (${PREDICTIONS_SQL})
    select t.text_id, t.text,
           exists (select 1 from corpus_labels l where l.text_id = t.text_id and l.cause_code = $cause) as is_labelled
    from corpus t
    where exists (select 1 from corpus_labels l where l.text_id = t.text_id and l.cause_code = $cause)
       <> exists (select 1 from predictions p where p.text_id = t.text_id and p.cause_code = $cause)
    order by t.text_id`;
  const rows = (await c.runAndReadAll(sql, { cause })).getRowObjectsJson();
  return rows.map((r) => `  ${r.is_labelled ? 'missed' : 'false '} ${String(r.text_id)} ${String(r.text)}`);
}

const formatRate = (x: number | null): string => (x === null ? '  n/a' : x.toFixed(3));

function formatTable(scores: readonly CauseScore[]): string {
  const header = `${'cause'.padEnd(22)} ${'support'.padStart(7)} ${'precision'.padStart(9)} ${'recall'.padStart(7)}`;
  const lines = scores.map(
    (s) => `${s.cause_code.padEnd(22)} ${String(s.support).padStart(7)} ${formatRate(s.precision).padStart(9)} ${formatRate(s.recall).padStart(7)}`,
  );
  return [header, ...lines].join('\n');
}

describe('cause rules vs the labelled corpus', () => {
  it('has a corpus large and varied enough to measure every cause', async () => {
    const corpus = await loadCorpus();
    expect(corpus.length).toBeGreaterThanOrEqual(MIN_CORPUS_SIZE);
    expect(new Set(corpus.map((r) => r.id)).size).toBe(corpus.length);

    const langs = new Set(corpus.map((r) => r.lang));
    expect(langs.has('zh')).toBe(true);
    expect(langs.has('en')).toBe(true);

    for (const cause of CAUSE_CODES) {
      const support = corpus.filter((r) => r.causes.includes(cause)).length;
      expect(support, `support of ${cause}`).toBeGreaterThanOrEqual(MIN_SUPPORT_PER_CAUSE);
    }
    expect(corpus.filter((r) => r.causes.length >= 2).length).toBeGreaterThanOrEqual(MIN_MULTI_CAUSE_TEXTS);
  });

  it('has exactly one rule per non-other cause', async () => {
    const rules = await loadRules();
    const codes = rules.causes.map((r) => r.cause_code).sort();
    expect(codes).toEqual(CAUSE_CODES.filter((c) => c !== 'other').sort());
  });

  it(`reaches precision and recall of at least ${MIN_PRECISION} / ${MIN_RECALL} for every cause`, async () => {
    const [corpus, rules] = await Promise.all([loadCorpus(), loadRules()]);
    await withCorpusDb(corpus, rules, async (c) => {
      const scores = await scoreRules(c);
      console.log(`cause rules on ${corpus.length} labelled texts\n${formatTable(scores)}`);

      const failing = scores.filter((s) => (s.precision ?? 0) < MIN_PRECISION || (s.recall ?? 0) < MIN_RECALL);
      for (const s of failing) {
        console.log(`${s.cause_code}:\n${(await listErrors(c, s.cause_code)).join('\n')}`);
      }
      expect(failing.map((s) => s.cause_code)).toEqual([]);
    });
  });
});
