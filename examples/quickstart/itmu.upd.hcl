# The Inventory Tool for Microsoft Updates: PkgSource shared as PackageSrc,
# the catalog from a local catalog location, the sync host and its
# collection, the scan tool's packages, programs and advertisements.
#
# Program names and command lines (ScanWrapper.exe, SyncXML.exe and their
# switches) are illustrative: the ITMU help topics that list them could not
# be read (domain.md §16, [I]). Check them against what ITMU Setup made.

share "pkgsrc" {
  server        = site.lab.server
  name          = "PackageSrc"
  path          = "D:\\ITMU\\PkgSource"
  description   = "Inventory Tool for Microsoft Updates: catalog and scan tool"
  on_name_taken = "next_free" # PackageSrc -> PackageSrc_1 -> ... as Setup does

  access {
    principal = "Administrators"
    rights    = "full"
  }
  access {
    principal = "SMS Admins"
    rights    = "full"
  }
}

# The site has no Internet connection: an administrator drops each new
# wsusscn2.cab into catalog-drop/ by hand. The sample catalog there is signed
# by the test root in catalog-drop/test-root.pem; a real one chains to the
# Microsoft roots built into updplan (leave trust_anchors out).
catalog "wsusscn2" {
  source {
    local_path = "${path.root}/catalog-drop/wsusscn2.cab"
  }
  destination         = share.pkgsrc.local_path
  distribution_points = [for dp in distribution_point.dp : dp.content_path]
  sync_host           = sync_host.itmu.computer
  trust_anchors       = ["${path.root}/catalog-drop/test-root.pem"]
}

collection "sync" {
  site    = site.lab.code
  name    = "Microsoft Updates Tool Sync"
  comment = "Holds the synchronization host."
  members = [var.sync_host]
}

collection "sms2003_clients" {
  site             = site.lab.code
  name             = "SMS 2003 clients"
  comment          = "Clients scanned by the Inventory Tool for Microsoft Updates."
  members          = var.sms2003_clients
  refresh          = "periodic"
  refresh_schedule = "every 1 days"
}

sync_host "itmu" {
  site            = site.lab.code
  computer        = var.sync_host
  mode            = "unattended"
  internet_access = false # it reads the local catalog location
  collection      = collection.sync.id
}

package "itmu" {
  site          = site.lab.code
  name          = "Microsoft Updates Tool"
  manufacturer  = "Microsoft"
  version       = "3.0"
  language      = "English"
  description   = "Scan tool and catalog. Its source is always PkgSource; the sync host pushes new catalogs to the distribution points."
  source_path   = share.pkgsrc.unc
  distribute_to = [for dp in distribution_point.dp : dp.id]
  # A new catalog in PkgSource raises the package's source version, which
  # is how distribution points learn to refresh their copy.
  content_hash = catalog.wsusscn2.sha256
}

package "wua" {
  site          = site.lab.code
  name          = "Windows Update Agent"
  manufacturer  = "Microsoft"
  source_path   = "${share.pkgsrc.unc}\\WUA"
  distribute_to = [for dp in distribution_point.dp : dp.id]
}

program "scan" {
  package         = package.itmu.id
  name            = "Microsoft Updates Tool"
  command_line    = "ScanWrapper.exe /cache /s"
  run_mode        = "whether_or_not_user_logged_on"
  admin_rights    = true
  max_run_minutes = 60
  disk_space      = "50 MB"
}

program "scan_expedited" {
  package           = package.itmu.id
  name              = "Microsoft Updates Tool (expedited)"
  command_line      = "ScanWrapper.exe /cache /s /kick"
  run_mode          = "whether_or_not_user_logged_on"
  max_run_minutes   = 60
  dependent_program = "${package.wua.id};;Windows Update Agent"
}

program "sync" {
  package         = package.itmu.id
  name            = "Microsoft Updates Tool Sync"
  command_line    = "SyncXML.exe /s /site ${site.lab.server} /code ${site.lab.code} /target ${share.pkgsrc.unc}"
  run_mode        = "whether_or_not_user_logged_on"
  max_run_minutes = 120
}

program "wua" {
  package      = package.wua.id
  name         = "Windows Update Agent"
  command_line = "WindowsUpdateAgent30-x86.exe /quiet /norestart"
  run_mode     = "whether_or_not_user_logged_on"
}

advertisement "sync" {
  site       = site.lab.code
  name       = "Microsoft Updates Tool Sync"
  collection = collection.sync.id
  package    = package.itmu.id
  program    = program.sync.name
  schedule   = ["weekly on sunday at 01:00"]
  rerun      = "always"
}

advertisement "scan" {
  site       = site.lab.code
  name       = "Microsoft Updates Tool"
  collection = collection.sms2003_clients.id
  package    = package.itmu.id
  program    = program.scan.name
  # After the sync, on the same weekly interval.
  schedule = ["weekly on sunday at 04:00"]
  rerun    = "always"
  local_dp = "download"
}
