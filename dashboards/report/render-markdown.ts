/**
 * The review as Markdown. Text from the data (complaint excerpts, titles) is escaped so a Markdown
 * viewer shows it as typed: HTML-significant characters become entities (a `<script>` in a complaint
 * stays text in viewers that pass raw HTML through), Markdown syntax characters get a backslash, and
 * table cells lose their line breaks and pipes.
 */
import type { ReviewBlock, ReviewDocument } from './review-document.ts';

/** Escapes text for a Markdown paragraph or table cell. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~])/g, '\\$1')
    .replace(/\r?\n|\r/g, ' ')
    .replace(/^#/, '\\#');
}

/** A fence longer than any backtick run inside `text`, so the block cannot be closed from within. */
function fenceFor(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}

function renderBlock(block: ReviewBlock): string {
  switch (block.kind) {
    case 'heading':
      return `${'#'.repeat(block.level)} ${escapeMarkdown(block.text)}`;
    case 'paragraph':
      return escapeMarkdown(block.text);
    case 'list':
      return block.items.map((item) => `- ${escapeMarkdown(item)}`).join('\n');
    case 'table': {
      const header = `| ${block.columns.map((c) => escapeMarkdown(c.header)).join(' | ')} |`;
      const rule = `| ${block.columns.map((c) => (c.numeric ? '---:' : '---')).join(' | ')} |`;
      const rows = block.rows.map((row) => `| ${row.map((cell) => escapeMarkdown(cell) || ' ').join(' | ')} |`);
      return [header, rule, ...rows].join('\n');
    }
    case 'image':
      return `![${escapeMarkdown(block.alt)}](${encodeURI(block.src)})`;
    case 'code': {
      const fence = fenceFor(block.text);
      return `${fence}${block.language}\n${block.text.replace(/\n$/, '')}\n${fence}`;
    }
  }
}

export function renderMarkdown(document: ReviewDocument): string {
  return `${document.blocks.map(renderBlock).join('\n\n')}\n`;
}
