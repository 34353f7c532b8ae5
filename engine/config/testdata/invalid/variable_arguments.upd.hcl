variable "site_code" {
  type      = string
  defualt   = "LAB" # ERROR: Unsupported argument
  sensitive = "yes" # ERROR: Invalid sensitive
  nullable  = 1 # ERROR: Invalid nullable
}
