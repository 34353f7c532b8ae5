site "central" {
  code   = "CEN"
  name   = "Central"
  server = "SITESRV"
}

sync_host "itmu" {
  site            = site.central.code
  computer        = "SITESRV"
  mode            = "unattended"
  internet_access = true # WARNING: Site server with Internet access
}
