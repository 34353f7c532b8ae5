collection "clients" {
  site = "LAB"
  name = "SMS 2003 clients"
}

package "itmu" {
  site        = "LAB"
  name        = "Microsoft Updates Tool"
  source_path = "\\\\SITESRV\\PackageSrc"
}

program "scan" {
  package      = package.itmu.id
  name         = "Microsoft Updates Tool"
  command_line = "ScanWrapper.exe /cache /s"
  run_mode     = "only_when_user_logged_on"
}

advertisement "scan" {
  site       = "LAB"
  name       = "Microsoft Updates Tool"
  collection = collection.clients.id
  package    = package.itmu.id
  program    = program.scan.name
  schedule   = ["at logoff"] # ERROR: Assignment does not match the program
}
