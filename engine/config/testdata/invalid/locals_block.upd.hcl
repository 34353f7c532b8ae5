locals {
  pkgsrc = "D:\\PkgSource"

  share { # ERROR: Unexpected "share" block
    name = "PackageSrc"
  }
}
