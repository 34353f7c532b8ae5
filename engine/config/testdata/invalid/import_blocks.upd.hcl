share "pkgsrc" {
  server = "SCCM01"
  name   = "PackageSrc"
  path   = "D:\\PkgSource"
}

import {
  to = share.pkgsrc
  id = "PackageSrc"
}

import {
  to = share.pkgsrc # ERROR: Duplicate import target
  id = "PackageSrc_1"
}

import {
  to = "share.pkgsrc" # ERROR: Invalid resource address
  id = "PackageSrc"
}

import {
  to = share.other # ERROR: Import target not declared
  id = "Other"
}

import {
  to = shares.pkgsrc # ERROR: Unknown resource type
  id = "x"
}

import { # ERROR: Missing required argument
  to = share.pkgsrc
}

import {
  to = share.pkgsrc.name # ERROR: Invalid resource address
  id = "x"
}
