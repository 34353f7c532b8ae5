share "pkgsrc" {
  server = "SITESRV"
  name   = "PackageSrc"
  path   = "D:/ITMU/PkgSource"
  access {
    principal = "Administrators"
    rights    = "full"
  }
  access { # ERROR: Broad share access
    principal = "Everyone"
    rights    = "change"
  }
}
