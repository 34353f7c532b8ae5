site "lab" {
  code   = "LAB"
  name   = "Lab"
  server = "SCCM01"

  lifecycle {
    prevent_destroy       = "yes" # ERROR: Invalid prevent_destroy
    create_before_destroy = var.cbd # ERROR: Variables not allowed
    replace_triggered_by  = [] # ERROR: Unsupported argument
  }
}
