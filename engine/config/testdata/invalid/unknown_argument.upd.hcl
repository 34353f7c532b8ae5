site "lab" {
  code   = "LAB"
  nmae   = "Lab-Primary" # ERROR: Unsupported argument
  server = "SCCM01"
  name   = "Lab"
}
