# The guide's PkgSource step on a real file server: create the folder,
# share it as PackageSrc (PackageSrc_1, ... when the name is taken) and
# grant Administrators and SMS Admins full control, over SMB.

variable "smb_address" {
  type        = string
  default     = "sitesrv.corp.example"
  description = "host or host:port of the site server's SMB service (UPDPLAN_VAR_smb_address)."
}

variable "pkgsource_path" {
  type        = string
  default     = "D:\\SMS\\PkgSource"
  description = "The PkgSource folder on the site server, with its drive (UPDPLAN_VAR_pkgsource_path)."
}

provider "share" {
  driver = "smb"

  # The account comes from UPDPLAN_SMB_USERNAME, UPDPLAN_SMB_PASSWORD and
  # UPDPLAN_SMB_DOMAIN: it must be an administrator of the server.
  server "SITESRV" {
    address = var.smb_address
  }
}

share "pkgsrc" {
  server        = "SITESRV"
  name          = "PackageSrc"
  path          = var.pkgsource_path
  description   = "ITMU package source"
  on_name_taken = "next_free"

  access {
    principal = "Administrators"
    rights    = "full"
  }
  access {
    principal = "SMS Admins"
    rights    = "full"
  }
}
