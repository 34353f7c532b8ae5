site "lab" {
  code   = "LAB"
  name   = "Lab"
  server = "SCCM01"

  lifecycle {
    prevent_destroy = true
  }
  lifecycle { # ERROR: Duplicate lifecycle block
    create_before_destroy = true
  }
}
