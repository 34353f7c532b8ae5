package "itmu" {
  site = "LAB"
  name = "Microsoft Updates Tool"
}

program "scan" {
  package         = package.itmu.id
  name            = "Microsoft Updates Tool"
  command_line    = "ScanWrapper.exe /cache /s"
  max_run_minutes = "lots" # ERROR: Incorrect attribute value type
}

program "expedited" {
  package         = package.itmu.id
  name            = "Microsoft Updates Tool (expedited)"
  command_line    = "ScanWrapper.exe /cache /s /kick"
  max_run_minutes = 0 # ERROR: Value out of range
  run_mode        = "always" # ERROR: Unsupported value
}
