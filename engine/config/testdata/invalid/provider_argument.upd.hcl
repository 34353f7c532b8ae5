provider "sitedb" {
  drvier = "sqlite" # ERROR: Unsupported argument
}

provider "share" {
  driver = "samba"
  password_file = "x" # ERROR: Unsupported argument
}
