# Compliance: load what the SMS 2003 clients reported, read it in reports,
# and deploy updates only to a collection that has reported.

site "lab" {
  code   = "LAB"
  name   = "Lab"
  server = "SITESRV"
}

hardware_inventory "lab" {
  site     = site.lab.code
  schedule = "every 7 days"
}

# The pilot clients, by name: updplan knows their members. A collection
# defined by a query gets its members from `updplan inventory import` of a
# v_FullCollectionMembership export instead.
collection "pilot" {
  site    = site.lab.code
  name    = "SMS 2003 pilot clients"
  members = ["PC01", "PC02", "PC03", "KÖLN-07"]
}

share "updates" {
  server = site.lab.server
  name   = "UpdatesSrc"
  path   = "D:\\Updates"

  access {
    principal = "SMS Admins"
    rights    = "full"
  }
}

deployment_package "monthly" {
  site        = site.lab.code
  name        = "Monthly security updates"
  source_path = "${share.updates.unc}\\Monthly"
}

deployment "pilot" {
  site       = site.lab.code
  name       = "December 2026 security updates (pilot)"
  updates    = ["KB958644", "KB958687", "KB960714"]
  collection = collection.pilot.id
  package    = deployment_package.monthly.id
  start_time = "2026-12-12T02:00:00Z"
  deadline   = "2026-12-19T02:00:00Z"

  sms2003 {
    enabled           = true
    collect_inventory = true
    schedule          = "weekly on saturday at 03:00"
  }
}
