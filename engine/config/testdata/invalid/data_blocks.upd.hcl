data "complience" "pilot" { # ERROR: Unknown data source
  site = "LAB"
}

data "compliance" "counted" {
  count      = 2 # ERROR: Meta-argument not supported on data blocks
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
