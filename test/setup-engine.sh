#!/usr/bin/env bash
# Builds the real Pulumi engine for test/engine/ into .engine/bin (ignored by git), from Go modules:
#   pulumi                              the CLI, github.com/pulumi/pulumi/pkg/v3/cmd/pulumi at the version
#                                       test/engine/go.mod requires
#   pulumi-language-nodejs              the Node.js language host: pulumi/pulumi's
#                                       sdk/nodejs/cmd/pulumi-language-nodejs at the same tag, copied
#                                       unchanged into test/engine/pulumi-language-nodejs (the module
#                                       proxy does not serve that module); checked here against the
#                                       upstream blob IDs in test/engine/UPSTREAM
#   pulumi-resource-terraform-provider  the project's stand-in for the tencentcloud provider plugin
# A build whose inputs have not changed is reused (.engine/bin/.inputs). Any failure stops setup.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=$(command -v go || true)
[ -n "$GO" ] || GO=/usr/local/go/bin/go
if [ ! -x "$GO" ]; then
    echo "setup-engine: Go is missing (go on PATH or /usr/local/go/bin/go); the engine tests (test/engine) need it to build Pulumi" >&2
    exit 1
fi
export GOTOOLCHAIN=local GOFLAGS=-mod=readonly

module=test/engine
version=$(awk '$1 == "github.com/pulumi/pulumi/pkg/v3" { print $2 }' "$module/go.mod")
[ -n "$version" ] || { echo "setup-engine: $module/go.mod requires no github.com/pulumi/pulumi/pkg/v3" >&2; exit 1; }

# The language host sources must be upstream's, byte for byte.
while read -r blob file; do
    case "$blob" in ''|'#'*) continue ;; esac
    actual=$(git hash-object "$module/pulumi-language-nodejs/$file")
    if [ "$actual" != "$blob" ]; then
        echo "setup-engine: $module/pulumi-language-nodejs/$file is not pulumi/pulumi's $version file (blob $actual, expected $blob)" >&2
        exit 1
    fi
done < "$module/UPSTREAM"

bin=.engine/bin
inputs=$( { "$GO" version; echo "$version"; find "$module" -name '*.go' -o -name 'go.mod' -o -name 'go.sum' | sort | xargs sha256sum; } | sha256sum | cut -d' ' -f1)
if [ -x "$bin/pulumi" ] && [ -x "$bin/pulumi-language-nodejs" ] && [ -x "$bin/pulumi-resource-terraform-provider" ] \
    && [ "$(cat "$bin/.inputs" 2>/dev/null)" = "$inputs" ]; then
    echo "setup-engine: reusing the engine in $bin (pulumi $version, inputs unchanged)"
    exit 0
fi

echo "setup-engine: building pulumi $version, pulumi-language-nodejs and the stand-in provider into $bin (cold: about 10 minutes on 2 cores)"
start=$(date +%s)
mkdir -p "$bin"
rm -f "$bin/.inputs"
(cd "$module" && "$GO" build -buildvcs=false -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
    -o "../../$bin/" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi ./pulumi-language-nodejs ./pulumi-resource-terraform-provider)
reported=$("$bin/pulumi" version)
if [ "$reported" != "$version" ]; then
    echo "setup-engine: $bin/pulumi reports $reported, expected $version" >&2
    exit 1
fi
echo "$inputs" > "$bin/.inputs"
echo "setup-engine: built in $(( $(date +%s) - start )) s; binaries $(du -sh "$bin" | cut -f1), Go module cache $(du -sh "$("$GO" env GOMODCACHE)" 2>/dev/null | cut -f1), Go build cache $(du -sh "$("$GO" env GOCACHE)" 2>/dev/null | cut -f1)"
