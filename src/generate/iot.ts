/**
 * IoT scenario: a fleet of machines, each reporting temperature, vibration,
 * pressure, humidity and rpm once per `intervalMs`, with anomalies injected at a
 * known rate. Pure and deterministic: no I/O, no clock, no Math.random.
 *
 * Each device has its own baselines, a daily load cycle (rpm, temperature and
 * pressure follow the shift pattern, humidity the opposite), sensor noise and a
 * slow ageing drift. Four anomaly kinds are injected as episodes:
 * - `spike`: one reading where temperature, vibration or pressure jumps;
 * - `stuck`: the temperature/humidity module repeats its last value for 4–12 readings;
 * - `drift`: temperature walks away from the truth by 0.6–1.5 °C per reading for 6–20 readings;
 * - `correlated`: a failing bearing, temperature and vibration rising together (rpm sagging) for 3–8 readings.
 * Every reading inside an episode is labelled anomalous with that kind.
 *
 * The value also carries per-device dynamics computed from the readings the
 * device has reported so far (deltas, a rolling mean and standard deviation, the
 * deviation from a slow moving average, a flatline counter), as a stream feature
 * stage would, so a per-record model can see stuck and drifting sensors.
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

/** Sites the fleet is spread over (the `site` field). */
export const IOT_SITES = [
  'rotterdam-port',
  'eindhoven-fab',
  'lyon-plant',
  'hamburg-dock',
  'turin-works',
  'gdansk-yard',
  'bilbao-mill',
  'ostrava-foundry',
] as const;

/** The injected anomaly kinds; `none` marks a normal reading. */
export const IOT_ANOMALY_KINDS = ['spike', 'stuck', 'drift', 'correlated'] as const;
export type IotAnomalyKind = 'none' | (typeof IOT_ANOMALY_KINDS)[number];

/** Readings over which `vibration_rolling_mean` and `temperature_rolling_std` are taken. */
export const IOT_ROLLING_WINDOW = 5;
/** Smoothing factor of the moving average that `temperature_deviation` is measured against. */
export const IOT_EWMA_ALPHA = 0.05;

/** One reading; field for field the record of schemas/iot/sensor-reading.avsc. */
export interface SensorReading {
  device_id: string;
  site: string;
  /** Epoch milliseconds. */
  event_time: number;
  /** °C, 0.01 resolution. */
  temperature: number;
  /** mm/s RMS, 0.001 resolution. */
  vibration: number;
  /** kPa, 0.01 resolution. */
  pressure: number;
  /** % relative humidity, 0.1 resolution. */
  humidity: number;
  /** Revolutions per minute, whole numbers. */
  rpm: number;
  /** temperature minus the device's previous temperature. */
  temperature_delta: number;
  /** pressure minus the device's previous pressure. */
  pressure_delta: number;
  /** Mean vibration over the device's last IOT_ROLLING_WINDOW readings, this one included. */
  vibration_rolling_mean: number;
  /** Population standard deviation of temperature over the device's last IOT_ROLLING_WINDOW readings, this one included. */
  temperature_rolling_std: number;
  /** temperature minus the device's moving average (IOT_EWMA_ALPHA) of its previous temperatures. */
  temperature_deviation: number;
  /** How many readings in a row before this one reported exactly this temperature (0 when it changed): a flatline counter. */
  temperature_unchanged_count: number;
}

export interface IotTruth {
  anomaly: boolean;
  kind: IotAnomalyKind;
}

export interface IotGeneratorOptions {
  seed: number;
  /** Number of devices, default 500. */
  devices?: number;
  /** Fraction of readings that are anomalous, default 0.02. */
  anomalyRate?: number;
  /** Event time of the first round of readings (epoch ms), default 2025-01-06T00:00:00Z. */
  startTime?: number;
  /** Each device reports once per interval (ms), default 60 000. Devices are spread over the interval. */
  intervalMs?: number;
}

export type IotGenerator = RecordGenerator<SensorReading, IotTruth>;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const WARM_UP_READINGS = 20;

