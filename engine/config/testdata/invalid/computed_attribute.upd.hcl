collection "sync" {
  site = "LAB"
  name = "Microsoft Updates Tool Sync"
  id   = "LAB00001" # ERROR: Computed attribute
}

share "pkgsrc" {
  server      = "SCCM01"
  name        = "PackageSrc"
  path        = "D:\\PkgSource"
  actual_name = "PackageSrc" # ERROR: Computed attribute
  unc         = "\\\\SCCM01\\PackageSrc" # ERROR: Computed attribute
}
