provider "sitedb" {
  driver = "sqlite"
}

provider "sitedb" { # ERROR: Duplicate provider configuration
  driver = "postgres"
}