// Episode kinds as small integers on the hot path; index 0 is "no episode".
const NONE = 0;
const SPIKE = 1;
const STUCK = 2;
const DRIFT = 3;
const CORRELATED = 4;
const KIND_NAMES: readonly IotAnomalyKind[] = ['none', 'spike', 'stuck', 'drift', 'correlated'];
const TRUTHS: readonly IotTruth[] = KIND_NAMES.map((kind) => Object.freeze({ anomaly: kind !== 'none', kind }));

/** Relative frequency with which each kind starts an episode, and its length range [min, max]. */
const EPISODES = [
  { kind: SPIKE, weight: 0.55, minLength: 1, maxLength: 1 },
  { kind: STUCK, weight: 0.15, minLength: 4, maxLength: 12 },
  { kind: DRIFT, weight: 0.1, minLength: 6, maxLength: 20 },
  { kind: CORRELATED, weight: 0.2, minLength: 3, maxLength: 8 },
] as const;
const EPISODE_WEIGHTS = EPISODES.map((e) => e.weight);
const MEAN_EPISODE_LENGTH =
  EPISODES.reduce((sum, e) => sum + e.weight * ((e.minLength + e.maxLength) / 2), 0) /
  EPISODE_WEIGHTS.reduce((a, b) => a + b, 0);

interface Device {
  readonly id: string;
  readonly site: string;
  /** Offset of this device's report within each interval. */
  readonly phaseMs: number;
  readonly temperatureBase: number;
  readonly temperatureSwing: number;
  readonly temperatureNoise: number;
  /** °C per hour of slow ageing drift (normal behaviour, not an anomaly). */
  readonly ageingPerHour: number;
  readonly vibrationBase: number;
  readonly vibrationNoise: number;
  readonly pressureBase: number;
  readonly pressureSwing: number;
  readonly pressureNoise: number;
  readonly humidityBase: number;
  readonly humidityNoise: number;
  readonly rpmBase: number;
  readonly rpmNoise: number;
  /** Shift pattern phase in radians, so not every machine peaks at the same hour. */
  readonly loadPhase: number;

  previousTemperature: number;
  previousPressure: number;
  previousHumidity: number;
  temperatureUnchanged: number;
  temperatureEwma: number;
  readonly vibrationWindow: Float64Array;
  readonly temperatureWindow: Float64Array;
  windowPosition: number;

  episode: number;
  episodeStep: number;
  episodeLength: number;
  /** Per-episode parameters: spike channel and size, drift rate, bearing-failure rates. */
  episodeChannel: number;
  episodeMagnitude: number;
  episodeRate: number;
}

/** The physical values before sensor effects; reused to avoid an allocation per reading. */
interface Physical {
  temperature: number;
  vibration: number;
  pressure: number;
  humidity: number;
  rpm: number;
}

