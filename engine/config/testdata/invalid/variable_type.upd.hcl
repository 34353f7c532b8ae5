variable "site_code" {
  type = strin # ERROR: Invalid type specification
}

variable "clients" {
  type = list(string, number) # ERROR: Invalid type specification
}
