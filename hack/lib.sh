# Shared shell helpers for hack/*.sh. Caches live outside the repository, in
# FERRY_CACHE (default ~/.cache/ferry).
FERRY_CACHE="${FERRY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ferry}"
export FERRY_CACHE

# ferry::apt_install PKG... installs Debian packages that are missing.
ferry::apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing Debian packages: ${missing[*]}" >&2
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
}


# ferry::go_tool PKG@VERSION prints the path of the binary "go install" builds
# for PKG at VERSION, building it into the cache only when it is not there.
ferry::go_tool() {
  local spec="$1" pkg="${1%@*}" version="${1#*@}"
  local dir="$FERRY_CACHE/gotools/$(basename "$pkg")-$version"
  local bin="$dir/$(basename "$pkg")"
  if [ ! -x "$bin" ]; then
    echo "building $spec (once; cached in $dir)" >&2
    GOBIN="$dir" GOFLAGS=-buildvcs=false go install "$spec" >&2
  fi
  echo "$bin"
}
