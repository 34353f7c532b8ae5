share "pkgsrc" {
  server = "SCCM01"
  name   = "PackageSrc"
  path   = "D:\\PkgSource"

  dynamic "acess" { # ERROR: Unsupported block type
    for_each = ["Administrators"]
    content {
      principal = access.value
      rights    = "full"
    }
  }

  dynamic "access" { # ERROR: Missing content block
    for_each = ["Administrators"]
  }

  dynamic "access" {
    for_each = ["SMS Admins"]
    iterator = "admins" # ERROR: Invalid dynamic iterator name
    content { # ERROR: Missing required argument
      principal = admins.value
      right     = "full" # ERROR: Unsupported argument
    }
  }

  dynamic "access" { # ERROR: Missing required argument
    iterator = a
    content {
      principal = a.value
      rights    = "read"
    }
  }
}
