# Site database and state on PostgreSQL.

updplan {
  backend "postgres" {
    workspace = "lab" # the DSN comes from UPDPLAN_BACKEND_DSN
  }
}

variable "site_db_dsn" {
  type        = string
  sensitive   = true
  description = "PostgreSQL connection string of the site database (UPDPLAN_VAR_site_db_dsn)."
}

provider "sitedb" {
  driver = "postgres"
  dsn    = var.site_db_dsn
}

site "lab" {
  code   = "LAB"
  name   = "Lab"
  server = "SITESRV"
}

collection "sync" {
  site    = site.lab.code
  name    = "Microsoft Updates Tool Sync"
  members = ["WKS-SYNC01"]
}

collection "clients" {
  site             = site.lab.code
  name             = "SMS 2003 clients"
  query            = "select * from SMS_R_System where ClientVersion like '2.50%'"
  refresh          = "periodic"
  refresh_schedule = "every 1 days"
}

sync_host "itmu" {
  site       = site.lab.code
  computer   = "WKS-SYNC01"
  mode       = "unattended"
  collection = collection.sync.id
}

hardware_inventory "lab" {
  site = site.lab.code
}
