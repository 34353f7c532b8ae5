// Package smbconn is the SMB client of updplan's providers: credentials
// (with the UPDPLAN_SMB_USERNAME, UPDPLAN_SMB_PASSWORD and UPDPLAN_SMB_DOMAIN
// fallback), a pool of authenticated SMB2/3 sessions per server address and
// account that the objects of a run share, bounded dial and logon times,
// mounted shares, the `smb://HOST[:PORT]/SHARE/path` and
// `\\HOST\SHARE\path` address forms, and the classification of SMB failures
// into what a user can act on (wrong password or unknown user, unreachable,
// access denied, network name not found, connection dropped).
//
// Sessions come from github.com/cloudsoda/go-smb2 (NTLM, signing). A session
// whose connection dropped is discarded from the pool, so the next call dials
// again. No error text this package makes holds a password.
//
// It does not speak DCE/RPC (package msrpc does, over the named pipes a Conn
// opens), know about shares as resources, or retry failed operations.
package smbconn
