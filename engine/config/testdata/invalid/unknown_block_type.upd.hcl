sitee "lab" { # ERROR: Unsupported block type
  code = "LAB"
}

widget "x" { # ERROR: Unsupported block type
}
