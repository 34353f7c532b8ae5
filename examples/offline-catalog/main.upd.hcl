# A site whose catalog comes only from a local catalog location.

variable "distribution_points" {
  type    = list(string)
  default = ["DP01", "DP02", "DP03"]
}

site "central" {
  code   = "CEN"
  name   = "Central"
  server = "CENSRV"
}

share "pkgsrc" {
  server        = site.central.server
  name          = "PackageSrc"
  path          = "E:\\ITMU\\PkgSource"
  on_name_taken = "next_free"
  access {
    principal = "Administrators"
    rights    = "full"
  }
  access {
    principal = "SMS Admins"
    rights    = "full"
  }
  access {
    principal = "Domain Computers"
    rights    = "read"
  }
}

distribution_point "dp" {
  count        = length(var.distribution_points)
  site         = site.central.code
  server       = var.distribution_points[count.index]
  content_path = "${path.root}/.site/${var.distribution_points[count.index]}/SMSPKGE$"
  share        = "SMSPKGE$"
}

collection "sync" {
  site    = site.central.code
  name    = "Microsoft Updates Tool Sync"
  members = ["WKS-ADMIN07"]
}

sync_host "itmu" {
  site            = site.central.code
  computer        = "WKS-ADMIN07"
  mode            = "interactive" # someone logs on daily, as the guide suggests
  internet_access = false
  collection      = collection.sync.id
}

catalog "wsusscn2" {
  source {
    local_path = "${path.root}/catalog-drop/wsusscn2.cab"
  }
  destination         = share.pkgsrc.local_path
  distribution_points = distribution_point.dp[*].content_path
  sync_host           = sync_host.itmu.computer
  verify              = "full" # always re-hash: the drop folder is written by hand
  trust_anchors       = ["${path.root}/catalog-drop/test-root.pem"]
}

output "catalog" {
  value = {
    sha256 = catalog.wsusscn2.sha256
    signer = catalog.wsusscn2.signer
  }
}
