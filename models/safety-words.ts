/**
 * The severity rule's safety words (CONTRACT §3) as one RE2 pattern and the SQL macro
 * `is_crisis_text(text)`: English as whole words, case-insensitive; Chinese as substrings. The models
 * use it for complaints without a severity; the helpdesk source uses it so that a severity it derives
 * from a ticket's priority never hides a safety complaint from the crisis clock.
 */
import { quoteSqlString } from './entity-checks.ts';

export interface SafetyWords {
  crisisWordsEnglish: readonly string[];
  crisisWordsChinese: readonly string[];
}

const escapeRegex = (word: string) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Safety words: English as whole words, Chinese as substrings (CONTRACT §3); null when both lists are empty. */
export function buildCrisisPattern(words: SafetyWords): string | null {
  const english = words.crisisWordsEnglish.map(escapeRegex);
  const chinese = words.crisisWordsChinese.map(escapeRegex);
  const parts = [];
  if (english.length) parts.push(`\\b(?:${english.join('|')})\\b`);
  if (chinese.length) parts.push(`(?:${chinese.join('|')})`);
  return parts.length ? `(?i)${parts.join('|')}` : null;
}

/**
 * The macro is_crisis_text(text). With no safety words at all no text is crisis: RE2 has no
 * never-matching lookahead such as (?!), which failed the run.
 */
export function crisisTextMacroSql(words: SafetyWords): string {
  const pattern = buildCrisisPattern(words);
  return `create or replace temp macro is_crisis_text(t) as ${pattern ? `regexp_matches(t, ${quoteSqlString(pattern)})` : 'false'}`;
}
