/**
 * The campaign goal. Explicit phrases ("win back", "recover carts", "second purchase") vote strongly; audience words
 * ("abandoned a cart", "lapsed") vote weakly from the audience rules. The heaviest goal wins, the earliest on a tie.
 */
import type { Goal } from '@aether/contracts/objective';
import { type Draft, vote } from './draft.ts';
import { place, type Scan } from './scan.ts';

const GOALS: Array<[RegExp, Goal]> = [
  [
    /\b(?:win[- ]?back|winning back|won back|re-?activat\w*|bring (?:them |customers |people |shoppers )?back|get (?:them |customers )?(?:to come )?back|come back|coming back|revive|reviving|resurrect|reawaken|wake up|re-?acquire|recapture|lure back|welcome back)\b/gu,
    'reactivation',
  ],
  [
    /\b(?:recover(?:ing|y)?(?: (?:abandoned |their |lost )?(?:carts?|baskets?|checkouts?|sales|revenue))?|cart recovery|convert (?:their |abandoned |those )?(?:carts?|baskets?)|complete (?:their |the )?(?:purchases?|checkouts?|orders?|carts?)|finish (?:their |the )?(?:checkouts?|purchases?|orders?)|close (?:the |their )?(?:carts?|baskets?))\b/gu,
    'cart_recovery',
  ],
  [
    /\b(?:first (?:purchase|order|buy|transaction)s?|(?:make|place) (?:their|a) first|convert (?:new |recent )?(?:sign-?ups|subscribers|leads|prospects|browsers|visitors|registrants|accounts|members)(?: into (?:buyers|customers))?|into (?:first-time )?(?:buyers|customers)|first[- ]time (?:conversion|purchase)|acquisition|convert(?:ing)? (?:them|these (?:shoppers|people|visitors|browsers)|those (?:shoppers|people|visitors)|browsers|visitors|people who (?:browsed|viewed|visited)))\b/gu,
    'first_purchase',
  ],
  [
    /\b(?:second (?:purchase|order|buy)s?|repeat (?:purchase|order|buy)(?:s|ing)?|buy (?:again|a second time)|purchase again|order again|re-?order(?:s|ing)?|re-?purchase|replenish\w*|come back for (?:a |another )|another (?:purchase|order))\b/gu,
    'repeat_purchase',
  ],
  [
    /\b(?:(?:stop|prevent|preventing|reduce|reducing|cut|lower|curb|fight|minimi[sz]e|avoid) (?:the\s+)?churn(?:ing)?|churn (?:prevention|reduction)|prevent (?:them |customers )?(?:from )?(?:churning|leaving|lapsing)|before they (?:churn|leave|lapse)|keep (?:them|customers|these customers) (?:from (?:leaving|churning)|around|active|engaged)|retain|retention campaign|save (?:at-risk|these) customers)\b/gu,
    'churn_prevention',
  ],
  [
    /\b(?:up[- ]?sell(?:ing)?|increase (?:the\s+)?(?:average )?(?:order values?|aov|basket sizes?|basket values?|spend per order)|raise (?:the\s+)?(?:aov|average order value|basket size)|grow (?:the\s+)?(?:aov|basket size|order value)|bigger (?:baskets|orders)|larger (?:baskets|orders)|trade (?:them )?up|upgrade (?:to|their)|premium (?:range|products|line|tier))\b/gu,
    'upsell',
  ],
  [
    /\b(?:cross[- ]?sell(?:ing)?|buy (?:from|in|into) (?:a |another |other |new |different )?(?:categor(?:y|ies)|departments?)|(?:another|new|a second|other|different|complementary) (?:categor(?:y|ies)|departments?)|complementary (?:products|items))\b/gu,
    'cross_sell',
  ],
  [
    /\b(?:re-?engag\w*|engage|increase engagement|drive engagement|boost engagement|more engagement|(?:get|drive) (?:more )?(?:opens|clicks|visits)|open (?:our|their) e-?mails)\b/gu,
    'engagement',
  ],
  [
    /\b(?:enrol(?:l)?(?:ed|ing|ment)?\b[^.;]{0,40}?\b(?:in|into|on|for)(?: (?:the|our))? (?:loyalty|rewards)|join (?:the |our )?(?:loyalty|rewards)|loyalty (?:program(?:me)?|club|scheme) (?:sign-?ups|enrol(?:l)?ments?|membership)|sign (?:them )?up (?:for|to) (?:the |our )?(?:loyalty|rewards)|(?:move|moving|upgrade|upgrading) (?:them )?up (?:a |one )?tiers?|tier (?:upgrades?|progression)|loyalty (?:sign-?ups|enrol(?:l)?ments?)|(?:into|grow) (?:the |our )?loyalty (?:program(?:me)?|club)|(?:upgrade|move|promote|get)\s+[^.;]{0,40}?\bto\s+(?:bronze|silver|gold|platinum)(?:\s+(?:tier|status|level))?)\b/gu,
    'loyalty',
  ],
];

export function readGoals(scan: Scan, draft: Draft): void {
  for (const [pattern, goal] of GOALS) {
    // Goal words may already be placed as audience or KPI words ("maximise reactivation"): they still vote.
    for (const match of scan.text.matchAll(pattern)) {
      vote(draft, goal, 3, match.index);
      place(scan, match.index, match.index + match[0].length);
    }
  }
}

export function chooseGoal(draft: Draft): { goal: Goal; explicit: boolean } | null {
  if (draft.goalVotes.length === 0) return null;
  const totals = new Map<Goal, { weight: number; at: number; explicit: boolean }>();
  for (const { goal, weight, at } of draft.goalVotes) {
    const current = totals.get(goal) ?? { weight: 0, at, explicit: false };
    totals.set(goal, { weight: current.weight + weight, at: Math.min(current.at, at), explicit: current.explicit || weight >= 3 });
  }
  const ranked = [...totals.entries()].sort((a, b) => b[1].weight - a[1].weight || a[1].at - b[1].at);
  const [goal, best] = ranked[0]!;
  return { goal, explicit: best.explicit };
}
