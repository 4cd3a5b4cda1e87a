#!/bin/sh
# Install hallctl from this offline archive on Debian, with no network: run as root from the unpacked folder.
#
#   sh install.sh
#
# 1. the Debian packages from debs/ that are missing (a local apt repository: nothing else is looked at, nothing is
#    downloaded; installed packages are neither upgraded nor removed)
# 2. a venv in /opt/hallctl with hallctl[postgres,redis] from wheelhouse/ (pip --no-index)
# 3. the service user `hallctl`, /etc/hallctl/hall.toml from the demo config if absent, /var/lib/hallctl (0700)
# 4. the systemd units in deploy/ if systemd runs here; the documentation in /opt/hallctl/share/doc/hallctl
# Running it again is safe: it upgrades hallctl to this archive's version and keeps the config and data.
#
# Environment (for tests and unusual layouts):
#   HALLCTL_PREFIX=/opt/hallctl  HALLCTL_CONFIG_DIR=/etc/hallctl  HALLCTL_DATA_DIR=/var/lib/hallctl
#   HALLCTL_PYTHON=/usr/bin/python3.11   HALLCTL_UNIT_DIR=/etc/systemd/system
#   HALLCTL_SKIP_APT=1  HALLCTL_SKIP_USER=1  HALLCTL_SKIP_SYSTEMD=1   skip that step
#   HALLCTL_APT_DRY_RUN=1   show what apt would install on a server with none of the packages, and change nothing
set -eu

HERE="$(cd "$(dirname "$0")" && pwd)"
PREFIX="${HALLCTL_PREFIX:-/opt/hallctl}"
CONFIG_DIR="${HALLCTL_CONFIG_DIR:-/etc/hallctl}"
DATA_DIR="${HALLCTL_DATA_DIR:-/var/lib/hallctl}"
PYTHON="${HALLCTL_PYTHON:-/usr/bin/python3.11}"
UNIT_DIR="${HALLCTL_UNIT_DIR:-/etc/systemd/system}"
VERSION="$(cat "$HERE/VERSION")"
SERVICE_USER=hallctl

say() { echo "install.sh: $*"; }
fail() { # English, then Chinese
    echo "install.sh: $1 / $2" >&2
    exit 2
}

[ "$(id -u)" = 0 ] || [ "${HALLCTL_SKIP_APT:-}" = 1 ] || fail "run as root (apt-get, useradd)" "请以 root 身份运行"

install_debs() {
    missing=""
    for package in $(cat "$HERE/debs/REQUESTED"); do
        dpkg-query -W -f '${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing="$missing $package"
    done
    if [ -z "$missing" ] && [ "${HALLCTL_APT_DRY_RUN:-}" != 1 ]; then
        say "the Debian packages are installed already"
        return 0
    fi
    apt_dir="$(mktemp -d)"
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/parts"
    echo "deb [trusted=yes] file:$HERE/debs ./" >"$apt_dir/sources.list"
    # Only this archive's repository: the system's sources, lists and cache are neither read nor changed.
    set -- -o Dir::Etc::SourceList="$apt_dir/sources.list" -o Dir::Etc::SourceParts="$apt_dir/parts" \
        -o Dir::State::Lists="$apt_dir/lists" -o Dir::Cache="$apt_dir/cache" -o APT::Sandbox::User=root
    apt-get "$@" -qq update || fail "apt-get could not read the packages in $HERE/debs" "apt-get 无法读取 $HERE/debs 中的软件包"
    simulate=""
    if [ "${HALLCTL_APT_DRY_RUN:-}" = 1 ]; then
        # What apt would do on a server that has none of these packages yet (an empty dpkg status); changes nothing.
        : >"$apt_dir/empty-status"
        set -- "$@" -o Dir::State::status="$apt_dir/empty-status"
        simulate=--simulate
        missing="$(cat "$HERE/debs/REQUESTED")"
    fi
    # --no-upgrade --no-remove: installed packages are left as they are; apt stops rather than remove one.
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get "$@" $simulate -y -q --no-install-recommends --no-upgrade --no-remove \
        install $missing || fail "apt-get could not install$missing from $HERE/debs alone" "仅凭 $HERE/debs 无法安装$missing"
    rm -rf "$apt_dir"
}

