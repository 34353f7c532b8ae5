provider "sitedb" {
  drvier = "sqlite" # ERROR: Unsupported argument
}

provider "share" {
  driver = "smb"
  password_file = "x" # ERROR: Unsupported argument
}
