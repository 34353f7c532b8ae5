catalog "wsusscn2" {
  destination = "D:/ITMU/PkgSource"
  source {
    url        = "https://catalog.s.download.windowsupdate.com/microsoftupdate/v6/wsusscan/wsusscn2.cab"
    local_path = "//FILESRV/Catalog" # ERROR: Conflicting catalog sources
  }
}

catalog "unverified" {
  destination      = "D:/ITMU/PkgSource2"
  verify_signature = false # WARNING: Catalog signature not verified
  source {
    local_path = "//FILESRV/Catalog"
  }
}
