moved {
  from = package.inventory_tool
  to   = package.itmu
}

moved {
  from = package.inventory_tool # ERROR: Ambiguous move statements
  to   = package.itmu2
}

moved {
  from = package.a
  to   = package.a # ERROR: Redundant moved block
}

moved {
  from = package.b
  to   = program.b # ERROR: Resource type mismatch
}

moved { # ERROR: Missing required argument
  from = package.c
}
