# The inventory tool's rules (issue 12, items 4 and 6): installed once, at
# the top site; its package names unique in a site; the sync collection
# holds the sync host; the catalog on every distribution point of the scan
# package; advertisement names unique in a site.

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

distribution_point "dp1" {
  site         = site.cen.code
  server       = "DP01"
  content_path = "dp1"
}

distribution_point "dp2" {
  site         = site.cen.code
  server       = "DP02"
  content_path = "dp2"
}

package "itmu" {
  site          = site.cen.code
  name          = "Microsoft Updates Tool"
  distribute_to = [distribution_point.dp1.id, distribution_point.dp2.id]
}

package "itmu_again" {
  site = site.cen.code
  name = "Microsoft Updates Tool" # ERROR: Duplicate inventory tool package
}

package "itmu_child" {
  site = site.br1.code # ERROR: Inventory tool installed twice
  name = "Microsoft Updates Tool"
}

catalog "wsusscn2" {
  source {
    local_path = "catalog-drop/wsusscn2.cab"
  }
  destination         = "pkgsrc"
  distribution_points = [distribution_point.dp1.content_path] # ERROR: Catalog missing on a distribution point
}

collection "sync" {
  site = site.cen.code
  name = "Microsoft Updates Tool Sync" # ERROR: Sync collection without a sync host
}

collection "clients" {
  site    = site.cen.code
  name    = "SMS 2003 clients"
  members = ["WKS01", "WKS09"]
}

sync_host "outside" {
  site       = site.cen.code
  computer   = "WKS09"
  collection = collection.clients.id # ERROR: Sync host outside the sync collection
}

advertisement "scan" {
  site       = site.cen.code
  name       = "Microsoft Updates Tool"
  collection = collection.clients.id
  package    = package.itmu.id
  program    = "Microsoft Updates Tool"
}

advertisement "scan_again" {
  site       = site.cen.code
  name       = "Microsoft Updates Tool" # ERROR: Duplicate advertisement name
  collection = collection.clients.id
  package    = package.itmu.id
  program    = "Microsoft Updates Tool"
}
