deployment "dec" {
  site       = "LAB"
  name       = "December"
  updates    = ["KB958644"]
  collection = "LAB00002"
  start_time = "2026-12-09T02:00:00Z"

  lifecycle {
    ignore_changes = [
      descripton, # ERROR: Unknown attribute in ignore_changes
      sms2003.schedul, # ERROR: Unknown attribute in ignore_changes
      sms2003.schedule,
      "name", # ERROR: Invalid ignore_changes element
    ]
  }
}

site "lab" {
  code   = "LAB"
  name   = "Lab"
  server = "SCCM01"

  lifecycle {
    ignore_changes = [all] # ERROR: Unknown attribute in ignore_changes
  }
}

site "lab2" {
  code   = "LB2"
  name   = "Lab2"
  server = "SCCM02"

  lifecycle {
    ignore_changes = everything # ERROR: Invalid ignore_changes
  }
}
