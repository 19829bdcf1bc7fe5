/**
 * The working text of one interpretation: the objective normalised (lower case, plain quotes and dashes, common
 * misspellings corrected) with a map back to the marketer's own words, and a record of which characters a grammar
 * rule has already placed. Whatever no rule places is reported as an ambiguity, so nothing is silently dropped.
 */
import { correctTypo } from './typos.ts';

type Token = { original: string; start: number; end: number };

export type Scan = {
  /** Normalised text: tokens joined by single spaces. */
  readonly text: string;
  readonly tokens: readonly Token[];
  /** 1 where a rule has placed the character. */
  readonly placed: Uint8Array;
};

export function scanOf(objective: string): Scan {
  const tokens: Token[] = [];
  let text = '';
  for (const original of objective.split(/\s+/).filter(Boolean)) {
    const normalised = normaliseToken(original);
    if (normalised === '') continue;
    if (text !== '') text += ' ';
    tokens.push({ original, start: text.length, end: text.length + normalised.length });
    text += normalised;
  }
  return { text, tokens, placed: new Uint8Array(text.length) };
}

function normaliseToken(token: string): string {
  const plain = token
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/[^\p{L}\p{N}$%+\-.,;:'"/&<>=()!?€£]/gu, '');
  // Correct the word part only, keeping attached punctuation ("custmers," → "customers,").
  return plain.replace(/[\p{L}]+(?:'[\p{L}]+)?/gu, (word) => correctTypo(word));
}

export function isPlaced(scan: Scan, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (scan.placed[i] === 1) return true;
  return false;
}

export function place(scan: Scan, start: number, end: number): void {
  scan.placed.fill(1, start, end);
}

/**
 * Runs `rule` over every match of `pattern` not overlapping text already placed; a match is placed when the rule
 * returns true. `pattern` must be global.
 */
export function eachMatch(scan: Scan, pattern: RegExp, rule: (match: RegExpExecArray) => boolean | undefined): void {
  pattern.lastIndex = 0;
  for (let match = pattern.exec(scan.text); match !== null; match = pattern.exec(scan.text)) {
    if (match[0].length === 0) {
      pattern.lastIndex++;
      continue;
    }
    const start = match.index;
    const end = start + match[0].length;
    if (isPlaced(scan, start, end)) continue;
    if (rule(match) === true) place(scan, start, end);
  }
}

/** Words that carry no campaign meaning on their own; they never become ambiguities. */
const FILLER = new Set(
  (
    'a an the and or but of to in on at for from by with within over into onto as is are was were be been being it its this that ' +
    'these those who whom whose which what when where while than then them they their there we our us you your i me my he she his her ' +
    'customers customer users user people shoppers shopper clients client buyers buyer members member folks contacts audience audiences segment ' +
    "campaign campaigns target targeting targeted want wants need needs let lets let's please get getting make making run running send sending " +
    'reach reaching find build create using use via have has had do does did any all some every each more most less least so such also just ' +
    'only very really about around across up out off our new help can could should would will shall may might must goal objective aim aims ' +
    'focus focused focusing on try trying ideally overall plus etc e.g. i.e. per them, those, who, anyone anybody everyone someone ones one ' +
    'base list group cohort total'
  ).split(' '),
);

/** Runs of unplaced words that mean something, in the marketer's own words. */
export function unplacedRuns(scan: Scan): string[] {
  const runs: string[] = [];
  let current: string[] = [];
  let meaningful = false;
  const flush = () => {
    if (meaningful) runs.push(trimFiller(current).join(' '));
    current = [];
    meaningful = false;
  };
  for (const token of scan.tokens) {
    const word = scan.text.slice(token.start, token.end);
    const bare = word.replace(/[^\p{L}\p{N}'&%$]/gu, '');
    const placedHere = isPlaced(scan, token.start, token.end) && wordPlaced(scan, token);
    if (placedHere || bare === '') {
      flush();
      continue;
    }
    current.push(token.original);
    if (!FILLER.has(bare)) meaningful = true;
    if (/[.;!?]$/.test(word)) flush();
  }
  flush();
  return runs.filter((run) => run.length > 0);
}

function wordPlaced(scan: Scan, token: Token): boolean {
  // A token counts as placed when its letters and digits were placed (a trailing comma left over is not a word).
  for (let i = token.start; i < token.end; i++) {
    const ch = scan.text[i] ?? '';
    if (/[\p{L}\p{N}]/u.test(ch) && scan.placed[i] !== 1) return false;
  }
  return true;
}

function trimFiller(words: string[]): string[] {
  const bare = (word: string) => word.toLowerCase().replace(/[^\p{L}\p{N}'&%$]/gu, '');
  let start = 0;
  let end = words.length;
  while (start < end && FILLER.has(bare(words[start] ?? ''))) start++;
  while (end > start && FILLER.has(bare(words[end - 1] ?? ''))) end--;
  return words.slice(start, end);
}

/** Share of meaningful words that some rule placed (1 when there are none). */
export function coverage(scan: Scan): { meaningful: number; placed: number } {
  let meaningful = 0;
  let placedCount = 0;
  for (const token of scan.tokens) {
    const bare = scan.text.slice(token.start, token.end).replace(/[^\p{L}\p{N}'&%$]/gu, '');
    if (bare === '' || FILLER.has(bare)) continue;
    meaningful++;
    if (wordPlaced(scan, token)) placedCount++;
  }
  return { meaningful, placed: placedCount };
}
