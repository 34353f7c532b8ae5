site "lab" {
  code         = var.site_code
  name         = "Lab-Primary"
  server       = var.site_server
  install_dir  = "C:\\Program Files\\Microsoft Configuration Manager"
  admins_group = "SMS Admins"

  lifecycle {
    prevent_destroy = true
  }
}

distribution_point "dp" {
  for_each = var.distribution_points

  site         = site.lab.code
  server       = each.value.server
  kind         = "server"
  share        = "SMSPKGD$"
  content_path = each.value.content_path
}

hardware_inventory "lab" {
  site     = site.lab.code
  schedule = "every 7 days"
}

collection "sync" {
  site    = site.lab.code
  name    = "Microsoft Updates Tool Sync"
  comment = "Holds the synchronization host."
  members = [var.sync_host]
}

collection "sms2003" {
  site             = site.lab.code
  name             = "SMS 2003 Clients"
  query            = "select * from SMS_R_System where ClientVersion like '2.50%'"
  refresh          = "periodic"
  refresh_schedule = "every 1 days"
  members_include  = var.sms2003_clients
}

sync_host "lab" {
  site            = site.lab.code
  computer        = var.sync_host
  mode            = "unattended"
  internet_access = false
  collection      = collection.sync.id

  precondition {
    condition     = var.sync_host != var.site_server
    error_message = "The site server should not be the sync host: it would need Internet access."
  }
}
