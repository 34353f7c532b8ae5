site "lab" { # ERROR: Missing required argument
  name   = "Lab-Primary"
  server = "SCCM01"
}

program "scan" { # ERROR: Missing required argument # ERROR: Missing required argument
  name = "Microsoft Updates Tool"
}
