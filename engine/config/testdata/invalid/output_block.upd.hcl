output "unc" { # ERROR: Missing required argument
  description = "The PackageSrc share."
}

output "sha" {
  value      = "x"
  sensitive  = "no" # ERROR: Invalid sensitive
  depends_on = [catalog.wsusscn2.sha256] # ERROR: Invalid depends_on reference
  precondition = true # ERROR: Unsupported argument
}
