#!/usr/bin/env bash
# What the tests need beyond `npm ci` and the local stack's Java and Maven. Idempotent: installs only
# what is missing. Needs root (CI runs as root), apt and Go (the Go module proxy).
#   - Debian's chromium: test/integration/diff/diff.test.ts and test/integration/observability/
#     status-page.test.ts drive it through puppeteer-core (which never downloads a browser).
#   - Debian's prometheus (prometheus, promtool): test/integration/deploy/prometheus.test.ts.
#   - helm and kubeconform (go install, pinned, into $(go env GOPATH)/bin) and the Kubernetes, KEDA and
#     prometheus-operator JSON schemas generated from their Go API types by deploy/kubernetes-schemas
#     (cached by the generator's hash): test/integration/deploy/helm-chart.test.ts. kubeconform's own
#     schema source is on GitHub, which is not reachable here (docs/deploy.md).
set -euo pipefail
cd "$(dirname "$0")/.."

HELM_VERSION=v3.21.4
KUBECONFORM_VERSION=v0.8.0

apt_updated=false
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if ! $apt_updated; then apt-get update -qq; apt_updated=true; fi
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if command -v chromium >/dev/null 2>&1; then
  echo "ci-prerequisites: chromium present ($(chromium --version 2>/dev/null || echo unknown version))"
else
  echo "ci-prerequisites: installing chromium (Debian package)"
  apt_install chromium
  echo "ci-prerequisites: $(chromium --version)"
fi

if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
  echo "ci-prerequisites: prometheus present ($(prometheus --version 2>&1 | sed -n 1p))"
else
  echo "ci-prerequisites: installing prometheus (Debian package; the service it installs is not needed)"
  apt_install prometheus
  # The package starts a system Prometheus on :9090; the tests run their own.
  (systemctl disable --now prometheus >/dev/null 2>&1 || service prometheus stop >/dev/null 2>&1 || true)
fi

command -v go >/dev/null || { echo "ci-prerequisites: Go is required for helm, kubeconform and the schemas"; exit 1; }
gobin="$(go env GOPATH)/bin"
installed_version() { go version -m "$1" 2>/dev/null | awk '$1 == "mod" { print $3; exit }'; }
go_tool() { # name module version
  if [ "$(installed_version "$gobin/$1")" = "$3" ]; then
    echo "ci-prerequisites: $1 $3 present"
  else
    echo "ci-prerequisites: go install $2@$3"
    GOFLAGS=-mod=mod go install "$2@$3"
  fi
}
go_tool helm helm.sh/helm/v3/cmd/helm "$HELM_VERSION"
go_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION"

schemas="$(node scripts/kubernetes-schemas-dir.mjs)"
if [ -f "$schemas/deployment-apps-v1.json" ]; then
  echo "ci-prerequisites: Kubernetes schemas present in $schemas"
else
  echo "ci-prerequisites: generating Kubernetes schemas into $schemas (deploy/kubernetes-schemas)"
  (cd deploy/kubernetes-schemas && GOFLAGS=-mod=mod go run . "$schemas.tmp" >/dev/null)
  rm -rf "$schemas" && mv "$schemas.tmp" "$schemas"
fi
