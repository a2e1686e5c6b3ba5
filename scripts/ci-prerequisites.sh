#!/usr/bin/env bash
# What the tests need beyond `npm ci` and the local stack's Java and Maven: Debian's chromium, which
# test/integration/diff/diff.test.ts drives through puppeteer-core (pinned in package.json, which never
# downloads a browser) to check the HTML report of `streamscore diff`. Idempotent: installs only what
# is missing. Needs root (CI runs as root) and apt.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  echo "ci-prerequisites: chromium present ($(chromium --version 2>/dev/null || echo unknown version))"
  exit 0
fi
echo "ci-prerequisites: installing chromium (Debian package)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
echo "ci-prerequisites: $(chromium --version)"