/** Creates a deterministic IoT sensor stream. Same options → same sequence. */
export function createIotGenerator(options: IotGeneratorOptions): IotGenerator {
  const deviceCount = options.devices ?? 500;
  const anomalyRate = options.anomalyRate ?? 0.02;
  const startTime = options.startTime ?? DEFAULT_START_TIME;
  const intervalMs = options.intervalMs ?? 60_000;
  requireInteger('devices', deviceCount, 1, 10_000_000);
  requireNumber('anomalyRate', anomalyRate, 0, 0.5);
  requireNumber('startTime', startTime, 0, 8.64e15);
  requireNumber('intervalMs', intervalMs, 1, 365 * DAY_MS);

  const rng = createRandom(options.seed);
  // Per reading outside an episode, the chance that one starts; chosen so that the
  // long-run fraction of anomalous readings is anomalyRate (renewal argument:
  // rate = q·L / (1 − q + q·L) with L the mean episode length).
  const startChance = anomalyRate / (MEAN_EPISODE_LENGTH * (1 - anomalyRate) + anomalyRate);

  const devices: Device[] = [];
  for (let i = 0; i < deviceCount; i++) devices.push(createDevice(rng, i, intervalMs));
  // Report order within a round follows the phase, so event time never decreases.
  devices.sort((a, b) => a.phaseMs - b.phaseMs || (a.id < b.id ? -1 : 1));

  const physical: Physical = { temperature: 0, vibration: 0, pressure: 0, humidity: 0, rpm: 0 };
  const hoursPerMs = 1 / HOUR_MS;

  function simulate(device: Device, time: number): void {
    const day = (2 * Math.PI * (time % DAY_MS)) / DAY_MS;
    const load = 0.5 + 0.4 * Math.sin(day + device.loadPhase);
    const rpm = device.rpmBase * (0.85 + 0.3 * load) + rng.normal(0, device.rpmNoise);
    physical.rpm = rpm;
    physical.temperature =
      device.temperatureBase +
      device.temperatureSwing * (load - 0.5) * 2 +
      device.ageingPerHour * (time - startTime) * hoursPerMs +
      rng.normal(0, device.temperatureNoise);
    physical.vibration = device.vibrationBase * (rpm / device.rpmBase) ** 1.5 * Math.exp(rng.normal(0, device.vibrationNoise));
    physical.pressure = device.pressureBase + device.pressureSwing * (load - 0.5) + rng.normal(0, device.pressureNoise);
    physical.humidity = device.humidityBase - 6 * (load - 0.5) + rng.normal(0, device.humidityNoise);
  }

  /** Applies the current episode's effect to `physical`; temperature/humidity may be frozen (stuck). */
  function applyEpisode(device: Device): void {
    const step = device.episodeStep + 1;
    switch (device.episode) {
      case SPIKE:
        if (device.episodeChannel === 0) physical.temperature += device.episodeMagnitude;
        else if (device.episodeChannel === 1) physical.vibration *= device.episodeMagnitude;
        else physical.pressure += device.episodeMagnitude;
        break;
      case STUCK:
        physical.temperature = device.previousTemperature;
        physical.humidity = device.previousHumidity;
        break;
      case DRIFT:
        physical.temperature += device.episodeRate * step;
        break;
      case CORRELATED:
        physical.temperature += device.episodeRate * step;
        physical.vibration *= 1 + device.episodeMagnitude * step;
        physical.rpm *= 1 - 0.015 * step;
        break;
    }
  }

  function maybeStartEpisode(device: Device): void {
    if (device.episode !== NONE || !rng.chance(startChance)) return;
    const spec = EPISODES[rng.weightedIndex(EPISODE_WEIGHTS)]!;
    device.episode = spec.kind;
    device.episodeStep = 0;
    device.episodeLength = rng.int(spec.minLength, spec.maxLength + 1);
    switch (spec.kind) {
      case SPIKE:
        device.episodeChannel = rng.int(0, 3);
        device.episodeMagnitude =
          device.episodeChannel === 0
            ? rng.uniform(6, 15)
            : device.episodeChannel === 1
              ? rng.uniform(3, 8)
              : (rng.chance(0.5) ? 1 : -1) * rng.uniform(25, 60);
        break;
      case DRIFT:
        device.episodeRate = (rng.chance(0.8) ? 1 : -1) * rng.uniform(0.6, 1.5);
        break;
      case CORRELATED:
        device.episodeRate = rng.uniform(1.5, 3);
        device.episodeMagnitude = rng.uniform(0.4, 0.9);
        break;
    }
  }

  /** Produces the device's reading at `time`; `inject` is false during warm-up. */
  function read(device: Device, time: number, inject: boolean): GeneratedRecord<SensorReading, IotTruth> {
    simulate(device, time);
    if (inject) maybeStartEpisode(device);
    const kind = device.episode;
    if (kind !== NONE) {
      applyEpisode(device);
      device.episodeStep++;
      if (device.episodeStep >= device.episodeLength) device.episode = NONE;
    }

    // Sensor resolution: what leaves the device is rounded, and the dynamics are computed from what left it.
    const temperature = roundTo(physical.temperature, 2);
    const vibration = roundTo(Math.max(0, physical.vibration), 3);
    const pressure = roundTo(physical.pressure, 2);
    const humidity = roundTo(Math.min(100, Math.max(0, physical.humidity)), 1);
    const rpm = Math.round(Math.max(0, physical.rpm));

    const position = device.windowPosition;
    device.vibrationWindow[position] = vibration;
    device.temperatureWindow[position] = temperature;
    device.windowPosition = (position + 1) % IOT_ROLLING_WINDOW;
    let vibrationSum = 0;
    let temperatureSum = 0;
    let temperatureSquares = 0;
    for (let i = 0; i < IOT_ROLLING_WINDOW; i++) {
      const t = device.temperatureWindow[i]!;
      vibrationSum += device.vibrationWindow[i]!;
      temperatureSum += t;
      temperatureSquares += t * t;
    }
    const temperatureMean = temperatureSum / IOT_ROLLING_WINDOW;
    const temperatureVariance = Math.max(0, temperatureSquares / IOT_ROLLING_WINDOW - temperatureMean * temperatureMean);

    device.temperatureUnchanged = temperature === device.previousTemperature ? device.temperatureUnchanged + 1 : 0;

    const value: SensorReading = {
      device_id: device.id,
      site: device.site,
      event_time: time,
      temperature,
      vibration,
      pressure,
      humidity,
      rpm,
      temperature_delta: roundTo(temperature - device.previousTemperature, 4),
      pressure_delta: roundTo(pressure - device.previousPressure, 4),
      vibration_rolling_mean: roundTo(vibrationSum / IOT_ROLLING_WINDOW, 4),
      temperature_rolling_std: roundTo(Math.sqrt(temperatureVariance), 4),
      temperature_deviation: roundTo(temperature - device.temperatureEwma, 4),
      temperature_unchanged_count: device.temperatureUnchanged,
    };

    device.previousTemperature = temperature;
    device.previousPressure = pressure;
    device.previousHumidity = humidity;
    device.temperatureEwma += IOT_EWMA_ALPHA * (temperature - device.temperatureEwma);
    return { key: device.id, value, truth: TRUTHS[kind]!, timestamp: time };
  }

  // Warm-up: each device reports WARM_UP_READINGS times before startTime (not emitted), so the
  // dynamics of the first emitted reading are as well-defined as those of any later one.
  for (const device of devices) {
    for (let r = WARM_UP_READINGS; r > 0; r--) {
      const time = startTime - r * intervalMs + device.phaseMs;
      const first = r === WARM_UP_READINGS;
      read(device, time, false);
      if (first) {
        device.temperatureEwma = device.previousTemperature;
        device.vibrationWindow.fill(device.vibrationWindow[0]!);
        device.temperatureWindow.fill(device.temperatureWindow[0]!);
      }
    }
  }

  let round = 0;
  let index = 0;
  return {
    next() {
      const device = devices[index]!;
      const time = startTime + round * intervalMs + device.phaseMs;
      if (++index === devices.length) {
        index = 0;
        round++;
      }
      return read(device, time, true);
    },
  };
}

