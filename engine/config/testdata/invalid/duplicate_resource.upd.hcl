site "lab" {
  code   = "LAB"
  name   = "Lab"
  server = "SCCM01"
}

site "lab" { # ERROR: Duplicate resource
  code   = "LB2"
  name   = "Lab2"
  server = "SCCM02"
}
