#!/usr/bin/env bash
# Build dist/hallctl-<version>-offline.tar.gz: everything a Debian server with no network needs to run hallctl.
#
#   wheelhouse/  the hallctl wheel (built from the committed tree, `git archive HEAD`) and a wheel of every Python
#                dependency, the postgres and redis extras included, for this machine's Python (cp311) and arch
#   debs/        the Debian packages hallctl needs at run time (packaging/debian-packages.txt) with all their
#                dependencies, resolved as if nothing were installed, and a Packages index: a local apt repository
#   install.sh, deploy/*.service|*.timer (when present), doc/ (docs/*.md), VERSION: all from the committed tree
#
# The Debian packages are those of the Debian release this machine runs (see /etc/os-release): build on Debian 12
# for Debian 12 halls. Needs PyPI and Debian's mirror (as configured in /etc/apt), dpkg-scanpackages (dpkg-dev).
# The wheels are chosen by Debian's own Python (TARGET_PYTHON, /usr/bin/python3.11), the one the hall server runs:
# dependency markers such as python_full_version < "3.11.3" must see 3.11.2, not a developer's newer 3.11.
# Usage: packaging/build-dist.sh [OUT_DIR]   (default: dist/)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT_DIR="$(mkdir -p "${1:-$ROOT/dist}" && cd "${1:-$ROOT/dist}" && pwd)"
TARGET_PYTHON="${TARGET_PYTHON:-/usr/bin/python3.11}"

[ -x "$TARGET_PYTHON" ] || { echo "build-dist: $TARGET_PYTHON is missing (apt-get install python3.11-venv)" >&2; exit 2; }
command -v dpkg-scanpackages >/dev/null || { echo "build-dist: needs dpkg-scanpackages (apt-get install dpkg-dev)" >&2; exit 2; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# A current pip (22.3 or newer: --python) resolves for TARGET_PYTHON; Debian's bundled pip 23.0 cannot build the wheel.
BUILD_PYTHON="${BUILD_PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$BUILD_PYTHON" ] || BUILD_PYTHON=python3
# PIP_CONFIG_FILE=/dev/null: only PyPI (or PIP_INDEX_URL), not local wheel folders a developer's pip.conf may name
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_CONFIG_FILE=/dev/null
pip_for_target() { "$BUILD_PYTHON" -m pip --python "$TARGET_PYTHON" "$@"; }

echo "build-dist: the hallctl wheel from the committed tree"
mkdir -p "$WORK/src" "$WORK/wheelhouse"
git -C "$ROOT" archive HEAD | tar -x -C "$WORK/src"
pip_for_target wheel -q --no-deps -w "$WORK/wheelhouse" "$WORK/src"
wheel="$(ls "$WORK"/wheelhouse/hallctl-*.whl)"
version="$(basename "$wheel" | cut -d- -f2)"
name="hallctl-$version-offline"
STAGE="$WORK/$name"
mkdir -p "$STAGE/debs/archives/partial"
mv "$WORK/wheelhouse" "$STAGE/wheelhouse"

echo "build-dist: a wheel of every dependency (runtime, postgres, redis)"
pip_for_target wheel -q -w "$STAGE/wheelhouse" "$STAGE/wheelhouse/$(basename "$wheel")[postgres,redis]"

echo "build-dist: the Debian packages and everything they depend on"
packages="$(grep -v '^#' "$ROOT/packaging/debian-packages.txt" | tr -s ' \n' ' ')"
: >"$WORK/empty-status"
# An empty dpkg status: apt resolves the whole dependency closure, as for a server that has none of it yet.
# shellcheck disable=SC2086
apt-get install -qq -y --download-only --no-install-recommends \
    -o Dir::State::status="$WORK/empty-status" -o Dir::Cache::archives="$STAGE/debs/archives" \
    -o Debug::NoLocking=1 -o APT::Sandbox::User=root $packages >/dev/null
mv "$STAGE"/debs/archives/*.deb "$STAGE/debs/"
rm -rf "$STAGE/debs/archives"
(cd "$STAGE/debs" && dpkg-scanpackages --multiversion . /dev/null 2>/dev/null | gzip -9 >Packages.gz)
echo "$packages" >"$STAGE/debs/REQUESTED"
. /etc/os-release
echo "$PRETTY_NAME $(dpkg --print-architecture)" >"$STAGE/debs/DEBIAN_RELEASE"

cp "$WORK/src/packaging/install.sh" "$STAGE/install.sh"
chmod 755 "$STAGE/install.sh"
mkdir -p "$STAGE/deploy" "$STAGE/doc"
for unit in "$WORK"/src/deploy/*.service "$WORK"/src/deploy/*.timer; do
    [ -e "$unit" ] && cp "$unit" "$STAGE/deploy/"
done
cp "$WORK"/src/docs/*.md "$STAGE/doc/"
echo "$version" >"$STAGE/VERSION"

tar -C "$WORK" -czf "$OUT_DIR/$name.tar.gz" "$name"
echo "build-dist: $OUT_DIR/$name.tar.gz ($(du -h "$OUT_DIR/$name.tar.gz" | cut -f1);" \
    "$(ls "$STAGE"/wheelhouse | wc -l) wheels, $(ls "$STAGE"/debs/*.deb | wc -l) Debian packages for $PRETTY_NAME)"
