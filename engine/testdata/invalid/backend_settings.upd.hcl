updplan {
  backend "local" {
    path = "${local.state_dir}/${site.lab.code}.state" # ERROR: Invalid reference in backend settings
  }
}

variable "state_root" {
  type    = string
  default = "states"
}

locals {
  state_dir = "${var.state_root}/${collection.c.name}" # ERROR: Invalid reference in backend settings
}

site "lab" {
  code   = "LAB"
  name   = "Lab"
  server = "SCCM01"
}

collection "c" {
  site = site.lab.code
  name = "All"
}
