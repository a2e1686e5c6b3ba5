/**
 * Everything that must happen before kafkajs loads, in order: the version check, then the two
 * module replacements. Every module of this folder imports this file first, so no kafkajs module
 * can load unpatched (ES modules evaluate imports in order, depth first).
 */
import './version-guard.js';
import './producer-grouping-fix.js';
import './read-committed-fix.js';
