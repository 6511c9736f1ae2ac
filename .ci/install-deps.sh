#!/usr/bin/env bash
# Installs every Debian package that hotpath's build, tests and GUI smoke tests need.
# Idempotent: when everything is present it does nothing and returns in well under a second.
set -euo pipefail
PKGS=(
  build-essential cmake pkg-config ninja-build git
  libimgui-dev libglfw3-dev libgl-dev libstb-dev
  libsimdjson-dev libsqlite3-dev libzstd-dev zlib1g-dev
  libcurl4-openssl-dev libcli11-dev libfmt-dev nlohmann-json3-dev libre2-dev libyaml-cpp-dev
  libcpp-httplib-dev libevent-dev catch2
  cppzmq-dev libzmq3-dev libmsgpack-cxx-dev
  xvfb xauth xdotool fonts-dejavu-core clang-format-14 clang
  prometheus
  python3-yaml python3-jsonschema
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "hotpath: missing packages: ${missing[*]}" >&2
  echo "hotpath: run this script as root (or: sudo $0)" >&2
  exit 1
fi
echo "hotpath: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