function createDevice(rng: Random, index: number, intervalMs: number): Device {
  const rpmBase = rng.pick([900, 1200, 1500, 1800, 3000, 3600]) * rng.uniform(0.95, 1.05);
  const temperatureBase = rng.uniform(25, 70);
  const temperature = rng.normal(temperatureBase, 0.3);
  return {
    id: `dev-${String(index).padStart(5, '0')}`,
    site: IOT_SITES[index % IOT_SITES.length]!,
    phaseMs: Math.floor(rng.uniform(0, intervalMs)),
    temperatureBase,
    temperatureSwing: rng.uniform(1, 4),
    temperatureNoise: rng.uniform(0.15, 0.4),
    ageingPerHour: rng.uniform(-0.01, 0.03),
    vibrationBase: rng.uniform(0.8, 4.5),
    vibrationNoise: rng.uniform(0.04, 0.1),
    pressureBase: rng.uniform(250, 650),
    pressureSwing: rng.uniform(5, 25),
    pressureNoise: rng.uniform(0.8, 2.5),
    humidityBase: rng.uniform(30, 65),
    humidityNoise: rng.uniform(0.5, 1.5),
    rpmBase,
    rpmNoise: rpmBase * rng.uniform(0.003, 0.01),
    loadPhase: rng.uniform(0, 2 * Math.PI),
    previousTemperature: temperature,
    previousPressure: 0,
    previousHumidity: 0,
    temperatureUnchanged: 0,
    temperatureEwma: temperature,
    vibrationWindow: new Float64Array(IOT_ROLLING_WINDOW),
    temperatureWindow: new Float64Array(IOT_ROLLING_WINDOW),
    windowPosition: 0,
    episode: NONE,
    episodeStep: 0,
    episodeLength: 0,
    episodeChannel: 0,
    episodeMagnitude: 0,
    episodeRate: 0,
  };
}
