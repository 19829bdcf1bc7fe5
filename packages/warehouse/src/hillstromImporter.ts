/**
 * Maps Kevin Hillstrom's MineThatData e-mail experiment (64,000 customers randomised to a men's e-mail, a women's
 * e-mail or no e-mail; outcomes visit, conversion and spend in the two weeks after) onto our tables, so a real RCT
 * can be explored end to end:
 * - `customers`: one per row (`hillstrom_000001` …, row order), urbanicity from zip_code; unknowns stay null;
 *   signup_at from `newbie` (new in the last 12 months → 180 days before assignment, else 730 days).
 * - `transactions`: one summary order per customer that carries the two purchase covariates, placed `recency`
 *   months (×30 days) before assignment, net amount `history` (spend of the past year), category apparel,
 *   so the point-in-time features (recency, spend) see them.
 * - `campaign_history`: two campaigns, each a two-arm RCT: `hillstrom_mens_email` (treatment: Mens E-Mail) and
 *   `hillstrom_womens_email` (treatment: Womens E-Mail), both against the shared No E-Mail control group, assigned
 *   at ASSIGNED_AT with a 14-day window. Control customers therefore appear once in each campaign.
 */
import { basename } from 'node:path';
import { CAMPAIGN_HISTORY, CUSTOMERS, TABLES, TRANSACTIONS } from '@aether/contracts/warehouse';
import { csvFileRecords, ImportError, type ImportIssue, MAX_REPORTED } from './importer.ts';
import type { LoadOptions, Row, Warehouse } from './warehouse.ts';

/** Nominal assignment instant (the data set has no dates; the e-mails went out in spring 2008). */
export const ASSIGNED_AT = '2008-03-03T00:00:00.000Z';
export const OUTCOME_WINDOW_DAYS = 14;
export const HILLSTROM_CAMPAIGNS = { mens: 'hillstrom_mens_email', womens: 'hillstrom_womens_email' } as const;

const HEADER = [
  'recency',
  'history_segment',
  'history',
  'mens',
  'womens',
  'zip_code',
  'newbie',
  'channel',
  'segment',
  'visit',
  'conversion',
  'spend',
];
const URBANICITY: Record<string, string> = { Urban: 'urban', Surburban: 'suburban', Suburban: 'suburban', Rural: 'rural' };
const SEGMENTS = ['Mens E-Mail', 'Womens E-Mail', 'No E-Mail'] as const;
const CHANNEL_DEVICE: Record<string, string> = { Web: 'desktop', Phone: 'mobile', Multichannel: 'desktop' };
const DAY = 86_400_000;

export type HillstromRecord = {
  recency: number;
  history: number;
  newbie: boolean;
  zipCode: string;
  channel: string;
  segment: (typeof SEGMENTS)[number];
  visit: boolean;
  conversion: boolean;
  spend: number;
};

export type HillstromTables = { customers: Row[]; transactions: Row[]; campaignHistory: Row[] };

export function hillstromRows(records: readonly HillstromRecord[]): HillstromTables {
  const assigned = Date.parse(ASSIGNED_AT);
  const observedUntil = new Date(assigned + OUTCOME_WINDOW_DAYS * DAY).toISOString();
  const tables: HillstromTables = { customers: [], transactions: [], campaignHistory: [] };
  records.forEach((record, index) => {
    const customerId = `hillstrom_${String(index + 1).padStart(6, '0')}`;
    tables.customers.push({
      customer_id: customerId,
      signup_at: new Date(assigned - (record.newbie ? 180 : 730) * DAY).toISOString(),
      birth_date: null,
      gender: 'unknown',
      region: null,
      urbanicity: URBANICITY[record.zipCode] ?? null,
      acquisition_channel: 'unknown',
      loyalty_tier: 'none',
      email_opt_in: true,
      push_opt_in: false,
      sms_opt_in: false,
      preferred_device: null,
    });
    tables.transactions.push({
      transaction_id: `${customerId}_history`,
      customer_id: customerId,
      ordered_at: new Date(assigned - record.recency * 30 * DAY).toISOString(),
      category: 'apparel',
      items: 1,
      gross_amount: record.history,
      discount_amount: 0,
      shipping_amount: 0,
      net_amount: record.history,
      device: CHANNEL_DEVICE[record.channel] ?? 'desktop',
      campaign_id: null,
    });
    const outcome = {
      customer_id: customerId,
      channel: 'email',
      assigned_at: ASSIGNED_AT,
      outcome_window_days: OUTCOME_WINDOW_DAYS,
      observed_until: observedUntil,
      converted: record.conversion,
      orders: record.conversion ? 1 : 0,
      revenue: record.spend,
      visited: record.visit,
    };
    const campaigns: Array<[string, string, 'treatment' | 'control']> =
      record.segment === 'Mens E-Mail'
        ? [[HILLSTROM_CAMPAIGNS.mens, 'mens_email', 'treatment']]
        : record.segment === 'Womens E-Mail'
          ? [[HILLSTROM_CAMPAIGNS.womens, 'womens_email', 'treatment']]
          : [
              [HILLSTROM_CAMPAIGNS.mens, 'mens_email', 'control'],
              [HILLSTROM_CAMPAIGNS.womens, 'womens_email', 'control'],
            ];
    for (const [campaignId, triggerId, arm] of campaigns) {
      tables.campaignHistory.push({ campaign_id: campaignId, trigger_id: triggerId, arm, ...outcome });
    }
  });
  return tables;
}

