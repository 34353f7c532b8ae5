updplan {
  backend "local" {
    path = "a.state"
  }
  backend "local" { # ERROR: Duplicate backend block
    path = "b.state"
  }
}
