# Values ConfigMgr holds to (issue 12, items 4 and 6): ASCII server names,
# the hardware inventory dialog's ranges (1-24 hours, 1-60 minutes), an SMS
# 2003 deployment backed by a deployment package.

site "br1" {
  code   = "BR1"
  name   = "Branch-1"
  server = "BRÅNCH1" # ERROR: Invalid server name
}

distribution_point "dp" {
  site   = "BR1"
  server = "DP 01" # ERROR: Invalid server name
}

hardware_inventory "hours" {
  site     = "CEN"
  schedule = "every 24 hours"
}

hardware_inventory "minutes" {
  site     = "BR2"
  schedule = "every 60 minutes"
}

hardware_inventory "too_many_hours" {
  site     = "BR3"
  schedule = "every 25 hours" # ERROR: Invalid schedule
}

deployment "no_package" {
  site       = "CEN"
  name       = "November"
  updates    = ["KB958644"]
  collection = "CEN00001"
  start_time = "2026-11-14T02:00:00Z"
  sms2003 {
    enabled = true # ERROR: SMS 2003 deployment without a deployment package
  }
}
