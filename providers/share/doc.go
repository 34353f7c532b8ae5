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
// The package does not check the share name rules or the broad-access ACL
// policy (package schema does, at validate time), does not touch NTFS
// permissions of the folders, and does not talk to a real SMB server: the
// Samba driver is a separate piece of work that will implement the driver
// interface of driver.go.
package share
