// Package catalog is the catalog provider: the Microsoft Update catalog
// (wsusscn2.cab) fetched from a local catalog location or over HTTP(S),
// checked (SHA-256 and Authenticode signature), copied into PkgSource and to
// every distribution point.
//
// Files: provider.go (configuration, HTTP client), catalog.go (the catalog
// resource type: Read, Plan, Apply, Import), source_local.go (hashing with
// the metadata cache), source_http.go (conditional requests, downloads),
// verify.go and cabfile.go (Authenticode over the CAB digest, standard
// library only), file.go (a place a catalog is: a local file) and
// file_smb.go (a file on an SMB distribution point, through the session
// pool of providers/internal/smbconn), copy.go (one pass over the source's
// bytes to every place, temporary names renamed into place),
// kernelcopy_*.go (reflink / copy_file_range, and write-behind: each local
// copy starts its write-back as it goes), fileid_*.go (inodes for the
// metadata cache), trust/ (the embedded Microsoft roots). testdata/ holds
// signed test catalogs and make-fixtures.sh, which made them;
// matrix_test.go builds its own with gcab and osslsigncode (and a legacy
// Authenticode time-stamping server) and compares every verdict with
// osslsigncode verify.
//
// Relative paths (destination, distribution points, local_path,
// trust_anchors, ca_file) are relative to the configuration directory
// (ConfigureRequest.WorkingDir), as the engine's path.root is ".".
//
// It does not: extract or parse the catalog's contents, fetch CRLs or OCSP
// (verification is offline), keep its own SMB sessions (smbconn does), or
// copy PkgSource itself over SMB (the destination is a local folder).
//
// Deleting a catalog removes only the copy in the destination, and only
// when it is the one updplan placed (its SHA-256 is the one in state);
// copies on distribution points stay (clients may scan against them; a
// warning lists them), and folders are never removed. A distribution point
// dropped from distribution_points loses the copy updplan placed there.
package catalog
