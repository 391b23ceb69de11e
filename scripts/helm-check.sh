#!/usr/bin/env bash
# CI check of the Helm chart (deploy/helm/comment-platform), offline once the tools are cached:
#   1. Helm v4 and kubeconform, built from the Go module proxy at pinned versions into .infra/tools;
#   2. the Kubernetes JSON schemas from the PyPI package kubernetes-validate (pinned), which ships
#      them for every Kubernetes minor release, installed into .infra/ (kubeconform would download
#      them from the internet, which CI cannot reach);
#   3. `helm lint`, then the rendered manifests validated by kubeconform (strict: unknown fields
#      are errors) against the schemas of KUBE_VERSION;
#   4. values the chart must refuse: a short secret, more consumer replicas than partitions.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HELM_VERSION=v4.3.2
KUBECONFORM_VERSION=v0.8.0
SCHEMAS_VERSION=1.37.0            # kubernetes-validate: schemas v1.25 … v1.37
KUBE_VERSION=${KUBE_VERSION:-1.33.0}
TOOLS=$ROOT/.infra/tools
SCHEMAS=$ROOT/.infra/k8s-schemas-$SCHEMAS_VERSION
CHART=$ROOT/deploy/helm/comment-platform
[[ -x /usr/local/go/bin/go ]] && PATH=$PATH:/usr/local/go/bin
log() { printf 'helm-check: %s\n' "$*" >&2; }

