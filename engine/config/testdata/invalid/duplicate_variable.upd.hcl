variable "site_code" {
  type = string
}

variable "site_code" { # ERROR: Duplicate variable
  default = "LAB"
}
