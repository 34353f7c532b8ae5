// Package msrpc is a small DCE/RPC client for exactly the calls updplan's
// SMB share driver makes, over the named pipes of a server's IPC$ share:
//
//   - MS-SRVS (srvsvc, \PIPE\srvsvc): NetrShareAdd (level 502, with the
//     security descriptor, so a share is never published with a broader ACL
//     than asked for), NetrShareGetInfo (502), NetrShareSetInfo (502 and
//     1501), NetrShareDel and NetrShareEnum (502).
//   - MS-LSAT (lsarpc, \PIPE\lsarpc): LsarOpenPolicy2, LsarLookupNames,
//     LsarLookupSids and LsarClose, to turn principal names into SIDs and
//     back on the server (local groups such as SMS Admins differ per
//     machine).
//
// It holds the connection-oriented PDU framing (bind, request, response,
// fault; fragments reassembled), an NDR20 little-endian encoder and decoder
// for the structures of those calls, and self-relative security descriptors
// with a DACL (SIDs, allow and deny ACEs). Server errors come back as
// WinError (Win32/NERR codes), NTStatus or Fault.
//
// It does not authenticate at the RPC level (the SMB session does), sign or
// seal PDUs, speak other interfaces or transports, or know what a share
// resource is.
package msrpc
