#!/usr/bin/env node
/**
 * The `streamscore` executable. It listens for SIGTERM and SIGINT before loading anything else:
 * loading the commands takes about half a second, and a signal in that time would otherwise end the
 * process by Node's default action, with nothing logged, instead of stopping it cleanly
 * (src/cli/stop-signals.ts). The dynamic import is what keeps the commands' modules from loading first.
 */
import { installStopSignals } from './stop-signals.js';

installStopSignals();
await import('./program.js');
