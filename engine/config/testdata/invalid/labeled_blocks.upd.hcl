provider "share" {
  driver = "smb"
  server "SITESRV" {
    address = "sitesrv.corp.example"
  }
  server "SITESRV" { # ERROR: Duplicate server block
    address = "127.0.0.1:4450"
  }
  server { # ERROR: Missing server block label
    name    = "DP01"
    address = "dp01.corp.example"
  }
  server "DP02" "extra" { # ERROR: Extraneous label for server
    address = "dp02.corp.example"
  }
}

provider "catalog" {
  smb_server "DP01" {
    username = "updplan"
  }
  smb_server "DP01" { # ERROR: Duplicate smb_server block
    username = "other"
  }
}
