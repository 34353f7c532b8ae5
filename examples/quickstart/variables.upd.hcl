# Inputs of the quickstart site. Override any of them with -var, an
# updplan.updvars file or UPDPLAN_VAR_<name>.

variable "site_code" {
  type        = string
  default     = "LAB"
  description = "Site code of the Configuration Manager 2007 site."
  validation {
    condition     = can(regex("^[A-Z0-9]{3}$", var.site_code))
    error_message = "A site code is three characters A-Z and 0-9."
  }
}

variable "site_server" {
  type        = string
  default     = "SITESRV"
  description = "The site server: it hosts PkgSource and the PackageSrc share."
}

variable "sync_host" {
  type        = string
  default     = "WKS-SYNC01"
  description = "The client that synchronizes the catalog (a workstation, as the guide recommends)."
}

variable "sms2003_clients" {
  type        = set(string)
  default     = ["WKS-0101", "WKS-0102", "WKS-0103"]
  description = "SMS 2003 clients scanned by the inventory tool."
}

variable "distribution_points" {
  type        = set(string)
  default     = ["DP01", "DP02"]
  description = "Distribution point servers."
}
