variable "site_code" {
  type    = string
  default = "lab"
  validation {
    condition     = can(regex("^[A-Z0-9]{3}$", var.site_code)) # ERROR: Invalid value for variable
    error_message = "The site code must be three upper-case letters or digits."
  }
}
