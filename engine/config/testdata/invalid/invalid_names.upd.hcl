variable "site code" { # ERROR: Invalid name
  type = string
}

output "1st" { # ERROR: Invalid name
  value = 1
}

site "lab site" { # ERROR: Invalid name
  code   = "LAB"
  name   = "Lab"
  server = "SCCM01"
}
