data "complience" "pilot" { # ERROR: Unknown data source
  site = "LAB"
}

data "compliance" "counted" {
  count      = 2
  for_each   = toset(["a"]) # ERROR: Invalid combination of "count" and "for_each"
  site       = "LAB"
  collection = "LAB00001"
}

data "compliance" "computed" {
  site       = "LAB"
  collection = "LAB00001"
  clients    = 3 # ERROR: Computed attribute
}

data "collection" "all" {
  site = "LAB"
  name = "All Systems"
}

data "collection" "all" { # ERROR: Duplicate data block
  site = "LAB"
  name = "All Systems"
}
