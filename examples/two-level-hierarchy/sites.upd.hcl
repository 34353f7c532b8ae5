# A two-level hierarchy: the central site CEN and its child primary site
# BR1, each with two distribution points and its hardware inventory cycle.

updplan {
  required_version = ">= 0.1.0"
}

site "central" {
  code   = "CEN"
  name   = "Central"
  server = "CENSRV"
}

# The child primary site. Objects made at the central site flow down to
# it; nothing of it flows up.
site "branch" {
  code   = "BR1"
  name   = "Branch-1"
  server = "BR1SRV"
  parent = site.central.code
}

distribution_point "central" {
  for_each     = toset(["CEN-DP01", "CEN-DP02"])
  site         = site.central.code
  server       = each.key
  share        = "SMSPKGD$"
  content_path = "${path.root}/.site/${each.key}/SMSPKGD$"
}

distribution_point "branch" {
  for_each     = toset(["BR1-DP01", "BR1-DP02"])
  site         = site.branch.code
  server       = each.key
  share        = "SMSPKGD$"
  content_path = "${path.root}/.site/${each.key}/SMSPKGD$"
}

# Compliance reaches the site database only through hardware inventory;
# the branch reports daily (the agent's dialog allows 1-24 hours too).
hardware_inventory "central" {
  site = site.central.code
}

hardware_inventory "branch" {
  site     = site.branch.code
  schedule = "every 1 days"
}
