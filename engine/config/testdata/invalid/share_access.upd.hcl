share "pkgsrc" {
  server = "SCCM01"
  name   = "PackageSrc"
  path   = "D:\\PkgSource"

  access { # ERROR: Missing required argument
    principal = "Administrators"
  }

  access {
    principal = "SMS Admins"
    rights    = "full"
    inherit   = true # ERROR: Unsupported argument
  }
}
