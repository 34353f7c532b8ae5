output "unc" {
  value = "x"
}

output "unc" { # ERROR: Duplicate output
  value = "y"
}
