// Package sambatest gives tests a private Samba file server: smbd on
// 127.0.0.1 and a free port, with its own smb.conf, passdb and state folders
// in a temporary directory, started on first use by Get and stopped by Main
// when the tests are done.
//
// The server is set up the way updplan's SMB code expects a site server to
// be: registry shares with `add share command`, `change share command` and
// `delete share command` scripts that run `net conf addshare|setparm|delshare`
// (how Samba serves MS-SRVS NetrShareAdd/SetInfo/Del), a `C$` share rooted at
// `/` standing in for the administrative share of drive C (Samba shows the
// Unix path /x/y as C:\x\y), a local group `SMS Admins`, and test users:
// Admin (root, may manage shares), Member (in SMS Admins), Reader and
// Outsider. Their Unix accounts are the system accounts root, daemon, bin and
// sys, so no account is added to the machine; smbd runs as root and maps file
// access on its file shares to root (`force user` on each share, not on IPC$,
// so RPC calls run as the logged-on user), while share ACLs are still checked
// against the logged-on user. Samba's RPC workers may serve a share's old
// path and comment for a while after a change: check those with
// `net conf showshare`.
//
// Every daemon it started (smbd, samba-dcerpcd and the rpcd_* workers that
// re-parent to PID 1) is found by the private smb.conf on its command line and
// stopped by PID.
//
// When the Samba binaries are missing, or the tests do not run as root, Get
// skips the test with a message naming the Debian packages, unless
// UPDPLAN_REQUIRE_SERVERS=1, in which case the test fails.
//
// It does not manage long-lived servers or run anywhere but in tests on
// Linux.
package sambatest
