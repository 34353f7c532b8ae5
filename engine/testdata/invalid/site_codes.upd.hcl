site "reserved" {
  code   = "CON" # ERROR: Reserved site code
  name   = "Central"
  server = "SITESRV"
}

site "short" {
  code   = "AB" # ERROR: Invalid site code
  name   = "Branch"
  server = "BRANCH01"
}

site "spaces" {
  code   = "LAB"
  name   = "Lab site" # ERROR: Invalid site name
  server = "LABSRV"
}
