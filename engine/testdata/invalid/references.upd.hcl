locals {
  site_code = "LAB"
}

collection "scan" {
  site    = local.sitecode # ERROR: Reference to undeclared local value
  name    = var.scan_name # ERROR: Reference to undeclared input variable
  comment = colection.sync.id # ERROR: Reference to unknown name
}

advertisement "scan" {
  site       = local.site_code
  name       = "Microsoft Updates Tool"
  collection = collection.scn.id # ERROR: Reference to undeclared resource
  package    = "LAB00006"
  program    = "Microsoft Updates Tool"
}

collection "not_counted" {
  site = "LAB"
  name = "Clients ${count.index}" # ERROR: Reference to "count" in non-counted context
}