# go install into a versioned folder: a pinned version changed here is rebuilt, not reused.
build() {   # NAME MODULE VERSION
  local bin=$TOOLS/$1-$3/$1
  if [[ ! -x $bin ]]; then
    command -v go >/dev/null || { log "go is required to build $1"; exit 1; }
    log "building $1 $3 from the Go module proxy (once)"
    (export GOFLAGS=-mod=mod GOWORK=off GOTOOLCHAIN=local GOBIN=$TOOLS/$1-$3.tmp &&
      go install "$2@$3" && mv "$GOBIN/$1" "$TOOLS/$1-$3.bin" && rm -rf "$GOBIN") >&2
    mkdir -p "$TOOLS/$1-$3" && mv "$TOOLS/$1-$3.bin" "$bin"
  fi
  echo "$bin"
}
mkdir -p "$TOOLS"
HELM=$(build helm helm.sh/helm/v4/cmd/helm "$HELM_VERSION")
KUBECONFORM=$(build kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION")
if [[ ! -f $SCHEMAS/.complete ]]; then
  log "installing Kubernetes JSON schemas (PyPI kubernetes-validate $SCHEMAS_VERSION, once)"
  rm -rf "$SCHEMAS" && python3 -m pip install --quiet --disable-pip-version-check --no-deps --target "$SCHEMAS" \
    "kubernetes-validate==$SCHEMAS_VERSION" >&2
  touch "$SCHEMAS/.complete"
fi
# The package's schemas point into a shared _definitions.json by absolute "$ref"s
# ("/api/_definitions.json#/$defs/…") that its own resolver maps; kubeconform compiles a schema
# from its bytes alone. So each schema the chart needs is made standalone: the definitions it
# reaches copied in, the refs made local ("#/$defs/…"). Named as kubeconform looks them up.
SOURCE=$SCHEMAS/kubernetes_validate/kubernetes-json-schema/v$KUBE_VERSION-local-strict
STANDALONE=$SCHEMAS/standalone
LOCATION="$STANDALONE/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json"
[[ -d $SOURCE ]] || { log "no schemas for Kubernetes $KUBE_VERSION in kubernetes-validate $SCHEMAS_VERSION"; exit 1; }
standalone() {   # MANIFESTS: make the schema of every (apiVersion, kind) in them
  python3 - "$SOURCE" "$STANDALONE/v$KUBE_VERSION-standalone-strict" "$1" <<'PY'
import json, os, re, sys
source, target, manifests = sys.argv[1:]
os.makedirs(target, exist_ok=True)
docs = open(manifests).read().split("\n---")
defs = None
for doc in docs:
    api = re.search(r"^apiVersion:\s*(\S+)", doc, re.M); kind = re.search(r"^kind:\s*(\S+)", doc, re.M)
    if not (api and kind): continue
    group, _, version = api.group(1).rpartition("/")
    name = kind.group(1).lower() + ("-" + group.split(".")[0] if group else "") + "-" + version + ".json"
    if os.path.exists(os.path.join(target, name)): continue
    if not os.path.exists(os.path.join(source, name)): continue   # kubeconform reports it as missing
    if defs is None: defs = json.load(open(os.path.join(source, "_definitions.json")))["$defs"]
    text = open(os.path.join(source, name)).read().replace('"/api/_definitions.json#/$defs/', '"#/$defs/')
    schema, seen, todo = json.loads(text), {}, re.findall(r'"#/\$defs/([^"]+)"', text)
    while todo:
        key = todo.pop()
        if key in seen: continue
        body = json.dumps(defs[key]).replace('"/api/_definitions.json#/$defs/', '"#/$defs/')
        seen[key] = json.loads(body); todo += re.findall(r'"#/\$defs/([^"]+)"', body)
    schema["$defs"] = seen
    json.dump(schema, open(os.path.join(target, name), "w"))
PY
}

HELM_CACHE_HOME=$ROOT/.infra/helm/cache HELM_CONFIG_HOME=$ROOT/.infra/helm/config HELM_DATA_HOME=$ROOT/.infra/helm/data
export HELM_CACHE_HOME HELM_CONFIG_HOME HELM_DATA_HOME

"$HELM" lint --strict "$CHART" -f "$CHART/ci-values.yaml" --kube-version "$KUBE_VERSION"
rendered=$(mktemp --suffix=.yaml) && trap 'rm -f "$rendered"' EXIT   # kubeconform reads only *.yaml/*.json
# validate MIN: every rendered resource validated against its schema (none skipped), at least MIN.
validate() {
  local summary
  standalone "$rendered"
  summary=$("$KUBECONFORM" -strict -summary -kubernetes-version "$KUBE_VERSION" -schema-location "$LOCATION" "$rendered") ||
    { echo "$summary" >&2; exit 1; }
  echo "$summary"
  [[ $summary =~ Valid:\ ([0-9]+),.*Skipped:\ 0$ ]] && ((BASH_REMATCH[1] >= $1)) ||
    { log "expected at least $1 valid resources and none skipped"; exit 1; }
}
"$HELM" template comments "$CHART" -f "$CHART/ci-values.yaml" --kube-version "$KUBE_VERSION" >"$rendered"
validate 16   # 4 × (Deployment, Service, PDB), ConfigMap, Secret, Ingress, HPA
# The default values render too (no Ingress, no HPA), given the secrets.
"$HELM" template comments "$CHART" --kube-version "$KUBE_VERSION" \
  --set-string secrets.existingSecret=comment-platform >"$rendered"
validate 13   # no Secret, Ingress or HPA

refused() {   # WHAT EXPECTED-MESSAGE HELM-ARGS…: the render must fail with that message
  local what=$1 want=$2 out; shift 2
  if out=$("$HELM" template comments "$CHART" -f "$CHART/ci-values.yaml" "$@" 2>&1); then
    log "not refused: $what"; exit 1
  fi
  grep -qF "$want" <<<"$out" || { log "refused, but not for $what: $out"; exit 1; }
  log "refused as it should: $what"
}
refused "a JWT_SECRET under 32 characters" "secrets.JWT_SECRET must be set" --set secrets.JWT_SECRET=short
refused "no SERVICE_AUTH_SECRET" "secrets.SERVICE_AUTH_SECRET must be set" --set secrets.SERVICE_AUTH_SECRET=
refused "comments replicas above the partitions" "is above KAFKA_PARTITIONS" --set services.comments.replicas=13
log "chart OK: helm lint, kubeconform (Kubernetes $KUBE_VERSION, strict), refusals"
