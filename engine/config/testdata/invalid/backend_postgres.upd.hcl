updplan {
  backend "postgres" { # ERROR: Missing required argument
    path = "x" # ERROR: Unsupported argument
  }
}
