# Objects across sites (issue 12, item 3): a child may use its ancestors'
# collections and packages; nothing crosses sites in any other direction.

site "cen" {
  code   = "CEN"
  name   = "Central"
  server = "CENSRV"
}

site "br1" {
  code   = "BR1"
  name   = "Branch-1"
  server = "BR1SRV"
  parent = site.cen.code
}

site "br2" {
  code   = "BR2"
  name   = "Branch-2"
  server = "BR2SRV"
  parent = site.cen.code
}

collection "cen" {
  site = site.cen.code
  name = "All SMS 2003 clients"
}

collection "br1" {
  site = site.br1.code
  name = "Branch 1 clients"
}

distribution_point "br1" {
  site   = site.br1.code
  server = "BR1DP"
}

distribution_point "br2" {
  site   = site.br2.code
  server = "BR2DP"
}

package "cen" {
  site          = site.cen.code
  name          = "Microsoft Updates Tool"
  distribute_to = [distribution_point.br1.id, distribution_point.br2.id]
}

package "br1" {
  site          = site.br1.code
  name          = "Branch tool"
  distribute_to = [distribution_point.br2.id] # ERROR: Object of another site
}

program "cen" {
  package      = package.cen.id
  name         = "Scan"
  command_line = "ScanWrapper.exe /cache /s"
}

program "br1" {
  package      = package.br1.id
  name         = "Branch scan"
  command_line = "branch.exe"
}

advertisement "down" {
  site       = site.br1.code
  name       = "Scan from the central site"
  collection = collection.cen.id
  package    = package.cen.id
  program    = program.cen.name
}

advertisement "up" {
  site       = site.cen.code
  name       = "Scan of a child's collection"
  collection = collection.br1.id # ERROR: Object of another site
  package    = package.br1.id    # ERROR: Object of another site
  program    = program.br1.name
}

deployment_package "cen" {
  site        = site.cen.code
  name        = "Central updates"
  source_path = "\\\\CENSRV\\Updates\\Central"
}

deployment "br1" {
  site       = site.br1.code
  name       = "Branch updates"
  updates    = ["KB958644"]
  collection = collection.cen.id
  package    = deployment_package.cen.id # ERROR: Object of another site
  start_time = "2026-12-01T02:00:00Z"
}

sync_host "br2" {
  site       = site.br2.code
  computer   = "BR2WKS"
  collection = collection.br1.id # ERROR: Object of another site
}

deployment "wrong_kind" {
  site       = site.cen.code
  name       = "Wrong kind"
  updates    = ["KB958644"]
  collection = collection.cen.id
  package    = package.cen.id # ERROR: Reference to the wrong kind of object
  start_time = "2026-12-01T02:00:00Z"
}

collection "br1_sub" {
  site              = site.br1.code
  name              = "Branch 1 clients, first floor"
  parent_collection = collection.cen.id
}

collection "cen_sub" {
  site              = site.cen.code
  name              = "Central clients of branch 1"
  parent_collection = collection.br1.id # ERROR: Object of another site
}
