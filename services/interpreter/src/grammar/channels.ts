/** Channel constraints: "push or email only", "via SMS", "no SMS", "avoid direct mail". */
import type { Channel } from '@aether/contracts/objective';
import type { Draft } from './draft.ts';
import { eachMatch, type Scan } from './scan.ts';
import { CHANNEL_LIST, channelsIn } from './vocabulary.ts';

const EXCLUDED = new RegExp(
  String.raw`\b(?:no|not|never|without|excluding|exclude|avoid|avoiding|skip|don't use|do not use|don't|do not|no more|except|but not|nothing (?:by|via|over))\s+(?:(?:by|via|through|over|using|on|any|use|send|sending|send any)\s+)*(?<list>${CHANNEL_LIST})(?:\s+(?:channels?|messages|please|at all))?`,
  'gu',
);
const ONLY = [
  new RegExp(
    String.raw`\b(?:only|exclusively|just)\s+(?:(?:by|via|through|over|using|on|use|send|in)\s+)*(?<list>${CHANNEL_LIST})(?:\s+channels?)?`,
    'gu',
  ),
  new RegExp(String.raw`\b(?:(?:by|via|through|over|using|on)\s+)?(?<list>${CHANNEL_LIST})\s+(?:channels?\s+)?only\b`, 'gu'),
  new RegExp(String.raw`\b(?:channels?\s*(?::|=|are|is|should be|must be)?\s*)(?<list>${CHANNEL_LIST})`, 'gu'),
  // A clause that is only a list of channels ("…; SMS and email, no direct mail").
  new RegExp(String.raw`(?:^|(?<=[;,.:]\s?))\s*(?<list>${CHANNEL_LIST})\s*(?=[;,.]|$)`, 'gu'),
  new RegExp(String.raw`\b(?:by|via|through|over|using|across)\s+(?<list>${CHANNEL_LIST})\b(?!\s+(?:opt|subscri|open|click))`, 'gu'),
];

export function readChannels(scan: Scan, draft: Draft): void {
  eachMatch(scan, EXCLUDED, (match) => {
    const channels = channelsIn(match.groups?.list ?? '');
    if (channels.length === 0) return false;
    for (const channel of channels) if (!draft.excludedChannels.includes(channel)) draft.excludedChannels.push(channel);
    return true;
  });
  for (const pattern of ONLY) {
    eachMatch(scan, pattern, (match) => {
      const channels = channelsIn(match.groups?.list ?? '');
      if (channels.length === 0) return false;
      const merged: Channel[] = [...(draft.channels ?? [])];
      for (const channel of channels) if (!merged.includes(channel)) merged.push(channel);
      draft.channels = merged;
      return true;
    });
  }
}
