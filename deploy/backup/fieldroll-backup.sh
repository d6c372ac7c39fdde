#!/usr/bin/env bash
# Makes one FieldRoll backup and removes backups older than the retention period.
#
# Installed as /usr/local/lib/fieldroll/fieldroll-backup.sh and run nightly by
# fieldroll-backup.timer as the fieldroll user. May also be run by hand:
#   runuser -u fieldroll -- env FIELDROLL_CONFIG=/etc/fieldroll/fieldroll.env \
#       /usr/local/lib/fieldroll/fieldroll-backup.sh
#
# What it does, in this order:
#   1. runs `fieldroll-server backup --out ROOT/STAMP.partial` (the server may keep running:
#      SQLite online backup, or pg_dump for PostgreSQL, plus the photo folder and manifest.json);
#   2. checks that manifest.json is there, then renames the folder to ROOT/STAMP, so a folder
#      without .partial is always a finished backup;
#   3. deletes finished backups older than FIELDROLL_BACKUP_KEEP_DAYS days — never the newest one,
#      and never anything whose name is not a backup stamp.
# Any failure stops it with a non-zero exit before anything is deleted; systemd then marks
# fieldroll-backup.service as failed (`systemctl --failed`).
#
# Settings (all optional), from the environment or else the FIELDROLL_CONFIG file; the unit
# loads /etc/fieldroll/fieldroll.env into the environment:
#   FIELDROLL_BACKUP_DIR        where backups go (default /var/backups/fieldroll)
#   FIELDROLL_BACKUP_KEEP_DAYS  how many days of backups to keep (default 14)
#   FIELDROLL_DATA, FIELDROLL_DATABASE_URL, FIELDROLL_BLOBS, FIELDROLL_CONFIG
#                               passed through to `fieldroll-server backup` unchanged
# Folder names are UTC stamps such as 20250301T021503Z.
set -euo pipefail

log() { printf 'fieldroll-backup: %s\n' "$*"; }
die() { printf 'fieldroll-backup: ERROR: %s\n' "$*" >&2; exit 1; }

# A setting from the environment, else from the FIELDROLL_CONFIG file (read, never sourced),
# the same order fieldroll-server uses.
setting() {
  local key=$1 line value=""
  if [[ -n ${!key:-} ]]; then
    printf '%s' "${!key}"
    return
  fi
  if [[ -n ${FIELDROLL_CONFIG:-} ]]; then
    [[ -r $FIELDROLL_CONFIG ]] || die "cannot read FIELDROLL_CONFIG=$FIELDROLL_CONFIG"
    while IFS= read -r line; do
      line=${line#"${line%%[![:space:]]*}"}
      if [[ $line == "$key="* ]]; then
        value=${line#*=}
        value=${value%"${value##*[![:space:]]}"}
        if [[ $value =~ ^\"(.*)\"$ || $value =~ ^\'(.*)\'$ ]]; then value=${BASH_REMATCH[1]}; fi
      fi
    done <"$FIELDROLL_CONFIG"
  fi
  printf '%s' "$value"
}

root=$(setting FIELDROLL_BACKUP_DIR)
root=${root:-/var/backups/fieldroll}
keep_days=$(setting FIELDROLL_BACKUP_KEEP_DAYS)
keep_days=${keep_days:-14}

[[ $keep_days =~ ^[0-9]+$ ]] || die "FIELDROLL_BACKUP_KEEP_DAYS must be a whole number of days, not '$keep_days'"
[[ $root == /* ]] || die "FIELDROLL_BACKUP_DIR must be an absolute path, not '$root'"

# The server program: fieldroll-server on PATH, else where deploy/README.md installs it.
if command -v fieldroll-server >/dev/null 2>&1; then
  server=$(command -v fieldroll-server)
else
  server=/usr/local/bin/fieldroll-server
fi
[[ -x $server ]] || die "cannot run the server program '$server'"

umask 077
mkdir -p -- "$root" || die "cannot create $root"
[[ -w $root ]] || die "$root is not writable by $(id -un)"

# One backup at a time: a second run (timer plus a hand-started one) waits up to 10 minutes.
exec 9>"$root/.lock" || die "cannot open $root/.lock"
flock -w 600 9 || die "another backup is still running (lock $root/.lock)"

# Leftovers of a run that crashed are never valid backups.
shopt -s nullglob
for stale in "$root"/*.partial; do
  log "removing unfinished backup $stale"
  rm -rf -- "$stale"
done

stamp=$(date -u +%Y%m%dT%H%M%SZ)
final="$root/$stamp"
partial="$final.partial"
[[ ! -e $final ]] || die "$final already exists"

log "backing up to $final"
started=$SECONDS
if ! "$server" backup --out "$partial"; then
  rm -rf -- "$partial"
  die "'$server backup --out $partial' failed; nothing was deleted"
fi
if [[ ! -s $partial/manifest.json ]]; then
  rm -rf -- "$partial"
  die "the backup has no manifest.json; nothing was deleted"
fi
mv -- "$partial" "$final"
sync -f "$final" 2>/dev/null || true
log "backup finished in $((SECONDS - started)) s: $final ($(du -sh -- "$final" | cut -f1))"

# Retention. Stamps sort in time order, so comparing names compares times.
cutoff=$(date -u -d "@$(($(date -u +%s) - keep_days * 86400))" +%Y%m%dT%H%M%SZ)
backups=()
for dir in "$root"/*/; do
  name=$(basename -- "$dir")
  [[ $name =~ ^[0-9]{8}T[0-9]{6}Z$ ]] && backups+=("$name")
done
[[ ${#backups[@]} -gt 0 ]] || die "no finished backup found in $root after the run"
mapfile -t backups < <(printf '%s\n' "${backups[@]}" | sort)
newest=${backups[${#backups[@]}-1]}
deleted=0
for name in "${backups[@]}"; do
  [[ $name == "$newest" ]] && continue
  if [[ $name < $cutoff ]]; then
    log "deleting $root/$name (older than $keep_days days)"
    rm -rf -- "${root:?}/$name" || die "could not delete $root/$name"
    deleted=$((deleted + 1))
  fi
done
log "kept $((${#backups[@]} - deleted)) backup(s), deleted $deleted; newest is $root/$newest"
