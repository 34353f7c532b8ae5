# A two-level hierarchy: ITMU at the central site, clients in the branches.

variable "branches" {
  type = map(object({
    code    = string
    server  = string
    clients = set(string)
  }))
  default = {
    north = { code = "NTH", server = "NTHSRV", clients = ["NTH-WKS-01", "NTH-WKS-02"] }
    south = { code = "STH", server = "STHSRV", clients = ["STH-WKS-01"] }
  }
}

site "central" {
  code   = "CEN"
  name   = "Central"
  server = "CENSRV"
}

site "branch" {
  for_each = var.branches
  code     = each.value.code
  name     = "Branch-${title(each.key)}"
  server   = each.value.server
  parent   = site.central.code
}

hardware_inventory "central" {
  site = site.central.code
}

hardware_inventory "branch" {
  for_each = site.branch
  site     = each.value.code
  schedule = "every 3 days"
}

distribution_point "branch" {
  for_each = var.branches
  site     = site.branch[each.key].code
  server   = each.value.server
  kind     = "server_share"
  share    = "ITMU_${upper(each.key)}"
}

package "itmu" {
  site          = site.central.code
  name          = "Microsoft Updates Tool"
  source_path   = "\\\\CENSRV\\PackageSrc"
  distribute_to = [for dp in distribution_point.branch : dp.id]
}

program "scan" {
  package      = package.itmu.id
  name         = "Microsoft Updates Tool"
  command_line = "ScanWrapper.exe /cache /s"
}

collection "clients" {
  for_each = var.branches
  site     = site.central.code
  name     = "SMS 2003 clients - ${each.key}"
  members  = each.value.clients
}

advertisement "scan" {
  for_each   = var.branches
  site       = site.central.code
  name       = "Microsoft Updates Tool - ${each.key}"
  collection = collection.clients[each.key].id
  package    = package.itmu.id
  program    = program.scan.name
  schedule   = ["weekly on sunday at 04:00"]
  rerun      = "always"

  lifecycle {
    precondition {
      condition     = length(var.branches[each.key].clients) > 0
      error_message = "Branch ${each.key} has no clients to scan."
    }
  }
}
