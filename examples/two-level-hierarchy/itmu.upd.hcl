# The Inventory Tool for Microsoft Updates, installed once, at the central
# site: PkgSource shared as PackageSrc, the catalog copied to the
# distribution points of both sites, the sync host in its collection, the
# scan tool's package, programs and advertisements. The branch advertises
# the central site's scan package to its own clients.
#
# Program names and command lines below are illustrative: the ITMU help
# topics that list them could not be read (domain.md §16, [I]). Check them
# against what ITMU Setup created on your site.

share "pkgsrc" {
  server        = site.central.server
  name          = "PackageSrc"
  path          = "D:\\ITMU\\PkgSource"
  description   = "Inventory Tool for Microsoft Updates: catalog and scan tool"
  on_name_taken = "next_free"

  access {
    principal = "Administrators"
    rights    = "full"
  }
  access {
    principal = "SMS Admins"
    rights    = "full"
  }
}

# No Internet connection: an administrator drops each new wsusscn2.cab into
# catalog-drop/ by hand. The sample catalog is signed by the test root in
# catalog-drop/test-root.pem; a real one chains to the Microsoft roots
# built into updplan (leave trust_anchors out).
catalog "wsusscn2" {
  source {
    local_path = "${path.root}/catalog-drop/wsusscn2.cab"
  }
  destination = share.pkgsrc.local_path
  # Every distribution point that holds the scan package gets the catalog.
  distribution_points = concat(
    [for dp in distribution_point.central : dp.content_path],
    [for dp in distribution_point.branch : dp.content_path],
  )
  sync_host     = sync_host.itmu.computer
  trust_anchors = ["${path.root}/catalog-drop/test-root.pem"]
}

collection "sync" {
  site    = site.central.code
  name    = "Microsoft Updates Tool Sync"
  comment = "Holds the synchronization host."
  members = ["WKS-SYNC01"]
}

collection "central_clients" {
  site    = site.central.code
  name    = "SMS 2003 clients"
  members = ["CEN-WKS-01", "CEN-WKS-02"]
}

sync_host "itmu" {
  site       = site.central.code
  computer   = "WKS-SYNC01"
  mode       = "unattended"
  collection = collection.sync.id
}

# The scan package goes to the distribution points of the central site and
# of its child (a package may go to its own site's and the sites below).
package "itmu" {
  site         = site.central.code
  name         = "Microsoft Updates Tool"
  manufacturer = "Microsoft"
  source_path  = share.pkgsrc.unc
  # A new catalog in PkgSource raises the package's source version, which
  # is how distribution points learn to refresh their copy.
  content_hash = catalog.wsusscn2.sha256
  distribute_to = concat(
    [for dp in distribution_point.central : dp.id],
    [for dp in distribution_point.branch : dp.id],
  )
}

program "scan" {
  package         = package.itmu.id
  name            = "Microsoft Updates Tool"
  command_line    = "ScanWrapper.exe /cache /s"
  max_run_minutes = 60
}

program "sync" {
  package         = package.itmu.id
  name            = "Microsoft Updates Tool Sync"
  command_line    = "SyncXML.exe /s /site ${site.central.server} /code ${site.central.code} /target ${share.pkgsrc.unc}"
  max_run_minutes = 120
}

advertisement "sync" {
  site       = site.central.code
  name       = "Microsoft Updates Tool Sync"
  collection = collection.sync.id
  package    = package.itmu.id
  program    = program.sync.name
  schedule   = ["weekly on sunday at 01:00"]
  rerun      = "always"
}

advertisement "scan_central" {
  site       = site.central.code
  name       = "Microsoft Updates Tool"
  collection = collection.central_clients.id
  package    = package.itmu.id
  program    = program.scan.name
  schedule   = ["weekly on sunday at 04:00"]
  rerun      = "always"
}

# The branch uses the central site's package (it flows down) for its own
# clients.
advertisement "scan_branch" {
  site       = site.branch.code
  name       = "Microsoft Updates Tool"
  collection = collection.branch_clients.id
  package    = package.itmu.id
  program    = program.scan.name
  schedule   = ["weekly on sunday at 04:00"]
  rerun      = "always"
}
