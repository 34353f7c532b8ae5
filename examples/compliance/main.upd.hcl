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

# What the pilot clients reported, read at every plan.
data "compliance" "pilot" {
  site       = site.lab.code
  collection = collection.pilot.id
  updates    = ["KB958644", "KB958687", "KB960714"]
}

# The built-in All Systems collection, which no site definition declares.
data "collection" "all" {
  site = site.lab.code
  name = "All Systems"
}

deployment "pilot" {
  site       = site.lab.code
  name       = "December 2026 security updates (pilot)"
  updates    = ["KB958644", "KB958687", "KB960714"]
  collection = collection.pilot.id
  package    = deployment_package.monthly.id
  start_time = "2026-12-12T02:00:00Z"
  deadline   = "2026-12-19T02:00:00Z"

  # Deploy only once nine in ten pilot clients have reported a scan.
  lifecycle {
    precondition {
      condition     = data.compliance.pilot.reported_percent >= 90
      error_message = "Only ${data.compliance.pilot.reported} of the ${data.compliance.pilot.clients} pilot clients have reported a scan: wait for their hardware inventory, import it, and plan again."
    }
  }

  sms2003 {
    enabled           = true
    collect_inventory = true
    schedule          = "weekly on saturday at 03:00"
  }
}

output "pilot_compliance" {
  description = "Compliance of the pilot clients over the deployment's updates."
  value = {
    reported_percent  = data.compliance.pilot.reported_percent
    compliant_percent = data.compliance.pilot.compliant_percent
    stale             = data.compliance.pilot.stale
  }
}

output "all_systems" {
  description = "Members of All Systems, from the imported membership export."
  value       = data.collection.all.members
}
