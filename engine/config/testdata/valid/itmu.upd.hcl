# Setup's PkgSource folder, shared as PackageSrc with full control for the
# local Administrators group and SMS Admins.
share "pkgsrc" {
  server        = site.lab.server
  name          = "PackageSrc"
  path          = local.pkgsrc_root
  description   = "Inventory Tool for Microsoft Updates package source"
  on_name_taken = "next_free"

  access {
    principal = "Administrators"
    rights    = "full"
  }

  dynamic "access" {
    for_each = toset(["SMS Admins"])
    iterator = admins
    content {
      principal = admins.value
      rights    = "full"
    }
  }

  lifecycle {
    ignore_changes = [description]
  }
}

# The catalog, filled by hand into a local catalog location: the site has no
# Internet connection.
catalog "wsusscn2" {
  file_name           = "wsusscn2.cab"
  destination         = share.pkgsrc.local_path
  distribution_points = local.dp_paths
  sync_host           = var.sync_host
  verify_signature    = true
  verify              = "full"

  source {
    local_path = "E:\\CatalogDrop\\wsusscn2.cab"
  }

  postcondition {
    condition     = self.size > 0
    error_message = "The catalog copy is empty."
  }
}

package "itmu" {
  site          = site.lab.code
  name          = local.tool_name
  version       = "2.0"
  manufacturer  = "Microsoft"
  language      = "ALL"
  description   = "Scans SMS 2003 clients for software update compliance."
  source_path   = share.pkgsrc.unc
  priority      = "high"
  distribute_to = [for dp in distribution_point.dp : dp.id]
}

package "itmu_sync" {
  site        = site.lab.code
  name        = "${local.tool_name} Sync"
  source_path = share.pkgsrc.unc
}

program "scan" {
  package         = package.itmu.id
  name            = "Microsoft Updates Tool"
  command_line    = local.scan_command
  run_mode        = "whether_or_not_user_logged_on"
  admin_rights    = true
  max_run_minutes = 720
  disk_space      = "50 MB"
  platforms       = ["x86 Windows XP", "x86 Windows Server 2003"]
}

program "sync" {
  package      = package.itmu_sync.id
  name         = "Microsoft Updates Tool Sync"
  command_line = "SyncXML.exe /s /site ${site.lab.server} /code ${site.lab.code} /target ${share.pkgsrc.unc}"
  run_mode     = "only_when_user_logged_on"
  depends_on   = [program.scan]
}

advertisement "scan" {
  site       = site.lab.code
  name       = "Microsoft Updates Tool"
  collection = collection.sms2003.id
  package    = package.itmu.id
  program    = program.scan.name
  schedule   = ["every 7 days", "at startup"]
  rerun      = "always"
  local_dp   = "download"
  depends_on = [program.scan, collection.sms2003]
}

advertisement "sync" {
  site       = site.lab.code
  name       = "Microsoft Updates Tool Sync"
  collection = collection.sync.id
  package    = package.itmu_sync.id
  program    = program.sync.name
  schedule   = ["every 1 days"]
}

import {
  to = share.pkgsrc
  id = "PackageSrc"
}

moved {
  from = package.inventory_tool
  to   = package.itmu
}
