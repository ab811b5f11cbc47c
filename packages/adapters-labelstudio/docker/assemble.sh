#!/usr/bin/env bash
# Copies the built ML backend and what it needs at run time into DEST, a folder that runs on its own:
#   DEST/node_modules/   the production dependency tree of @simpleclick/adapters-labelstudio as npm resolved it
#                        (npm ls), the workspace packages (@simpleclick/*) reduced to what they publish (package.json
#                        and its "files"), onnxruntime-node's binaries reduced to this platform's
#   DEST/models/         the model (and its model card, when there is one)
#   DEST/start.sh        the start command; DEST/healthcheck.mjs the container health check
# Run from the repository root after `npm ci && npm run build`:
#
#   packages/adapters-labelstudio/docker/assemble.sh DEST [MODEL_FILE]
set -euo pipefail
dest="${1:?usage: assemble.sh DEST [MODEL_FILE]}"
model="${2:-models/simpleclick-xtiny-narrow-finetuned-384.onnx}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(pwd)"
package_dir="packages/adapters-labelstudio"

[ -f "$package_dir/dist/cli.mjs" ] || { echo "assemble.sh: $package_dir/dist/cli.mjs is missing: run npm run build first" >&2; exit 1; }
[ -f "$model" ] || { echo "assemble.sh: model file $model not found" >&2; exit 1; }

mkdir -p "$dest/node_modules" "$dest/models"
platform="$(node -p 'process.platform')"
arch="$(node -p 'process.arch')"

# Every production dependency, as a path under the repository (node_modules/... or the workspace folders).
npm ls --workspace "$package_dir" --omit=dev --all --parseable 2>/dev/null | sed "s|^$root/||" | grep '^node_modules/' |
  while read -r module; do
    target="$dest/$module"
    case "$module" in
      node_modules/@simpleclick/*)
        # Workspace links: only what the package publishes (package.json and its "files").
        source="$(readlink -f "$module")"
        mkdir -p "$target"
        cp "$source/package.json" "$target/"
        node -e 'for (const f of require(process.argv[1]).files ?? []) console.log(f)' "$source/package.json" |
          while read -r published; do
            if [ -e "$source/$published" ]; then cp -R "$source/$published" "$target/$published"; fi
          done
        ;;
      node_modules/onnxruntime-node)
        mkdir -p "$target/bin/napi-v6/$platform"
        cp "$module/package.json" "$target/"
        cp -R "$module/dist" "$target/dist"
        cp -R "$module/bin/napi-v6/$platform/$arch" "$target/bin/napi-v6/$platform/$arch"
        ;;
      *)
        mkdir -p "$(dirname "$target")"
        cp -R "$module" "$target"
        ;;
    esac
  done

cp "$model" "$dest/models/"
card="${model%.onnx}.md"
[ -f "$card" ] && cp "$card" "$dest/models/"
cp "$here/start.sh" "$here/healthcheck.mjs" "$dest/"
chmod +x "$dest/start.sh"
echo "assembled the ML backend in $dest ($(du -sh "$dest" | cut -f1))"
