variable "count" { # ERROR: Reserved variable name
  type = number
}

variable "version" { # ERROR: Reserved variable name
  type = string
}
