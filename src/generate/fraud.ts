/**
 * Card-fraud scenario: card transactions from a population of cardholders, with
 * fraud injected at a known rate. Pure and deterministic: no I/O, no clock, no
 * Math.random.
 *
 * Legitimate behaviour: each card has a home country, a spending level, favourite
 * merchant categories and an activity level; traffic follows a daily cycle;
 * cardholders sometimes travel (far from home, card present, ordinary amounts),
 * buy online from a new device, or make a rare big purchase.
 * Fraud comes as episodes, interleaved in event-time order with normal traffic:
 * - `card_testing`: a burst of 3–10 small card-not-present charges seconds apart,
 *   mostly digital goods, often from a new device;
 * - `far_from_home`: 1–3 purchases thousands of kilometres from home (a cloned card),
 *   at several times the card's usual amount;
 * - `new_device_high_amount`: 1–2 online purchases from a device never seen on the card,
 *   for many times the card's usual amount (account takeover).
 * Every transaction of an episode is labelled fraud with that kind.
 */
import { createRandom, type Random } from './random.js';
import {
  DEFAULT_START_TIME,
  requireInteger,
  requireNumber,
  roundTo,
  type GeneratedRecord,
  type RecordGenerator,
} from './generated-record.js';

/**
 * The merchant category vocabulary. A model takes `merchant_category` as its index
 * in this array, so the order is part of the model contract: append only.
 */
export const MERCHANT_CATEGORIES = [
  'grocery',
  'restaurant',
  'fuel',
  'transport',
  'online_retail',
  'electronics',
  'travel',
  'entertainment',
  'pharmacy',
  'digital_goods',
] as const;
export type MerchantCategory = (typeof MERCHANT_CATEGORIES)[number];

/** The injected fraud kinds; `none` marks a legitimate transaction. */
export const FRAUD_KINDS = ['card_testing', 'far_from_home', 'new_device_high_amount'] as const;
export type FraudKind = 'none' | (typeof FRAUD_KINDS)[number];

/** Smoothing factor of `card_avg_amount`. */
export const CARD_AMOUNT_EWMA_ALPHA = 0.1;

/** One transaction; field for field the record of schemas/fraud/card-transaction.avsc. */
export interface CardTransaction {
  card_id: string;
  transaction_id: string;
  /** Epoch milliseconds. */
  event_time: number;
  /** In the card's billing currency, two decimals. */
  amount: number;
  /** ISO 4217 code of the card's billing currency. */
  currency: string;
  merchant_category: MerchantCategory;
  /** ISO 3166-1 alpha-2 code of the merchant's country. */
  merchant_country: string;
  /** Hour of day (0–23) in the cardholder's home time zone. */
  hour_of_day: number;
  /** Distance between the cardholder's home and the terminal (card present) or the device's geolocation. */
  distance_from_home_km: number;
  /** Seconds since the previous transaction on this card, millisecond resolution. */
  seconds_since_last_txn: number;
  card_present: boolean;
  /** Card not present, from a device fingerprint never seen on this card. */
  new_device: boolean;
  /** The card's moving average amount (CARD_AMOUNT_EWMA_ALPHA) over its previous transactions. */
  card_avg_amount: number;
}

export interface FraudTruth {
  fraud: boolean;
  kind: FraudKind;
}

export interface FraudGeneratorOptions {
  seed: number;
  /** Number of cards, default 2000. */
  cards?: number;
  /** Fraction of transactions that are fraudulent, default 0.01. */
  fraudRate?: number;
  /** Event time the stream starts from (epoch ms), default 2025-01-06T00:00:00Z. */
  startTime?: number;
  /**
   * Mean gap between consecutive legitimate transactions over the whole stream (ms),
   * default 15 000: with 2000 cards about three transactions per card per day.
   */
  intervalMs?: number;
}

export type FraudGenerator = RecordGenerator<CardTransaction, FraudTruth>;

interface Country {
  readonly code: string;
  readonly currency: string;
  readonly utcOffsetHours: number;
}

