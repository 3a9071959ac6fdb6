import type { Report } from './model.js';
import { renderJson } from './render-json.js';
import { renderMarkdown } from './render-markdown.js';
import { renderText } from './render-text.js';

export type Format = 'text' | 'markdown' | 'json';
export const FORMATS: readonly Format[] = ['text', 'markdown', 'json'];

/** The format a file's extension implies (`--output report.md`). */
export const formatForFile = (file: string): Format | undefined => {
  if (/\.(md|markdown)$/iu.test(file)) return 'markdown';
  if (/\.json$/iu.test(file)) return 'json';
  if (/\.(txt|text|log)$/iu.test(file)) return 'text';
  return undefined;
};

export const render = (
  report: Report,
  format: Format,
  options: { color: boolean; verbose: boolean; width?: number },
): string => {
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'markdown':
      return renderMarkdown(report, options);
    case 'text':
      return renderText(report, options);
  }
};
