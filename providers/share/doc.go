// Package share is the file share provider: the `share` resource type (a
// folder shared under a name, with its share ACL) on a file server reached
// through a driver.
//
// The embedded default driver, `local` (driver_local.go), is a file server on
// local disk for dry runs, CI of site definitions and demos. Everything lives
// under its `root` (default `.site`, relative to the configuration
// directory):
//
//   - A share path on a server maps to a folder below root: the Windows path
//     `D:\ITMU\PkgSource` (or `D:/ITMU/PkgSource`) on server SRV01 is
//     `<root>/SRV01/D/ITMU/PkgSource`; an absolute POSIX path `/srv/pkg` (a
//     Samba server's path) is `<root>/SRV01/srv/pkg`. The server folder is
//     the server name in upper case and the drive letter is upper case.
//     Relative paths, `..` segments and paths whose existing part resolves
//     (after symbolic links) outside root are refused. `local_path` is this
//     folder, relative to the configuration directory when root is.
//   - The share table is one JSON file, `<root>/shares.json`: per server,
//     every share's name, path, description, ACL, limits, caching, folder
//     enumeration, the address of the updplan resource that owns it and when
//     it was created. It is replaced atomically (temporary file, fsync,
//     rename) under a lock (flock on `<root>/shares.json.lock` on unix, an
//     exclusive lock file elsewhere) and an in-process mutex, so parallel
//     applies in one process and in several processes never lose an update.
//
// Share names compare case-insensitively, as SMB does. With `on_name_taken =
// "next_free"` the plan picks the lowest free name of `NAME`, `NAME_1`,
// `NAME_2`, ...; a share keeps the name it has on later plans. Names planned
// for new shares are reserved in the process, so two shares of one
// configuration that ask for one name get different ones, in the order they
// are planned; a saved plan of such siblings applied by another process may
// find the order changed and must be planned again. Pinning names avoids
// that.
//
// Deleting a share removes its entry from the share table; it never deletes
// the folder or anything in it. A share whose entry is gone, or whose folder
// is gone, reads as gone (an SMB server cannot serve a share without its
// folder): the next apply creates the folder and the entry again.
//
// Import ids are `SERVER\NAME` (or `\\SERVER\NAME`), or just `NAME` when one
// server has a share of that name.
//
// The `smb` driver (driver_smb.go) manages shares on Windows and Samba
// servers, each named by a `server` block of the provider (address and
// credentials; UPDPLAN_SMB_USERNAME, UPDPLAN_SMB_PASSWORD and
// UPDPLAN_SMB_DOMAIN serve servers without their own). Sessions come from
// package smbconn and are pooled per server for the run; the calls go
// through package msrpc:
//
//   - A share path is the folder's path on the server with its drive
//     (`D:\SMS\PkgSource`; Samba shows the Unix path /srv/x as `C:\srv\x`).
//     The folder is created and checked over SMB through the drive's
//     administrative share (`\\SERVER\D$\SMS\PkgSource`), or the share a
//     server block's drive_shares names; local_path is the server's path.
//   - Shares are listed with NetrShareEnum (level 502), created with
//     NetrShareAdd (level 502, carrying the security descriptor, so a share is
//     never published with a broader ACL than declared), changed with
//     NetrShareSetInfo (502, then 1501 for the descriptor), deleted with
//     NetrShareDel. A share whose path the server keeps after a SetInfo is
//     deleted and added again.
//   - ACL rights map to the share masks Windows uses: full 0x1f01ff, change
//     0x1301bf, read 0x1200a9, deny an access-denied ACE (listed first).
//     Principals are resolved on the server with LsarLookupNames (a principal
//     written as a SID is used as is) and named back with LsarLookupSids, in
//     the shortest spelling that names the same SID; a principal that names
//     the same SID as the configuration's keeps the configuration's spelling.
//   - A real server keeps no owner: a share of the wanted name is held by
//     whoever made it, so next_free skips it and a create fails on it until
//     it is imported. A delete removes the share when it still has the path
//     in state. caching and folder_enumeration are not managed (a plan that
//     sets them to other than their defaults is refused); Samba reports every
//     share as unlimited, so concurrent_user_limit only shows on Windows.
//
// The package does not check the share name rules or the broad-access ACL
// policy (package schema does, at validate time), and does not touch NTFS
// permissions of the folders.
package share
