site "lab" {
  code   = # ERROR: Invalid expression
  name   = "Lab"
}
