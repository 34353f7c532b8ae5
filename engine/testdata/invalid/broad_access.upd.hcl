share "pkgsrc" {
  server = "SITESRV"
  name   = "PackageSrc"
  path   = "D:/ITMU/PkgSource"
  access {
    principal = "Administrators"
    rights    = "full"
  }
  access {
    principal = "Everyone" # ERROR: Broad share access
    rights    = "change"
  }
}
