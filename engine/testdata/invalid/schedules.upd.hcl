site "lab" {
  code   = "LAB"
  name   = "Lab"
  server = "LABSRV"
}

hardware_inventory "lab" {
  site     = site.lab.code
  schedule = "every 90 minutes" # ERROR: Invalid schedule
}

collection "sync" {
  site             = site.lab.code
  name             = "Microsoft Updates Tool Sync"
  refresh          = "periodic"
  refresh_schedule = "weekly on funday at 02:00" # ERROR: Invalid schedule
}