/** Home countries of the cardholders, with their share of cards. */
const HOME_COUNTRIES: readonly (Country & { share: number })[] = [
  { code: 'NL', currency: 'EUR', utcOffsetHours: 1, share: 0.2 },
  { code: 'DE', currency: 'EUR', utcOffsetHours: 1, share: 0.2 },
  { code: 'FR', currency: 'EUR', utcOffsetHours: 1, share: 0.15 },
  { code: 'GB', currency: 'GBP', utcOffsetHours: 0, share: 0.15 },
  { code: 'US', currency: 'USD', utcOffsetHours: -5, share: 0.15 },
  { code: 'ES', currency: 'EUR', utcOffsetHours: 1, share: 0.05 },
  { code: 'IT', currency: 'EUR', utcOffsetHours: 1, share: 0.05 },
  { code: 'CH', currency: 'CHF', utcOffsetHours: 1, share: 0.03 },
  { code: 'CA', currency: 'CAD', utcOffsetHours: -5, share: 0.02 },
];
const HOME_SHARES = HOME_COUNTRIES.map((c) => c.share);
/** Merchant countries seen abroad (travel, online shops abroad, fraud alike). */
const ABROAD = ['US', 'GB', 'FR', 'ES', 'IT', 'PT', 'GR', 'TR', 'TH', 'MX', 'BR', 'JP', 'AU', 'ZA', 'AE', 'SG', 'IN', 'CN'];

/** Typical amount of a category relative to the card's base spend. */
const CATEGORY_SPEND = [1, 1.1, 1.3, 0.5, 1.6, 5, 8, 1.2, 0.6, 0.3];
/** Share of each category in an average card's legitimate spending. */
const CATEGORY_POPULARITY = [0.26, 0.16, 0.1, 0.1, 0.12, 0.03, 0.03, 0.07, 0.08, 0.05];
/** Chance that a legitimate purchase in each category is made with the card present. */
const CATEGORY_PRESENT = [0.97, 0.95, 0.98, 0.85, 0.03, 0.55, 0.25, 0.8, 0.95, 0];

const CATEGORY_INDEX = Object.fromEntries(MERCHANT_CATEGORIES.map((c, i) => [c, i])) as Record<MerchantCategory, number>;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

const NONE = 0;
const CARD_TESTING = 1;
const FAR_FROM_HOME = 2;
const NEW_DEVICE_HIGH_AMOUNT = 3;
const KIND_NAMES: readonly FraudKind[] = ['none', 'card_testing', 'far_from_home', 'new_device_high_amount'];
const TRUTHS: readonly FraudTruth[] = KIND_NAMES.map((kind) => Object.freeze({ fraud: kind !== 'none', kind }));

/** Relative frequency with which each kind starts an episode, its length range and the gap between its transactions (s). */
const EPISODES = [
  { kind: CARD_TESTING, weight: 0.2, minLength: 3, maxLength: 10, minGapS: 3, maxGapS: 90 },
  { kind: FAR_FROM_HOME, weight: 0.4, minLength: 1, maxLength: 3, minGapS: 300, maxGapS: 5400 },
  { kind: NEW_DEVICE_HIGH_AMOUNT, weight: 0.4, minLength: 1, maxLength: 2, minGapS: 120, maxGapS: 1800 },
] as const;
const EPISODE_WEIGHTS = EPISODES.map((e) => e.weight);
const MEAN_EPISODE_LENGTH =
  EPISODES.reduce((sum, e) => sum + e.weight * ((e.minLength + e.maxLength) / 2), 0) /
  EPISODE_WEIGHTS.reduce((a, b) => a + b, 0);

interface Card {
  readonly id: string;
  readonly home: Country;
  /** Log of the card's base spend (median amount at CATEGORY_SPEND 1). */
  readonly logSpend: number;
  readonly logSpendSd: number;
  readonly categoryWeights: readonly number[];
  lastTxnTime: number;
  avgAmount: number;
  /** While now < travelUntil the cardholder is abroad, in travelCountry, travelKm from home. */
  travelUntil: number;
  travelCountry: string;
  travelKm: number;
}

/** A fraudulent transaction waiting for its event time. */
interface Scheduled {
  time: number;
  card: Card;
  kind: number;
  /** Shared by the transactions of one episode: the fraudster's location and target amount. */
  country: string;
  distanceKm: number;
  amountFactor: number;
}

