variable "max_run_minutes" {
  type    = number
  default = "forever" # ERROR: Invalid default value for variable
}

variable "dps" {
  type    = map(object({ server = string }))
  default = { dp1 = { path = "x" } } # ERROR: Invalid default value for variable
}

variable "site" {
  default = var.other # ERROR: Variables not allowed
}

variable "strict" {
  type     = string
  nullable = false
  default  = null # ERROR: Invalid default value for variable
}
