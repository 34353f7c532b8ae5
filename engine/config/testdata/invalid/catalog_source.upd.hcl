catalog "wsusscn2" { # ERROR: Missing source block
  destination = "D:\\PkgSource"
}

catalog "two" {
  destination = "E:\\PkgSource"
  source {
    local_path = "E:\\drop\\wsusscn2.cab"
  }
  source { # ERROR: Duplicate source block
    url = "https://catalog.s.download.windowsupdate.com/microsoftupdate/v6/wsusscan/wsusscn2.cab"
  }
}
