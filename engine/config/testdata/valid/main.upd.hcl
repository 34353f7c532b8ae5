# The LAB site: a Configuration Manager 2007 primary site that still serves
# SMS 2003 clients through the Inventory Tool for Microsoft Updates (ITMU).

updplan {
  required_version = ">= 0.1, < 2.0"

  backend "local" {
    path = "lab.updstate"
  }
}

variable "site_code" {
  type        = string
  default     = "LAB"
  description = "Site code of the primary site."

  validation {
    condition     = can(regex("^[A-Z0-9]{3}$", var.site_code))
    error_message = "The site code must be three characters A-Z and 0-9."
  }
}

variable "site_server" {
  type    = string
  default = "SCCM01"
}

variable "sync_host" {
  type        = string
  default     = "WKS-SYNC01"
  description = "A workstation, as the guide recommends: the site server needs no Internet access."
}

variable "sms2003_clients" {
  type    = set(string)
  default = ["PC-0101", "PC-0102", "PC-0103"]
}

variable "distribution_points" {
  type = map(object({
    server       = string
    content_path = optional(string)
  }))
  default = {
    dp1 = { server = "DP01", content_path = "smb://DP01/SMSPKGD$/catalog" }
    dp2 = { server = "DP02" }
  }
}

variable "db_password" {
  type      = string
  sensitive = true
  nullable  = true
  default   = null
}

locals {
  pkgsrc_root = "D:\\PkgSource"
  tool_name   = "Microsoft Updates Tool"
}

locals {
  scan_command = "ScanWrapper.exe /cache /kb:944043 /kb:944752"
  dp_paths     = [for dp in distribution_point.dp : dp.content_path if dp.content_path != null]
}

provider "sitedb" {
  driver = "sqlite"
  path   = "site.db"
}

provider "share" {
  driver = "local"
  root   = ".site"
}

provider "catalog" {
  http_timeout = "20m"
}

output "package_source" {
  value       = share.pkgsrc.unc
  description = "The UNC path of PkgSource, as clients see it."
}

output "catalog_sha256" {
  value      = catalog.wsusscn2.sha256
  depends_on = [catalog.wsusscn2]
}
