site "lab" {
  code   = "LAB"
  name   = "Lab"
  server = "SCCM01"
}

collection "c" {
  site = "LAB"
  name = "C"
  depends_on = [
    site.lab.code, # ERROR: Invalid depends_on reference
    "site.lab", # ERROR: Invalid depends_on reference
    sitee.lab, # ERROR: Invalid depends_on reference
    site, # ERROR: Invalid depends_on reference
    site.lab,
    collection.d[0],
  ]
}

collection "d" {
  count      = 1
  site       = "LAB"
  name       = "D"
  depends_on = site.lab # ERROR: Invalid depends_on
}
