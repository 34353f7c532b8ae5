site_code = "LAB" # ERROR: Unsupported argument

locals {
  x = 1
}
