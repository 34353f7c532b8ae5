locals {
  pkgsrc = "D:\\PkgSource"
}

locals {
  tool   = "Microsoft Updates Tool"
  pkgsrc = "E:\\PkgSource" # ERROR: Duplicate local value
}
