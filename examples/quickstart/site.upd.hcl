# The site, its distribution points and hardware inventory cycle.

updplan {
  required_version = ">= 0.1.0"
}

site "lab" {
  code        = var.site_code
  name        = "Lab"
  server      = var.site_server
  install_dir = "D:\\Program Files\\Microsoft Configuration Manager"
}

distribution_point "dp" {
  for_each     = var.distribution_points
  site         = site.lab.code
  server       = each.key
  kind         = "server"
  share        = "SMSPKGD$"
  content_path = "${path.root}/.site/${each.key}/SMSPKGD$"
}

# Compliance reaches the site database only through hardware inventory.
hardware_inventory "lab" {
  site     = site.lab.code
  schedule = "every 7 days"
}
