import type { Report } from './model.js';

/** The contract's JSON report (schemaVersion 1), pretty-printed. */
export const renderJson = (report: Report): string => `${JSON.stringify(report, null, 2)}\n`;