/** Creates a deterministic card-transaction stream. Same options → same sequence. */
export function createFraudGenerator(options: FraudGeneratorOptions): FraudGenerator {
  const cardCount = options.cards ?? 2000;
  const fraudRate = options.fraudRate ?? 0.01;
  const startTime = options.startTime ?? DEFAULT_START_TIME;
  const intervalMs = options.intervalMs ?? 15_000;
  requireInteger('cards', cardCount, 1, 10_000_000);
  requireNumber('fraudRate', fraudRate, 0, 0.5);
  requireNumber('startTime', startTime, 0, 8.64e15);
  requireNumber('intervalMs', intervalMs, 1, 365 * DAY_MS);

  const rng = createRandom(options.seed);
  const idPrefix = `tx-${rng.seed.toString(16).padStart(8, '0')}-`;
  // Fraud transactions come on top of legitimate ones: per legitimate transaction an
  // episode starts with chance q, so the fraud share is q·L / (1 + q·L), L the mean episode length.
  const startChance = fraudRate / (MEAN_EPISODE_LENGTH * (1 - fraudRate));

  // Activity levels vary a lot between cards; legitimate traffic picks a card in proportion.
  const cards: Card[] = [];
  const cumulativeActivity = new Float64Array(cardCount);
  let totalActivity = 0;
  const activities: number[] = [];
  for (let i = 0; i < cardCount; i++) {
    const activity = rng.logNormal(0, 0.8);
    activities.push(activity);
    totalActivity += activity;
    cumulativeActivity[i] = totalActivity;
  }
  for (let i = 0; i < cardCount; i++) {
    const meanGapMs = (intervalMs * totalActivity) / activities[i]!;
    cards.push(createCard(rng, i, Math.round(startTime - rng.exponential(meanGapMs))));
  }

  const pending: Scheduled[] = [];
  let clock = startTime;
  let nextLegitTime = startTime + legitGap(startTime);
  let sequence = 0;

  /** Exponential gaps, denser in the (European) afternoon than at night: intensity 0.4–1.6 around a mean of 1. */
  function legitGap(time: number): number {
    const hour = (time % DAY_MS) / HOUR_MS;
    const intensity = 1 + 0.6 * Math.sin((2 * Math.PI * (hour - 8)) / 24);
    return rng.exponential(intervalMs / intensity);
  }

  function pickActiveCard(): Card {
    const target = rng.next() * totalActivity;
    let low = 0;
    let high = cardCount - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (cumulativeActivity[middle]! <= target) low = middle + 1;
      else high = middle;
    }
    return cards[low]!;
  }

  function schedule(event: Scheduled): void {
    let i = pending.length;
    while (i > 0 && pending[i - 1]!.time > event.time) i--;
    pending.splice(i, 0, event);
  }

  function startEpisode(now: number): void {
    const spec = EPISODES[rng.weightedIndex(EPISODE_WEIGHTS)]!;
    const card = cards[rng.int(0, cardCount)]!;
    const length = rng.int(spec.minLength, spec.maxLength + 1);
    const foreign = spec.kind === FAR_FROM_HOME || (spec.kind === CARD_TESTING && rng.chance(0.6));
    const country = foreign ? pickAbroad(rng, card.home.code) : card.home.code;
    const distanceKm =
      spec.kind === FAR_FROM_HOME
        ? rng.uniform(800, 12_000)
        : spec.kind === CARD_TESTING && foreign
          ? rng.uniform(500, 9_000)
          : rng.logNormal(Math.log(25), 1.3);
    const amountFactor = spec.kind === FAR_FROM_HOME ? rng.uniform(3, 12) : rng.uniform(6, 25);
    let time = now + rng.exponential(10 * 60_000);
    for (let i = 0; i < length; i++) {
      schedule({ time: Math.round(time), card, kind: spec.kind, country, distanceKm, amountFactor });
      time += 1000 * rng.uniform(spec.minGapS, spec.maxGapS);
    }
  }

  function legitimate(card: Card, time: number): CardTransaction {
    if (time >= card.travelUntil && rng.chance(0.004)) {
      card.travelUntil = time + rng.uniform(2, 10) * DAY_MS;
      card.travelCountry = pickAbroad(rng, card.home.code);
      card.travelKm = rng.uniform(300, 9_000);
    }
    const travelling = time < card.travelUntil;
    const category = rng.weightedIndex(card.categoryWeights);
    const present = rng.chance(CATEGORY_PRESENT[category]!);
    let amount = rng.logNormal(card.logSpend + Math.log(CATEGORY_SPEND[category]!), card.logSpendSd);
    if (rng.chance(0.005)) amount *= rng.uniform(5, 15); // the occasional big purchase
    let distanceKm: number;
    let country: string;
    if (present) {
      distanceKm = travelling ? card.travelKm + rng.logNormal(Math.log(5), 1) : rng.logNormal(Math.log(4), 1);
      if (!travelling && rng.chance(0.02)) distanceKm += rng.uniform(50, 400); // a day trip
      country = travelling ? card.travelCountry : card.home.code;
    } else {
      distanceKm = travelling ? card.travelKm + rng.logNormal(Math.log(10), 1) : rng.logNormal(Math.log(8), 1.2);
      if (rng.chance(0.03)) distanceKm += rng.uniform(300, 8_000); // VPN or mobile roaming geolocation
      country = rng.chance(0.85) ? card.home.code : pickAbroad(rng, card.home.code);
    }
    const newDevice = !present && rng.chance(0.04);
    return transaction(card, time, amount, category, country, distanceKm, present, newDevice);
  }

  function fraudulent(event: Scheduled, time: number): CardTransaction {
    const card = event.card;
    switch (event.kind) {
      case CARD_TESTING: {
        const category = rng.chance(0.7) ? CATEGORY_INDEX.digital_goods : CATEGORY_INDEX.online_retail;
        const amount = rng.chance(0.3) ? rng.int(1, 5) : rng.uniform(0.5, 4.99);
        return transaction(card, time, amount, category, event.country, event.distanceKm, false, rng.chance(0.6));
      }
      case FAR_FROM_HOME: {
        const present = rng.chance(0.7);
        const category = rng.pick(
          present
            ? [CATEGORY_INDEX.electronics, CATEGORY_INDEX.restaurant, CATEGORY_INDEX.fuel, CATEGORY_INDEX.entertainment, CATEGORY_INDEX.grocery]
            : [CATEGORY_INDEX.electronics, CATEGORY_INDEX.online_retail, CATEGORY_INDEX.travel],
        );
        const amount = Math.exp(card.logSpend) * event.amountFactor * rng.uniform(0.7, 1.3);
        const distanceKm = event.distanceKm + rng.logNormal(Math.log(5), 1);
        return transaction(card, time, amount, category, event.country, distanceKm, present, !present && rng.chance(0.5));
      }
      default: {
        const category = rng.weightedIndex(ACCOUNT_TAKEOVER_CATEGORIES);
        const amount = Math.max(150, Math.exp(card.logSpend) * event.amountFactor) * rng.uniform(0.8, 1.2);
        return transaction(card, time, amount, category, event.country, event.distanceKm, false, true);
      }
    }
  }

  function transaction(
    card: Card,
    time: number,
    rawAmount: number,
    category: number,
    country: string,
    distanceKm: number,
    present: boolean,
    newDevice: boolean,
  ): CardTransaction {
    const amount = Math.max(0.5, roundTo(rawAmount, 2));
    const localHour = Math.floor((time / HOUR_MS + card.home.utcOffsetHours) % 24);
    const value: CardTransaction = {
      card_id: card.id,
      transaction_id: idPrefix + String(sequence++),
      event_time: time,
      amount,
      currency: card.home.currency,
      merchant_category: MERCHANT_CATEGORIES[category]!,
      merchant_country: country,
      hour_of_day: localHour < 0 ? localHour + 24 : localHour,
      distance_from_home_km: roundTo(distanceKm, 2),
      seconds_since_last_txn: Math.max(0, time - card.lastTxnTime) / 1000,
      card_present: present,
      new_device: newDevice,
      card_avg_amount: roundTo(card.avgAmount, 2),
    };
    card.lastTxnTime = time;
    card.avgAmount += CARD_AMOUNT_EWMA_ALPHA * (amount - card.avgAmount);
    return value;
  }

  return {
    next(): GeneratedRecord<CardTransaction, FraudTruth> {
      const due = pending[0];
      if (due !== undefined && due.time <= nextLegitTime) {
        pending.shift();
        clock = Math.max(clock, due.time);
        const value = fraudulent(due, clock);
        return { key: value.card_id, value, truth: TRUTHS[due.kind]!, timestamp: clock };
      }
      clock = Math.round(nextLegitTime);
      nextLegitTime += legitGap(nextLegitTime);
      if (rng.chance(startChance)) startEpisode(clock);
      const value = legitimate(pickActiveCard(), clock);
      return { key: value.card_id, value, truth: TRUTHS[NONE]!, timestamp: clock };
    },
  };
}

/** Category mix of account-takeover purchases, indexed like MERCHANT_CATEGORIES. */
const ACCOUNT_TAKEOVER_CATEGORIES = [0, 0, 0, 0, 0.2, 0.5, 0.2, 0, 0, 0.1];

function pickAbroad(rng: Random, home: string): string {
  let country = rng.pick(ABROAD);
  while (country === home) country = rng.pick(ABROAD);
  return country;
}

function createCard(rng: Random, index: number, lastTxnTime: number): Card {
  const home = HOME_COUNTRIES[rng.weightedIndex(HOME_SHARES)]!;
  const logSpend = Math.log(rng.uniform(12, 60));
  const logSpendSd = rng.uniform(0.45, 0.85);
  // Each cardholder's habits: the population mix, perturbed per card.
  const categoryWeights = CATEGORY_POPULARITY.map((p) => p * rng.logNormal(0, 0.6));
  return {
    id: `card-${String(index).padStart(6, '0')}`,
    home,
    logSpend,
    logSpendSd,
    categoryWeights,
    lastTxnTime,
    avgAmount: Math.exp(logSpend + (logSpendSd * logSpendSd) / 2) * 1.4,
    travelUntil: 0,
    travelCountry: home.code,
    travelKm: 0,
  };
}
