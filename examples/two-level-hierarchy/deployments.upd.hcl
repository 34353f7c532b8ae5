# The branch deploys updates to its SMS 2003 clients, from a deployment
# package of its own site (ConfigMgr offers only the current site's
# packages) whose source is a network folder no other package uses.

collection "branch_clients" {
  site    = site.branch.code
  name    = "SMS 2003 clients - Branch 1"
  members = ["BR1-WKS-01", "BR1-WKS-02", "BR1-WKS-03"]
}

share "updates" {
  server      = site.branch.server
  name        = "UpdatesSrc"
  path        = "D:\\Updates"
  description = "Sources of the branch's deployment packages"

  access {
    principal = "Administrators"
    rights    = "full"
  }
  access {
    principal = "SMS Admins"
    rights    = "full"
  }
}

deployment_package "branch_monthly" {
  site          = site.branch.code
  name          = "Branch monthly security updates"
  source_path   = "${share.updates.unc}\\Monthly"
  distribute_to = [for dp in distribution_point.branch : dp.id]
}

deployment "branch_november" {
  site        = site.branch.code
  name        = "November 2026 security updates"
  updates     = ["KB958644", "KB2347290"]
  collection  = collection.branch_clients.id
  package     = deployment_package.branch_monthly.id
  start_time  = "2026-11-14T02:00:00Z"
  deadline    = "2026-11-28T02:00:00Z"
  notify_user = true

  sms2003 {
    enabled             = true
    collect_inventory   = true
    schedule            = "weekly on saturday at 03:00"
    max_install_minutes = 120
  }
}