install_venv() {
    [ -x "$PYTHON" ] || fail "$PYTHON is missing (Debian package python3.11)" "缺少 $PYTHON（Debian 软件包 python3.11）"
    [ -x "$PREFIX/bin/python" ] || "$PYTHON" -m venv "$PREFIX" || fail "could not make a venv in $PREFIX" "无法在 $PREFIX 创建虚拟环境"
    # No index nor wheel folder from a pip.conf or PIP_* variables: only this archive's wheelhouse.
    for variable in $(env | sed -n 's/^\(PIP_[A-Z_]*\)=.*/\1/p'); do unset "$variable"; done
    PIP_CONFIG_FILE=/dev/null PIP_DISABLE_PIP_VERSION_CHECK=1 "$PREFIX/bin/pip" install -q --no-index \
        --find-links "$HERE/wheelhouse" --upgrade "hallctl[postgres,redis]==$VERSION" ||
        fail "pip could not install hallctl $VERSION from $HERE/wheelhouse" "pip 无法从 $HERE/wheelhouse 安装 hallctl $VERSION"
}

create_user() {
    id "$SERVICE_USER" >/dev/null 2>&1 && return 0
    useradd --system --home-dir "$DATA_DIR" --no-create-home --shell /usr/sbin/nologin "$SERVICE_USER" ||
        fail "could not create the user $SERVICE_USER" "无法创建用户 $SERVICE_USER"
}

install_config() {
    mkdir -p "$CONFIG_DIR" "$DATA_DIR"
    chmod 700 "$DATA_DIR"
    demo="$("$PREFIX/bin/python" -c 'from importlib import resources; print(resources.files("hallctl") / "demo")')"
    if [ ! -e "$CONFIG_DIR/hall.toml" ]; then
        # The demo hall, its database under DATA_DIR and its voice pack beside the config: edit before opening.
        sed -e "s|^database = .*|database = \"sqlite:///$DATA_DIR/hall.db\"|" \
            -e "s|^pack = \"voice\"|pack = \"$CONFIG_DIR/voice\"|" "$demo/hall.toml" >"$CONFIG_DIR/hall.toml"
        say "wrote $CONFIG_DIR/hall.toml (the demo hall: edit it)"
    fi
    [ -e "$CONFIG_DIR/voice" ] || cp -r "$demo/voice" "$CONFIG_DIR/voice"
    mkdir -p "$PREFIX/share/doc/hallctl"
    cp "$HERE"/doc/*.md "$PREFIX/share/doc/hallctl/"
    if [ "${HALLCTL_SKIP_USER:-}" != 1 ]; then
        chown "$SERVICE_USER:$SERVICE_USER" "$DATA_DIR"
        chown "root:$SERVICE_USER" "$CONFIG_DIR/hall.toml"
        chmod 640 "$CONFIG_DIR/hall.toml"
    fi
}

install_units() {
    [ -d /run/systemd/system ] || {
        say "systemd is not running here: no unit installed"
        return 0
    }
    found=""
    for unit in "$HERE"/deploy/*.service "$HERE"/deploy/*.timer; do
        [ -e "$unit" ] || continue
        install -m 644 "$unit" "$UNIT_DIR/$(basename "$unit")"
        found="$found $(basename "$unit")"
    done
    [ -n "$found" ] && systemctl daemon-reload && say "installed the systemd units:$found"
    return 0
}

if [ "${HALLCTL_SKIP_APT:-}" = 1 ]; then say "skipping the Debian packages"; else install_debs; fi
install_venv
if [ "${HALLCTL_SKIP_USER:-}" = 1 ]; then say "skipping the user $SERVICE_USER"; else create_user; fi
install_config
if [ "${HALLCTL_SKIP_SYSTEMD:-}" = 1 ]; then say "skipping systemd"; else install_units; fi

HALLCTL="$PREFIX/bin/hallctl"
"$HALLCTL" check-config "$CONFIG_DIR/hall.toml" || fail "$CONFIG_DIR/hall.toml does not check" "配置文件 $CONFIG_DIR/hall.toml 检查未通过"
cat <<EOF
install.sh: hallctl $VERSION is installed in $PREFIX. Next steps:
  1. edit $CONFIG_DIR/hall.toml (hall, services, windows, kiosks, devices), then: $HALLCTL check-config $CONFIG_DIR/hall.toml
  2. $HALLCTL db upgrade --config $CONFIG_DIR/hall.toml   (as $SERVICE_USER: runuser -u $SERVICE_USER -- …)
  3. $HALLCTL user add admin --role admin --config $CONFIG_DIR/hall.toml
  4. systemctl enable --now hallctl hallctl-backup.timer   (or: $HALLCTL serve --config $CONFIG_DIR/hall.toml)
The documentation is in $PREFIX/share/doc/hallctl (operations.md, deploy.md).
EOF
