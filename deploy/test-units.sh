#!/bin/sh
# Starts and stops deploy/'s units where systemd runs (a Debian 12 machine or VM, as root), on an installed hallctl
# (packaging/install.sh: /opt/hallctl, /etc/hallctl/hall.toml, the user hallctl, a migrated database).
#   1. systemd-analyze verify: the unit files parse, with no unknown key;
#   2. hallctl.service starts and answers /api/v1/healthz on 127.0.0.1:8080;
#   3. `systemctl stop` ends it within TimeoutStopSec with exit status 0 (SIGTERM is a clean stop, not a failure);
#   4. hallctl-backup.service writes a checked backup into /var/lib/hallctl/backups, and the timer is valid.
# Exit 0 when all hold; the first failure is printed and exits 1. Without a running systemd it exits 77 (skipped).
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
UNIT_DIR=/etc/systemd/system
fail() { echo "test-units: $*" >&2; exit 1; }

[ -d /run/systemd/system ] || { echo "test-units: systemd is not running here: skipped"; exit 77; }
[ "$(id -u)" = 0 ] || fail "run as root"
[ -x /opt/hallctl/bin/hallctl ] || fail "/opt/hallctl/bin/hallctl is missing: run packaging/install.sh first"

out="$(systemd-analyze verify "$HERE/hallctl.service" "$HERE/hallctl-backup.service" "$HERE/hallctl-backup.timer" 2>&1)" ||
    fail "systemd-analyze verify: $out"
[ -z "$out" ] || fail "systemd-analyze verify warns: $out"

for unit in hallctl.service hallctl-backup.service hallctl-backup.timer; do
    install -m 644 "$HERE/$unit" "$UNIT_DIR/$unit"
done
systemctl daemon-reload
runuser -u hallctl -- /opt/hallctl/bin/hallctl db upgrade --config /etc/hallctl/hall.toml >/dev/null

systemctl start hallctl.service
i=0
until curl -fsS http://127.0.0.1:8080/api/v1/healthz >/dev/null 2>&1; do
    i=$((i + 1))
    [ "$i" -le 60 ] || fail "hallctl.service did not answer /api/v1/healthz in 30 s: $(journalctl -u hallctl -n 5 --no-pager)"
    sleep 0.5
done
pid="$(systemctl show -p MainPID --value hallctl.service)"
[ "$(stat -c %U "/proc/$pid")" = hallctl ] || fail "hallctl.service does not run as the user hallctl"
grep -q '^Max open files *65536' "/proc/$pid/limits" || fail "LimitNOFILE=65536 is not applied"

started="$(date +%s)"
systemctl stop hallctl.service
took=$(($(date +%s) - started))
[ "$(systemctl show -p ExecMainStatus --value hallctl.service)" = 0 ] ||
    fail "hallctl.service did not exit 0 on SIGTERM: $(journalctl -u hallctl -n 5 --no-pager)"
[ "$(systemctl show -p Result --value hallctl.service)" = success ] || fail "hallctl.service stopped with a failure"
[ "$took" -lt 20 ] || fail "stopping took $took s (TimeoutStopSec=20)"

systemctl start hallctl-backup.service  # a oneshot: returns when the backup is written
newest="$(ls -t /var/lib/hallctl/backups/hallctl-backup-*.sqlite3 | head -n 1)"
[ -n "$newest" ] || fail "hallctl-backup.service wrote no backup: $(journalctl -u hallctl-backup -n 5 --no-pager)"
[ "$(stat -c %a "$newest")" = 600 ] || fail "$newest is not mode 0600"
systemd-analyze calendar "$(sed -n 's/^OnCalendar=//p' "$HERE/hallctl-backup.timer")" >/dev/null || fail "bad OnCalendar"
echo "test-units: ok (stopped in $took s; backup $newest)"
