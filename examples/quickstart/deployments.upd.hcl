# Deploying updates to the SMS 2003 clients, once hardware inventory has
# carried the scan results into the site database.

share "updates" {
  server      = site.lab.server
  name        = "UpdatesSrc"
  path        = "D:\\Updates"
  description = "Sources of software update deployment packages"

  access {
    principal = "Administrators"
    rights    = "full"
  }
  access {
    principal = "SMS Admins"
    rights    = "full"
  }
}

deployment_package "monthly" {
  site          = site.lab.code
  name          = "Monthly security updates"
  description   = "Updates deployed to SMS 2003 clients every month"
  source_path   = "${share.updates.unc}\\Monthly"
  distribute_to = [for dp in distribution_point.dp : dp.id]
}

deployment "november" {
  site        = site.lab.code
  name        = "November 2026 security updates"
  description = "Security updates for the SMS 2003 clients"
  updates     = ["KB958644", "KB2347290", "KB4012598"]
  collection  = collection.sms2003_clients.id
  package     = deployment_package.monthly.id
  start_time  = "2026-11-14T02:00:00Z"
  deadline    = "2026-11-28T02:00:00Z"
  action      = "install"
  notify_user = true

  sms2003 {
    enabled             = true
    collect_inventory   = true
    dp_locality         = "download"
    schedule            = "weekly on saturday at 03:00"
    max_install_minutes = 120
  }
}

output "package_source" {
  description = "The PkgSource share, as clients see it."
  value       = share.pkgsrc.unc
}

output "collections" {
  description = "Ids of the collections."
  value = {
    sync    = collection.sync.id
    clients = collection.sms2003_clients.id
  }
}

output "catalog_sha256" {
  description = "SHA-256 of the catalog in PkgSource."
  value       = catalog.wsusscn2.sha256
}