/** Reads and checks the CSV; every problem is reported as `file:line: column "x": …` (up to MAX_REPORTED). */
export async function readHillstromCsv(file: string): Promise<HillstromRecord[]> {
  const name = basename(file);
  const issues: ImportIssue[] = [];
  const records: HillstromRecord[] = [];
  let badRows = 0;
  let header: string[] | null = null;
  for await (const { line, fields } of csvFileRecords(file)) {
    if (header === null) {
      header = fields.map((field) => field.trim());
      const missing = HEADER.filter((column) => !header?.includes(column));
      if (missing.length > 0) {
        throw new ImportError(
          name,
          [{ file: name, line, column: null, message: `not a Hillstrom file: missing columns ${missing.join(', ')}` }],
          0,
        );
      }
      continue;
    }
    const rowIssues: ImportIssue[] = [];
    const cell = (column: string) => fields[header?.indexOf(column) ?? -1] ?? '';
    const number = (column: string, integer: boolean) => {
      const text = cell(column).trim();
      const value = Number(text);
      if (text === '' || !Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
        rowIssues.push({ file: name, line, column, message: `"${text}" is not a non-negative ${integer ? 'integer' : 'number'}` });
      }
      return value;
    };
    const flag = (column: string) => {
      const text = cell(column).trim();
      if (text !== '0' && text !== '1') rowIssues.push({ file: name, line, column, message: `"${text}" is not 0 or 1` });
      return text === '1';
    };
    const oneOf = <T extends string>(column: string, allowed: readonly T[]): T => {
      const text = cell(column).trim();
      if (!allowed.includes(text as T))
        rowIssues.push({ file: name, line, column, message: `"${text}" is not one of ${allowed.join(', ')}` });
      return text as T;
    };
    if (fields.length !== header.length) {
      rowIssues.push({ file: name, line, column: null, message: `has ${fields.length} fields, the header has ${header.length}` });
    }
    const record: HillstromRecord = {
      recency: number('recency', true),
      history: number('history', false),
      newbie: flag('newbie'),
      zipCode: oneOf('zip_code', Object.keys(URBANICITY)),
      channel: oneOf('channel', Object.keys(CHANNEL_DEVICE)),
      segment: oneOf('segment', SEGMENTS),
      visit: flag('visit'),
      conversion: flag('conversion'),
      spend: number('spend', false),
    };
    if (rowIssues.length > 0) {
      badRows += 1;
      issues.push(...rowIssues.slice(0, MAX_REPORTED - issues.length));
    } else {
      records.push(record);
    }
  }
  if (header === null) throw new ImportError(name, [{ file: name, line: 1, column: null, message: 'is empty: no header line' }], 0);
  if (badRows > 0) throw new ImportError(name, issues, badRows);
  return records;
}

export type HillstromImport = { customers: number; transactions: number; campaignHistory: number };

/**
 * Loads the three tables. Each load is all-or-nothing; the file is checked completely before the first one,
 * so a bad file writes nothing.
 */
export async function importHillstrom(warehouse: Warehouse, file: string, options: LoadOptions = {}): Promise<HillstromImport> {
  const tables = hillstromRows(await readHillstromCsv(file));
  await warehouse.ensureSchema(TABLES); // all of them: the feature view reads the event tables too
  return {
    customers: await warehouse.load(CUSTOMERS, [tables.customers], options),
    transactions: await warehouse.load(TRANSACTIONS, [tables.transactions], options),
    campaignHistory: await warehouse.load(CAMPAIGN_HISTORY, [tables.campaignHistory], options),
  };
}
