#!/bin/sh
# A private Samba server for trying the smb share driver (as root, on
# 127.0.0.1 only): registry shares managed over MS-SRVS through `net conf`,
# a C$ share standing in for the administrative share of drive C (Samba
# shows the Unix path /x/y as C:\x\y), a local group SMS Admins, and the
# SMB account root with a password of your choice.
#
#   sh samba-lab.sh start DIR PORT PASSWORD   # prints the variables to export
#   sh samba-lab.sh stop DIR                  # stops every daemon it started
#
# Needs the Debian packages samba smbclient samba-common-bin.
set -eu
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { sed -n '2,12p' "$0"; exit 2; }

if [ "$cmd" = stop ]; then
  # Every process whose command line names this lab's smb.conf: smbd,
  # samba-dcerpcd and its rpcd_* workers (which re-parent to PID 1).
  for pid in $(pgrep -f "$dir/smb.conf" || true); do kill "$pid" 2>/dev/null || true; done
  sleep 1
  for pid in $(pgrep -f "$dir/smb.conf" || true); do kill -9 "$pid" 2>/dev/null || true; done
  exit 0
fi
[ "$cmd" = start ] || { echo "unknown command $cmd" >&2; exit 2; }
port=${3:?port}
password=${4:?password}
mkdir -p "$dir" && dir=$(cd "$dir" && pwd)
for d in lock state cache private pid ncalrpc bind log; do mkdir -p "$dir/$d"; done
cat >"$dir/add-share.sh" <<'SH'
#!/bin/sh
max=$5; [ "$max" -gt 0 ] 2>/dev/null || max=0
net -s "$1" conf addshare "$2" "$3" writeable=y guest_ok=n "$4" &&
net -s "$1" conf setparm "$2" "max connections" "$max"
SH
cat >"$dir/change-share.sh" <<'SH'
#!/bin/sh
max=$5; [ "$max" -gt 0 ] 2>/dev/null || max=0
net -s "$1" conf setparm "$2" path "$3" &&
net -s "$1" conf setparm "$2" comment "$4" &&
net -s "$1" conf setparm "$2" "max connections" "$max"
SH
cat >"$dir/delete-share.sh" <<'SH'
#!/bin/sh
exec net -s "$1" conf delshare "$2"
SH
chmod +x "$dir"/*.sh
cat >"$dir/smb.conf" <<CONF
[global]
  workgroup = LAB
  netbios name = SITESRV
  server role = standalone server
  interfaces = 127.0.0.1
  bind interfaces only = yes
  smb ports = $port
  disable netbios = yes
  lock directory = $dir/lock
  state directory = $dir/state
  cache directory = $dir/cache
  private dir = $dir/private
  pid directory = $dir/pid
  ncalrpc dir = $dir/ncalrpc
  binddns dir = $dir/bind
  log file = $dir/log/log.%m
  passdb backend = tdbsam:$dir/private/passdb.tdb
  map to guest = Never
  server min protocol = SMB2_02
  load printers = no
  printing = bsd
  printcap name = /dev/null
  disable spoolss = yes
  add share command = $dir/add-share.sh
  change share command = $dir/change-share.sh
  delete share command = $dir/delete-share.sh
  registry shares = yes
  include = registry
CONF
C="$dir/smb.conf"
printf '%s\n%s\n' "$password" "$password" | pdbedit -s "$C" -a -u root -t >/dev/null
net -s "$C" groupmap list | grep -q 'SMS Admins' ||
  net -s "$C" groupmap add ntgroup="SMS Admins" unixgroup=adm type=local >/dev/null
net -s "$C" conf showshare 'C$' >/dev/null 2>&1 ||
  net -s "$C" conf addshare 'C$' / writeable=y guest_ok=n "administrative share"
setsid smbd -s "$C" -F --no-process-group -d 1 >"$dir/log/smbd.out" 2>&1 </dev/null &
for _ in 1 2 3 4 5 6 7 8 9 10; do
  smbclient -s "$C" -L //127.0.0.1 -p "$port" -U "root%$password" >/dev/null 2>&1 && break
  sleep 1
done
echo "export UPDPLAN_SMB_USERNAME=root UPDPLAN_SMB_DOMAIN=SITESRV"
echo "export UPDPLAN_VAR_smb_address=127.0.0.1:$port"
echo "# and UPDPLAN_SMB_PASSWORD=<the password you chose>"
