# Ids that name nothing: planned against an empty site database (issue 12,
# item 1). Nothing is written, not even an id counter for site ZZZ.

site "lab" {
  code   = "LAB"
  name   = "Lab"
  server = "SITESRV"
}

site "branch" {
  code   = "BR1"
  name   = "Branch"
  server = "BR1SRV"
  parent = "CEM" # ERROR: Parent site not found
}

deployment "zzz" {
  site       = "ZZZ" # ERROR: Site not found
  name       = "Security updates"
  updates    = ["KB958644"]
  collection = "BR100042" # ERROR: Unknown collection
  package    = "CEN0FFFF" # ERROR: Unknown deployment package
  start_time = "2026-12-01T02:00:00Z"
}

package "tool" {
  site          = site.lab.code
  name          = "Tool"
  distribute_to = ["not a NAL path"] # ERROR: Unknown distribution point
}

program "orphan" {
  package           = "LAB00001" # ERROR: Unknown package
  name              = "Orphan"
  command_line      = "orphan.exe"
  dependent_program = "CEN0FFFF;;nothing" # ERROR: Unknown package
}

sync_host "wks" {
  site       = site.lab.code
  computer   = "WKS01"
  collection = "LAB0FFFF" # ERROR: Unknown collection
}

hardware_inventory "typo" {
  site = "LBA" # ERROR: Site not found
}

collection "clients" {
  site = site.lab.code
  name = "SMS 2003 clients"
}

advertisement "scan" {
  site       = site.lab.code
  name       = "Scan"
  collection = "SMS00001"
  package    = "Tool" # ERROR: Unknown package
  program    = "Scan"
}
