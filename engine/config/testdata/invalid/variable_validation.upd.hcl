variable "site_code" {
  type = string

  validation {
    condition     = length("LAB") == 3 # ERROR: Invalid variable validation condition
    error_message = "The site code must have three characters."
  }

  validation {
    condition     = var.site_code != var.other # ERROR: Invalid reference in variable validation
    error_message = "Other."
  }

  validation { # ERROR: Missing required argument
    condition = var.site_code != ""
  }
}
