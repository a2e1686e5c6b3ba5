#!/usr/bin/env node
// Writes docs/config.md from the configuration schema (run after `npm run build`).
import { writeFileSync } from 'node:fs';
import { configReference } from '../dist/src/config/config-docs.js';

writeFileSync(new URL('../docs/config.md', import.meta.url), configReference());
process.stdout.write('docs/config.md written\n');
