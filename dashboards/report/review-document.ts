/**
 * The weekly review as a list of plain blocks (headings, paragraphs, tables, images, code), rendered
 * twice: to Markdown and to HTML. Blocks hold unescaped text; each renderer escapes for its format.
 */
import type { TableColumn } from '../shared/dashboard-types.ts';

export type ReviewBlock =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; columns: TableColumn[]; rows: string[][] }
  | { kind: 'image'; src: string; alt: string }
  | { kind: 'code'; language: string; text: string };

export interface ReviewDocument {
  title: string;
  /** BCP 47 language of the text. */
  lang: string;
  blocks: ReviewBlock[];
}
