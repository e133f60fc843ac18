#!/usr/bin/env bash
# Installs an unpacked mcp-auth archive under a prefix (default ~/.local):
#   PREFIX/lib/mcp-auth/{bin,lib,runtime}       the program and its Java runtime
#   PREFIX/bin/mcp-auth                         a link to the launcher
#   PREFIX/share/man/man1/mcp-auth*.1           man pages (man finds PREFIX/share/man for PREFIX/bin on PATH)
#   PREFIX/share/bash-completion/completions/   bash completion (bash-completion looks there for PREFIX/bin on PATH)
#   PREFIX/share/zsh/site-functions/_mcp-auth   zsh completion (a directory for fpath)
# Usage: ./install.sh [--prefix DIR] [--uninstall]
set -euo pipefail

src="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
prefix="${PREFIX:-$HOME/.local}"
uninstall=false
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="${2:?--prefix needs a directory}"; shift 2 ;;
    --prefix=*) prefix="${1#--prefix=}"; shift ;;
    --uninstall) uninstall=true; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "install.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
mkdir -p "$prefix"
prefix="$(cd "$prefix" && pwd)"
home="$prefix/lib/mcp-auth"

remove() {
  rm -rf "$home"
  rm -f "$prefix/bin/mcp-auth" "$prefix"/share/man/man1/mcp-auth*.1 \
        "$prefix/share/bash-completion/completions/mcp-auth" "$prefix/share/zsh/site-functions/_mcp-auth"
}

if $uninstall; then
  remove
  echo "mcp-auth removed from $prefix"
  exit 0
fi

if [ ! -x "$src/runtime/bin/java" ] || [ ! -f "$src/lib/mcp-auth.jar" ]; then
  echo "install.sh: run me from the unpacked archive (runtime/ and lib/ are missing next to me)" >&2
  exit 2
fi

remove
mkdir -p "$home" "$prefix/bin" "$prefix/share/man/man1" "$prefix/share/bash-completion/completions" "$prefix/share/zsh/site-functions"
# -p keeps modification times: the AOT cache is only used with the very jar and runtime it was trained on.
cp -Rp "$src/bin" "$src/lib" "$src/runtime" "$home/"
ln -s "$home/bin/mcp-auth" "$prefix/bin/mcp-auth"
cp -p "$src"/share/man/man1/*.1 "$prefix/share/man/man1/"
cp -p "$src/share/bash-completion/completions/mcp-auth" "$prefix/share/bash-completion/completions/mcp-auth"
cp -p "$src/share/zsh/site-functions/_mcp-auth" "$prefix/share/zsh/site-functions/_mcp-auth"

echo "mcp-auth installed in $prefix ($("$prefix/bin/mcp-auth" --version | head -n1))"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "  add $prefix/bin to PATH, e.g. in ~/.bashrc or ~/.zshrc:  export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
case "$prefix" in
  /usr|/usr/local) ;;
  *) echo "  zsh: add before compinit in ~/.zshrc:  fpath=($prefix/share/zsh/site-functions \$fpath)" ;;
esac
