provider "sitdb" { # ERROR: Unknown provider
  driver = "sqlite"
}
